import { context, type Span, trace } from "@opentelemetry/api";

// Deno's built-in OpenTelemetry (OTEL_DENO=true) provides the tracer; without
// it these spans are no-ops that cost next to nothing.
const tracer = trace.getTracer("gemini-live-search");

/**
 * A span covering one browser session, from its first stream to its end.
 *
 * @example
 * ```ts
 * const span = startSessionSpan("abc", "text");
 * span.end();
 * ```
 */
export function startSessionSpan(id: string, mode: "text" | "audio"): Span {
  return tracer.startSpan("live.session", {
    attributes: { "session.id": id, "session.mode": mode },
  });
}

/**
 * A span covering one turn, from the user's first input to the agent's turn
 * end, as a child of its session's span.
 */
export function startTurnSpan(session: Span, input: "text" | "audio"): Span {
  return tracer.startSpan(
    "live.turn",
    { attributes: { "turn.input": input } },
    trace.setSpan(context.active(), session),
  );
}

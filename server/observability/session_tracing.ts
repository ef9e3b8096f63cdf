import type * as OpenTelemetry from "@opentelemetry/api";
import type { Span, Tracer } from "@opentelemetry/api";

let api: typeof OpenTelemetry | undefined;
let tracer: Tracer | undefined;

/**
 * Loads the OpenTelemetry API; from then on sessions and turns get spans,
 * which Deno's built-in OpenTelemetry (`OTEL_DENO=true`) exports. Only worth
 * calling with it on: otherwise spans go nowhere, and the import alone takes
 * about 60 ms of the start-up (measured alone in a fresh process).
 *
 * @example
 * ```ts
 * if (Deno.env.get("OTEL_DENO") === "true") await enableTracing();
 * ```
 */
export async function enableTracing(): Promise<void> {
  api = await import("@opentelemetry/api");
  tracer = api.trace.getTracer("gemini-live-search");
}

/**
 * A span covering one browser session, from its first stream to its end;
 * `undefined` unless {@link enableTracing} ran.
 *
 * @example
 * ```ts
 * const span = startSessionSpan("abc", "text");
 * span?.end();
 * ```
 */
export function startSessionSpan(id: string, mode: "text" | "audio"): Span | undefined {
  return tracer?.startSpan("live.session", {
    attributes: { "session.id": id, "session.mode": mode },
  });
}

/**
 * A span covering one turn, from the user's first input to the agent's turn
 * end, as a child of its session's span.
 */
export function startTurnSpan(
  session: Span | undefined,
  input: "text" | "audio",
): Span | undefined {
  if (!api || !tracer || !session) return undefined;
  return tracer.startSpan(
    "live.turn",
    { attributes: { "turn.input": input } },
    api.trace.setSpan(api.context.active(), session),
  );
}

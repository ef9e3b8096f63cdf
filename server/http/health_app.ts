import { Hono, type MiddlewareHandler } from "hono";
import type { ServiceMetrics } from "../observability/service_metrics.ts";
import { bearerTokenGuard } from "../security/bearer_token_guard.ts";
import type { SessionRegistry } from "../sessions/session_registry.ts";

/** What {@link healthApp} reports from. */
export interface HealthAppOptions {
  registry: SessionRegistry;
  metrics: ServiceMetrics;
  /** Bearer token that alone opens `/metrics` (for scrapers). */
  metricsToken?: string;
  /** Who else may read `/metrics`: the users' access control, when there is no metrics token. */
  access: MiddlewareHandler;
  /** What keeps the agent from working for anyone (a model the key cannot use), if anything. */
  agentProblem?: () => string | undefined;
}

/**
 * `GET /healthz` (the process answers), `GET /readyz` (503 while draining or
 * when the agent cannot work) and `GET /metrics` (Prometheus). Mounted ahead
 * of access control: the probes are public, and `/metrics` brings its own
 * guard, the metrics token or else the users' access control.
 *
 * @example
 * ```ts
 * app.route("/", healthApp({ registry, metrics, access: access.middleware }));
 * ```
 */
export function healthApp(options: HealthAppOptions): Hono {
  const { registry, metrics } = options;
  const guard = options.metricsToken
    ? bearerTokenGuard(
      options.metricsToken,
      "Metrics need `Authorization: Bearer <METRICS_TOKEN>`",
    )
    : options.access;
  return new Hono()
    .get("/metrics", guard, async (c) =>
      c.text(await metrics.registry.metrics(), 200, {
        "Content-Type": metrics.registry.contentType,
      }))
    .get("/healthz", (c) => c.json({ status: "ok" }))
    .get("/readyz", (c) => {
      if (registry.draining) return c.json({ status: "draining", sessions: registry.size }, 503);
      const problem = options.agentProblem?.();
      if (problem) {
        return c.json({ status: "misconfigured", error: problem, sessions: registry.size }, 503);
      }
      return c.json({ status: "ready", sessions: registry.size });
    });
}

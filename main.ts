/**
 * Entry point: reads the configuration once, wires the agent to the HTTP app
 * and serves it.
 *
 * @module
 */
import type { AgentCatalog } from "./agent/agent_catalog.ts";
import { agentConfig } from "./agent/agent_config.ts";
import { MISSING_CREDENTIALS_MESSAGE } from "./agent/gemini_credentials.ts";
import { GeminiLiveConnector } from "./agent/gemini_live_connector.ts";
import { createApp } from "./server/http/app.ts";
import { withDotEnv } from "./config/dot_env.ts";
import { historyConfig } from "./server/history/history_config.ts";
import { PrometheusHistoryMetrics } from "./server/history/history_metrics.ts";
import { openHistory } from "./server/history/open_history.ts";
import { InFlightRequests } from "./server/observability/in_flight_requests.ts";
import { createLogger } from "./server/observability/logger.ts";
import { ResilientServer } from "./server/http/resilient_server.ts";
import { securityConfig } from "./server/security/security_config.ts";
import { serverConfig } from "./server/server_config.ts";
import { MemorySessionStore } from "./server/sessions/memory_session_store.ts";
import { RedisSessionStore } from "./server/sessions/redis_session_store.ts";
import { ServiceMetrics } from "./server/observability/service_metrics.ts";
import { SessionRegistry } from "./server/sessions/session_registry.ts";
import { enableTracing } from "./server/observability/session_tracing.ts";

/** A running service. */
export interface Service {
  server: Deno.HttpServer<Deno.NetAddr>;
  registry: SessionRegistry;
  /** Ends every session (pages are told to reconnect), then stops serving, in bounded time. */
  shutdown(): Promise<void>;
}

/**
 * Starts the service from environment variables (see docs/settings.md). `agents` are
 * the agents `AGENT` chooses from (default: the ones this service ships).
 *
 * @throws {Error} when the configuration is invalid, e.g. a public `HOST`
 *   without access control.
 *
 * @example
 * ```ts
 * const service = startService({ GOOGLE_API_KEY: "…", PORT: "0" });
 * await service.shutdown();
 * ```
 */
export function startService(
  env: Record<string, string | undefined>,
  { agents }: { agents?: AgentCatalog } = {},
): Service {
  const config = serverConfig(env);
  const security = securityConfig(env);
  const logger = createLogger(config.logLevel, { format: config.logFormat });
  const agent = agentConfig(env, agents);
  const historySettings = historyConfig(env);
  if (!agent.credentials) logger.warnOnce(MISSING_CREDENTIALS_MESSAGE);
  const metrics = new ServiceMetrics(config.prices);
  const connector = new GeminiLiveConnector({ ...agent, observer: metrics, log: logger });
  const registry = new SessionRegistry({
    connector,
    metrics,
    logger,
    sessionGraceMs: config.sessionGraceMs,
    limits: config.limits,
    maxSessions: security.maxSessions,
    maxSessionsPerClient: security.maxSessionsPerClient,
    // With Redis, sessions of an instance that died or restarted resume on any instance.
    store: config.redisUrl
      ? new RedisSessionStore({ url: config.redisUrl, logger })
      : new MemorySessionStore(),
  });
  metrics.countActiveSessions(() => registry.countByMode());
  const history = openHistory(historySettings, {
    logger,
    metrics: new PrometheusHistoryMetrics(metrics.registry),
  });
  const inFlight = new InFlightRequests();
  const app = createApp({
    registry,
    logger,
    inFlight,
    security,
    metrics,
    metricsToken: config.metricsToken,
    opusDownlink: config.opusDownlink,
    maxBodyBytes: config.maxBodyBytes,
    staticRoot: new URL("./static/", import.meta.url),
    agentProblem: () => connector.problem,
    history,
  });
  const tls = security.tls && {
    cert: Deno.readTextFileSync(security.tls.certFile),
    key: Deno.readTextFileSync(security.tls.keyFile),
  };
  let listened = false;
  // Listens again if the listener fails (descriptors run out): see ResilientServer.
  const listener = new ResilientServer({
    logger,
    listen: (port = config.port) =>
      listen({ host: config.host, port }, tls, (address) => {
        if (listened) return;
        listened = true;
        logger.info(`Listening on ${address} (agent ${agent.agent.name})`);
      }, app.fetch),
  });
  // After listening: the check lists Gemini's models, which must not delay the page.
  void connector.checkModels();
  return {
    get server() {
      return listener.server;
    },
    registry,
    shutdown: async () => {
      logger.info("Shutting down: asking every page to reconnect");
      registry.drain("The server is restarting; this page reconnects in a moment");
      const deadline = Date.now() + config.shutdownTimeoutMs;
      // The sessions' last state is stored, so the next instance resumes them.
      const stored = registry.closeStore();
      // Requests already in flight finish (new ones get 503) before the
      // server stops reading from its connections.
      if (!await inFlight.settled(config.shutdownTimeoutMs)) {
        logger.warn(`${inFlight.count} requests still in flight; stopping anyway`);
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise((resolve) => {
        timer = setTimeout(resolve, Math.max(deadline - Date.now(), 0));
      });
      await Promise.race([listener.shutdown(), timeout]);
      await Promise.race([stored, timeout]);
      clearTimeout(timer);
      // The turns of the sessions just ended, then the database lets go.
      await history?.close(Math.max(deadline - Date.now(), 1000));
    },
  };
}

/**
 * `Deno.serve` on `host:port`; a port in use is an error naming the address
 * and `PORT=`, where Deno's own says only "Address already in use".
 */
function listen(
  { host, port }: { host: string; port: number },
  tls: { cert: string; key: string } | undefined,
  onListen: (address: string) => void,
  handler: Deno.ServeHandler<Deno.NetAddr>,
): Deno.HttpServer<Deno.NetAddr> {
  const shown = (hostname: string) => hostname.includes(":") ? `[${hostname}]` : hostname;
  try {
    return Deno.serve({
      hostname: host,
      port,
      ...tls,
      onListen: ({ hostname, port }) =>
        onListen(`${tls ? "https" : "http"}://${shown(hostname)}:${port}`),
    }, handler);
  } catch (error) {
    if (!(error instanceof Deno.errors.AddrInUse)) throw error;
    throw new Deno.errors.AddrInUse(
      `Cannot listen on ${shown(host)}:${port}: the port is in use; set PORT= to another port`,
      { cause: error },
    );
  }
}

/**
 * The process environment with `.env` of the working directory under it (the
 * environment wins), also set back into `Deno.env`.
 *
 * @example
 * ```ts
 * const env = await loadEnvironment();
 * env.GOOGLE_API_KEY;
 * ```
 */
export async function loadEnvironment(): Promise<Record<string, string>> {
  let dotEnv = "";
  try {
    dotEnv = await Deno.readTextFile(".env");
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const env = withDotEnv(Deno.env.toObject(), dotEnv);
  // Libraries that read the environment themselves (google-auth-library for
  // Vertex AI) see .env too, as they would under `deno run --env-file`.
  for (const [name, value] of Object.entries(env)) Deno.env.set(name, value);
  return env;
}

if (import.meta.main) {
  const env = await loadEnvironment();
  if (env.OTEL_DENO === "true") await enableTracing();
  let service: Service;
  try {
    service = startService(env);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    Deno.exit(1);
  }
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => service.shutdown().then(() => Deno.exit(0)));
  }
}

/**
 * Entry point: reads the configuration once, wires the agent to the HTTP app
 * and serves it.
 *
 * @module
 */
import { agentConfig } from "./agent/agent_config.ts";
import { MISSING_CREDENTIALS_MESSAGE } from "./agent/gemini_credentials.ts";
import { GeminiLiveConnector } from "./agent/gemini_live_connector.ts";
import { createApp } from "./server/app.ts";
import { withDotEnv } from "./server/dot_env.ts";
import { createLogger } from "./server/logger.ts";
import { serverConfig } from "./server/server_config.ts";
import { SessionRegistry } from "./server/session_registry.ts";

/** A running service. */
export interface Service {
  server: Deno.HttpServer<Deno.NetAddr>;
  registry: SessionRegistry;
  /** Closes every session, then stops serving. */
  shutdown(): Promise<void>;
}

/**
 * Starts the service from environment variables (see README).
 *
 * @example
 * ```ts
 * const service = startService({ GOOGLE_API_KEY: "…", PORT: "0" });
 * await service.shutdown();
 * ```
 */
export function startService(env: Record<string, string | undefined>): Service {
  const config = serverConfig(env);
  const logger = createLogger(config.logLevel);
  const agent = agentConfig(env);
  if (!agent.credentials) logger.warnOnce(MISSING_CREDENTIALS_MESSAGE);
  const registry = new SessionRegistry({
    connector: new GeminiLiveConnector(agent),
    logger,
    sessionGraceMs: config.sessionGraceMs,
    heartbeatMs: config.heartbeatMs,
    maxPendingEvents: config.maxPendingEvents,
  });
  const app = createApp({
    registry,
    logger,
    maxBodyBytes: config.maxBodyBytes,
    staticRoot: new URL("./static/", import.meta.url),
  });
  const server = Deno.serve({
    hostname: config.host,
    port: config.port,
    onListen: ({ hostname, port }) => {
      const shown = hostname.includes(":") ? `[${hostname}]` : hostname;
      logger.info(
        `Listening on http://${shown}:${port} (agent ${agent.agent.name})`,
      );
    },
  }, app.fetch);
  return {
    server,
    registry,
    shutdown: async () => {
      registry.closeAll();
      await server.shutdown();
    },
  };
}

if (import.meta.main) {
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
  const service = startService(env);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(
      signal,
      () => service.shutdown().then(() => Deno.exit(0)),
    );
  }
}

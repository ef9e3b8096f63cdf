/**
 * The real service on a fixed port that can be stopped and started again,
 * as an operator restarting it would, while the page stays open.
 *
 * @module
 */
import { type Service, startService } from "../main.ts";
import { FakeLiveServer, type FakeLiveServerOptions } from "./fake_live_server.ts";

/** A service whose process can "restart" on the same address. */
export interface RestartableService {
  fake: FakeLiveServer;
  baseUrl: string;
  /**
   * Shuts the service down (every session ends), waits `downMs`, starts it again,
   * with `env` over the first start's settings (e.g. `GOOGLE_API_KEY: ""`: no key).
   */
  restart(downMs: number, env?: Record<string, string>): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts the fake Live API and the service on a free port that stays fixed. */
export function startRestartableService(
  fakeOptions: FakeLiveServerOptions = {},
): RestartableService {
  const fake = FakeLiveServer.start(fakeOptions);
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = probe.addr.port;
  probe.close();
  const env = {
    GOOGLE_API_KEY: "test-key",
    GOOGLE_GEMINI_BASE_URL: fake.url,
    HOST: "127.0.0.1",
    PORT: String(port),
    LOG_LEVEL: "error",
  };
  let service: Service | null = startService(env);
  return {
    fake,
    baseUrl: `http://127.0.0.1:${port}`,
    async restart(downMs, changes = {}) {
      await service?.shutdown();
      service = null;
      await new Promise((resolve) => setTimeout(resolve, downMs));
      service = startService({ ...env, ...changes });
    },
    async [Symbol.asyncDispose]() {
      await service?.shutdown();
      await fake.close();
    },
  };
}

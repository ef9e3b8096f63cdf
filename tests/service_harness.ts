import type { AgentCatalog } from "../agent/agent_catalog.ts";
import { startService } from "../main.ts";
import { FakeLiveServer, type FakeLiveServerOptions } from "./fake_live_server.ts";
import { SseClient } from "./sse_client.ts";

/** The real service on a free port, talking to a fake Live API. */
export interface Harness {
  fake: FakeLiveServer;
  baseUrl: string;
  /** Opens `/events/:id`, returning the client and the `session` event's data. */
  open(
    id: string,
    options?: { isAudio?: boolean; token?: string },
  ): Promise<{ sse: SseClient; token: string; cookie: string }>;
  /** Shuts the service down as SIGTERM does, leaving clients be. */
  shutdown(): Promise<void>;
  /** POSTs a JSON body (or a raw string) to `/send/:id`. */
  send(id: string, body: unknown, headers?: HeadersInit): Promise<Response>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts the fake Live server and the service pointed at it through
 * `GOOGLE_GEMINI_BASE_URL`, as an operator would; `serviceOptions.agents`
 * gives it agents of the test's own (with `AGENT` choosing one).
 */
export function startHarness(
  env: Record<string, string> = {},
  fakeOptions: FakeLiveServerOptions = {},
  serviceOptions: { agents?: AgentCatalog } = {},
): Harness {
  const fake = FakeLiveServer.start(fakeOptions);
  const service = startService({
    GOOGLE_API_KEY: "test-key",
    GOOGLE_GEMINI_BASE_URL: fake.url,
    PORT: "0",
    LOG_LEVEL: "error",
    // Tests that keep history say where (HISTORY_PATH in a temporary folder).
    HISTORY: "off",
    ...env,
  }, serviceOptions);
  const baseUrl = `http://127.0.0.1:${service.server.addr.port}`;
  const clients: SseClient[] = [];
  return {
    fake,
    baseUrl,
    async open(id, { isAudio = false, token } = {}) {
      const sse = await SseClient.open(
        `${baseUrl}/events/${id}?is_audio=${isAudio}`,
        token ? { "X-Session-Token": token } : {},
      );
      clients.push(sse);
      const first = await sse.next();
      if (first.event !== "session") {
        throw new Error(`first event was ${first.event}`);
      }
      const cookie = sse.response.headers.get("set-cookie")?.split(";")[0] ??
        "";
      return { sse, token: JSON.parse(first.data).token, cookie };
    },
    shutdown: () => service.shutdown(),
    send(id, body, headers = {}) {
      return fetch(`${baseUrl}/send/${id}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
    },
    async [Symbol.asyncDispose]() {
      await Promise.all(clients.map((c) => c.close()));
      await service.shutdown();
      await fake.close();
    },
  };
}

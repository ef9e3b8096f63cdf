/**
 * A page's side of a session behind nginx running `deploy/nginx.conf`, as the
 * load balancer and failover tests drive it.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type Service, startService } from "../main.ts";
import type { FakeLiveServer } from "./fake_live_server.ts";
import type { Nginx } from "./nginx.ts";
import { SseClient, type SseEvent } from "./sse_client.ts";

/**
 * `deploy/nginx.conf` with its example instances (`127.0.0.1:8001`, `:8002`)
 * replaced by `instances` and `listen 80` by `listenPort`. Fails when the file
 * no longer has those lines, so the test never drifts from what we ship.
 */
export async function deployedConfig(
  listenPort: number,
  instances: [number, number],
): Promise<string> {
  let config = await Deno.readTextFile(new URL("../deploy/nginx.conf", import.meta.url));
  const replace = (from: RegExp, to: string, times: number) => {
    assert.equal(config.match(from)?.length, times, `deploy/nginx.conf: ${from} ${times} times`);
    config = config.replace(from, to);
  };
  replace(/\blisten 80;/g, `listen 127.0.0.1:${listenPort};`, 1);
  replace(/\b127\.0\.0\.1:8001\b/g, `127.0.0.1:${instances[0]}`, 2);
  replace(/\b127\.0\.0\.1:8002\b/g, `127.0.0.1:${instances[1]}`, 2);
  return config;
}

/** A page's view of one session through nginx. */
export interface Page {
  id: string;
  sse: SseClient;
  token: string;
  lastEventId: string;
  /** Every event read through {@link nextEvent} since the page opened. */
  seen: SseEvent[];
}

/** Opens `/events/:id` through nginx, as EventSource would, and reads the `session` event. */
export async function openPage(nginx: Nginx, id: string, resume?: Page): Promise<Page> {
  const sse = await SseClient.open(
    `${nginx.baseUrl}/events/${id}?is_audio=false`,
    resume ? { "Last-Event-ID": resume.lastEventId, "X-Session-Token": resume.token } : {},
  );
  const first = await sse.next();
  assert.equal(first.event, "session");
  return { id, sse, token: JSON.parse(first.data).token, lastEventId: first.id!, seen: [] };
}

/** The next event of a page, remembering its id as EventSource does. */
export async function nextEvent(page: Page, test: (e: SseEvent) => boolean): Promise<SseEvent> {
  const event = await page.sse.nextWhere((e) => {
    if (e.id) page.lastEventId = e.id;
    page.seen.push(e);
    return test(e);
  }, 5000);
  return event;
}

/** A same-origin POST through nginx to `path/:id` (then `/:rest` if given), as the page sends it. */
export async function post(
  nginx: Nginx,
  path: string,
  page: Page,
  body?: unknown,
  rest?: string,
): Promise<Response> {
  const url = `${nginx.baseUrl}${path}/${page.id}${rest === undefined ? "" : `/${rest}`}`;
  return await fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Session-Token": page.token,
      Origin: nginx.baseUrl,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Index of the instance holding session `id` (exactly one must). */
export function ownerOf(instances: Service[], id: string): number {
  const owners = instances.flatMap((s, i) => s.registry.get(id) ? [i] : []);
  assert.equal(owners.length, 1, `session ${id} lives on instances ${owners}`);
  return owners[0];
}

/** One instance as an operator runs it behind nginx (`TRUST_PROXY=1`), plus `env`. */
export function startInstance(fake: FakeLiveServer, env: Record<string, string> = {}): Service {
  return startService({
    GOOGLE_API_KEY: "test-key",
    GOOGLE_GEMINI_BASE_URL: fake.url,
    PORT: "0",
    LOG_LEVEL: "error",
    TRUST_PROXY: "1",
    SHUTDOWN_TIMEOUT_MS: "3000",
    // Every test session comes from 127.0.0.1.
    RATE_LIMIT_CLIENT_RPS: "10000",
    MAX_SESSIONS_PER_CLIENT: "1000",
    // Tests that keep history say where (HISTORY_URL).
    HISTORY: "off",
    ...env,
  });
}

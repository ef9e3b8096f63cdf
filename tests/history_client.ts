/**
 * A browser's side of conversation history, as the history tests drive it:
 * its owner cookie, a typed exchange on an event stream, and the
 * `/conversations` API.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { FakeLiveConnection } from "./fake_live_server.ts";
import { SseClient } from "./sse_client.ts";

/** One browser: the cookies it holds (the owner cookie and session cookies). */
export class HistoryBrowser {
  /** The service it talks to; a restarted service may have another. */
  baseUrl: string;
  /** Extra headers on every request, e.g. the proxy's user header. */
  readonly headers: Record<string, string>;
  readonly #cookies = new Map<string, string>();
  readonly #streams: SseClient[] = [];

  constructor(baseUrl: string, headers: Record<string, string> = {}) {
    this.baseUrl = baseUrl;
    this.headers = headers;
  }

  /** The owner cookie's value, if the browser has one. */
  get owner(): string | undefined {
    return this.#cookies.get("history_owner");
  }

  /** A request as the page makes it: same origin, with the browser's cookies. */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      ...init,
      headers: {
        Origin: this.baseUrl,
        ...this.#cookieHeader(),
        ...this.headers,
        ...init.headers as Record<string, string>,
      },
    });
    this.#keep(response);
    return response;
  }

  /** Loads the page (which gives a new browser its owner cookie). */
  async loadPage(): Promise<void> {
    const page = await this.fetch("/");
    assert.equal(page.status, 200);
    await page.body?.cancel();
  }

  /** Asks one typed question on session `id` and waits for the end of the answer. */
  async ask(id: string, question: string, query = ""): Promise<SseClient> {
    const sse = await SseClient.open(
      `${this.baseUrl}/events/${id}?is_audio=false${query}`,
      { ...this.#cookieHeader(), ...this.headers },
    );
    this.#streams.push(sse);
    this.#keep(sse.response);
    const session = await sse.next();
    assert.equal(session.event, "session");
    const sent = await this.fetch(`/send/${id}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ mime_type: "text/plain", data: question }),
    });
    // 200, or 202 while the Live connection is still being set up.
    assert.ok(sent.status === 200 || sent.status === 202, await sent.text());
    await sse.nextWhere((e) => e.event === "message" && JSON.parse(e.data).turn_complete, 10_000);
    return sse;
  }

  /** `GET /conversations`, as JSON. */
  async list(): Promise<{ id: string; title: string; turns: number }[]> {
    const response = await this.fetch("/conversations");
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()).conversations;
  }

  /** Closes the browser's event streams. */
  async close(): Promise<void> {
    await Promise.all(this.#streams.splice(0).map((s) => s.close()));
  }

  #cookieHeader(): Record<string, string> {
    if (this.#cookies.size === 0) return {};
    return { Cookie: [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ") };
  }

  #keep(response: Response): void {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const at = pair.indexOf("=");
      this.#cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
  }
}

/**
 * The fake agent of the history tests: it answers each question with text
 * and a Google Search source; a question about kilometres first calls
 * `convert_units` (the `time_and_units_agent` has it) and waits for its result.
 */
export async function answerWithSources(upstream: FakeLiveConnection): Promise<void> {
  while (upstream.isOpen) {
    const question = await upstream.nextText().catch(() => undefined);
    if (question === undefined) continue;
    if (/\bkm\b/.test(question)) {
      upstream.toolCall([{
        id: "fc-1",
        name: "convert_units",
        args: { value: 5, from: "km", to: "mi" },
      }]);
      await upstream.nextToolResponse();
    }
    upstream.text("Answer to: ", question);
    upstream.grounding([{ title: "example.org", uri: "https://example.org/page" }]);
    upstream.turnComplete();
  }
}

/** Waits until `check` resolves truthy, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

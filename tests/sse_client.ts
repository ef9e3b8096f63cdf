/** One parsed server-sent event. */
export interface SseEvent {
  event: string;
  id?: string;
  data: string;
  retry?: number;
}

/**
 * Reads a `text/event-stream` response event by event, as EventSource would,
 * but with access to status and headers. Comments are counted, not returned.
 */
export class SseClient {
  readonly response: Response;
  /** `:` comment lines seen so far (heartbeats). */
  comments = 0;
  #reader: ReadableStreamDefaultReader<string>;
  #buffer = "";
  #queue: SseEvent[] = [];

  private constructor(response: Response) {
    this.response = response;
    this.#reader = response.body!.pipeThrough(new TextDecoderStream())
      .getReader();
  }

  /** Opens a stream; throws with the body when the status is not 200. */
  static async open(
    url: string,
    headers: HeadersInit = {},
  ): Promise<SseClient> {
    const response = await fetch(url, { headers });
    if (response.status !== 200) {
      throw new Error(
        `GET ${url}: ${response.status} ${await response.text()}`,
      );
    }
    return new SseClient(response);
  }

  /** The next event, or an error after `timeoutMs`. */
  async next(timeoutMs = 5000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    while (this.#queue.length === 0) {
      const left = deadline - Date.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error("no event in time")),
          Math.max(left, 0),
        );
      });
      try {
        const { value, done } = await Promise.race([
          this.#reader.read(),
          timeout,
        ]);
        if (done) throw new Error("stream ended");
        this.#parse(value);
      } finally {
        clearTimeout(timer);
      }
    }
    return this.#queue.shift()!;
  }

  /** The next event that passes `test`, skipping others. */
  async nextWhere(
    test: (e: SseEvent) => boolean,
    timeoutMs = 5000,
  ): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = await this.next(Math.max(deadline - Date.now(), 1));
      if (test(event)) return event;
    }
  }

  /** The next event named `name`, its data parsed as JSON. */
  // deno-lint-ignore no-explicit-any
  async nextJson(name = "message", timeoutMs = 5000): Promise<any> {
    return JSON.parse(
      (await this.nextWhere((e) => e.event === name, timeoutMs)).data,
    );
  }

  /** Resolves when the server ends the stream (after any remaining events). */
  async ended(timeoutMs = 5000): Promise<void> {
    for (;;) {
      try {
        await this.next(timeoutMs);
      } catch (error) {
        if (error instanceof Error && error.message === "stream ended") return;
        throw error;
      }
    }
  }

  /** Disconnects, as a closed tab would. */
  async close(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }

  #parse(chunk: string): void {
    this.#buffer += chunk;
    let end;
    while ((end = this.#buffer.indexOf("\n\n")) >= 0) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      const event: SseEvent = { event: "message", data: "" };
      const data: string[] = [];
      let fields = 0;
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) {
          this.comments++;
          continue;
        }
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        fields++;
        if (field === "event") event.event = value;
        else if (field === "id") event.id = value;
        else if (field === "retry") event.retry = Number(value);
        else if (field === "data") data.push(value);
      }
      if (fields === 0) continue;
      event.data = data.join("\n");
      this.#queue.push(event);
    }
  }
}

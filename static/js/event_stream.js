/**
 * The session's downstream: an EventSource that reconnects with backoff and
 * resumes where it left off.
 *
 * The browser's own EventSource retry is replaced by ours so that every
 * browser behaves the same, the page can show an honest countdown, and a
 * refused stream (a 5xx while the server restarts) is retried too. Each new
 * EventSource passes `last_event_id`, the id of the last event seen, so the
 * server replays what was missed and nothing twice.
 *
 * @module
 */

/** Named events the server sends, besides unnamed `message`s. */
const EVENT_NAMES = ["message", "session", "transcript", "sources", "usage", "tool"];
/** Backoff: 1 s, 2 s, 4 s, … capped, with jitter so many pages do not retry in step. */
const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 15000;

/**
 * @typedef {"connecting" | "open" | "reconnecting"} StreamState
 */

/**
 * @typedef {object} EventStreamHandlers
 * @property {(name: string, data: any) => void} onEvent a parsed event
 *   (`message`, `session`, `transcript`, `sources`, `usage`, `tool` or `error`)
 * @property {(state: StreamState, retryInSeconds?: number) => void} onState
 *   connection changes, and each second of a reconnect countdown
 * @property {(text: string, detail: unknown) => void} onProblem an event that was
 *   dropped (its data is not a JSON object), for the log
 */

/** One session's event stream. */
export class EventStream {
  /** @type {EventSource | null} */
  #source = null;
  #lastEventId = "";
  #attempt = 0;
  #isAudio = false;
  /** @type {"pcm" | "opus"} */
  #codec = "pcm";
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #timer;
  #sessionId;
  #handlers;
  #query;

  /**
   * @param {string} sessionId
   * @param {EventStreamHandlers} handlers
   * @param {Record<string, string>} [query] more query parameters of every
   *   stream, e.g. `continue` (the conversation this one continues)
   *
   * @example
   * ```js
   * const s = new EventStream("abc", { onEvent: console.log, onState: console.log });
   * s.open(false);
   * ```
   */
  constructor(sessionId, handlers, query = {}) {
    this.#sessionId = sessionId;
    this.#handlers = handlers;
    this.#query = query;
  }

  /** The codec this page asks for (`codec=opus`), whatever the server answered. */
  get codec() {
    return this.#codec;
  }

  /** The id of the last event received ("" before any). */
  get lastEventId() {
    return this.#lastEventId;
  }

  /**
   * Opens (or reopens, e.g. to switch mode) the stream at once; `codec`
   * "opus" asks the server for the agent's voice as Opus (`codec=opus`).
   * @param {boolean} isAudio
   * @param {"pcm" | "opus"} [codec]
   */
  open(isAudio, codec = this.#codec) {
    this.#isAudio = isAudio;
    this.#codec = codec;
    this.#connect();
  }

  /** Closes the stream and cancels any pending reconnect. */
  close() {
    clearTimeout(this.#timer);
    this.#source?.close();
    this.#source = null;
  }

  #connect() {
    this.close();
    this.#handlers.onState("connecting");
    const params = new URLSearchParams({ ...this.#query, is_audio: String(this.#isAudio) });
    if (this.#lastEventId) params.set("last_event_id", this.#lastEventId);
    if (this.#codec === "opus") params.set("codec", "opus");
    const source = new EventSource(
      `/events/${encodeURIComponent(this.#sessionId)}?${params}`,
    );
    this.#source = source;
    source.onopen = () => this.#handlers.onState("open");
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (event) => this.#receive(name, event));
    }
    source.addEventListener("error", (event) => {
      if (source !== this.#source) return;
      // The server's `event: error` arrives as a MessageEvent with data; a
      // dropped or refused connection is a plain Event.
      if (event instanceof MessageEvent && typeof event.data === "string") {
        this.#receive("error", event);
        return;
      }
      this.#scheduleReconnect();
    });
  }

  /**
   * @param {string} name
   * @param {Event} event
   */
  #receive(name, event) {
    const message = /** @type {MessageEvent} */ (event);
    if (event.target !== this.#source) return;
    if (message.lastEventId) this.#lastEventId = message.lastEventId;
    // A stream that delivers events is healthy: the next drop starts the
    // backoff from the beginning.
    this.#attempt = 0;
    let data;
    try {
      data = JSON.parse(message.data);
    } catch (error) {
      return this.#dropped(name, message.data, error);
    }
    if (data && typeof data === "object") this.#handlers.onEvent(name, data);
    else this.#dropped(name, message.data, "not a JSON object");
  }

  /**
   * @param {string} name
   * @param {unknown} raw
   * @param {unknown} why
   */
  #dropped(name, raw, why) {
    const text = typeof raw === "string" ? raw : String(raw);
    this.#handlers.onProblem(`dropped a ${name} event: its data is not a JSON object`, {
      data: text.length > 200 ? `${text.slice(0, 200)}…` : text,
      error: why instanceof Error ? why.message : String(why),
    });
  }

  #scheduleReconnect() {
    this.#source?.close();
    this.#source = null;
    const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** this.#attempt);
    this.#attempt++;
    const delay = base * (0.8 + 0.4 * Math.random());
    const due = Date.now() + delay;
    const tick = () => {
      const left = due - Date.now();
      if (left <= 0) return this.#connect();
      this.#handlers.onState("reconnecting", Math.ceil(left / 1000));
      this.#timer = setTimeout(tick, Math.min(left, ((left - 1) % 1000) + 1));
    };
    tick();
  }
}

/**
 * The session's upstream: POST /send, /interrupt and /tools, authenticated with the
 * token from the stream's `session` event (the HttpOnly cookie is the
 * fallback when a POST races that event). Each `/send` also tells the server
 * the last event the page received (`Last-Event-ID`), so it need not keep
 * those for a replay: a voice session's server then holds a few frames, not
 * seconds of the agent's voice.
 *
 * @module
 */

/** How long a POST waits for the token before relying on the cookie. */
const TOKEN_WAIT_MS = 5000;

/**
 * @typedef {import("./upload_queue.js").SendResult} SendResult
 */

/** Sends a session's messages. */
export class SessionApi {
  /** @type {string | null} */
  #token = null;
  /** @type {Array<() => void>} */
  #waiters = [];

  #lastEventId;

  /**
   * @param {string} sessionId
   * @param {() => string} [lastEventId] the id of the last event the page
   *   received ("" before any)
   */
  constructor(sessionId, lastEventId = () => "") {
    this.sessionId = sessionId;
    this.#lastEventId = lastEventId;
  }

  /**
   * Sets the token; a restarted server hands out a new one.
   * @param {string} token
   */
  setToken(token) {
    this.#token = token;
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /**
   * Posts a user turn or a chunk of microphone audio.
   * @param {{ mime_type: string, data: string }} body
   * @returns {Promise<SendResult>}
   */
  send(body) {
    const received = this.#lastEventId();
    return this.#post(
      `/send/${this.sessionId}`,
      JSON.stringify(body),
      received ? { "Last-Event-ID": received } : {},
    );
  }

  /**
   * Asks the server to cut the agent's current reply.
   * @returns {Promise<SendResult>}
   */
  interrupt() {
    return this.#post(`/interrupt/${this.sessionId}`, "{}");
  }

  /**
   * Answers a tool call that awaits the user's confirmation.
   * @param {string} callId
   * @param {boolean} approved
   * @returns {Promise<SendResult>}
   */
  confirmTool(callId, approved) {
    return this.#post(
      `/tools/${this.sessionId}/${encodeURIComponent(callId)}`,
      JSON.stringify({ approved }),
    );
  }

  /**
   * @param {string} path
   * @param {string} body
   * @param {Record<string, string>} [extraHeaders]
   * @returns {Promise<SendResult>}
   */
  async #post(path, body, extraHeaders = {}) {
    await this.#tokenOrTimeout();
    /** @type {Record<string, string>} */
    const headers = { "Content-Type": "application/json", ...extraHeaders };
    if (this.#token) headers["X-Session-Token"] = this.#token;
    let response;
    try {
      response = await fetch(path, {
        method: "POST",
        headers,
        body,
        credentials: "same-origin",
      });
    } catch {
      return {
        ok: false,
        error: "Could not reach the server. Check your connection.",
      };
    }
    if (response.ok) return { ok: true };
    let error = `The server refused it (HTTP ${response.status}).`;
    try {
      const data = await response.json();
      if (typeof data?.error === "string" && data.error) error = data.error;
    } catch {
      // Not JSON (a proxy's error page): keep the generic sentence.
    }
    const retryAfterSeconds = Number(response.headers.get("Retry-After"));
    return retryAfterSeconds > 0
      ? { ok: false, error, status: response.status, retryAfterSeconds }
      : { ok: false, error, status: response.status };
  }

  /** @returns {Promise<void>} */
  #tokenOrTimeout() {
    if (this.#token) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, TOKEN_WAIT_MS);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

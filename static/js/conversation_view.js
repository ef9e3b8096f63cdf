/**
 * The conversation as bubbles: user and agent turns, live transcripts,
 * grounding sources, per-turn latency, error lines and other lines (tool calls).
 *
 * @module
 */
import { renderMarkdown, safeLink } from "./markdown.js";

/**
 * @typedef {object} Turn
 * @property {HTMLDivElement} root
 * @property {HTMLDivElement} bubble
 * @property {string} text the raw text shown (markdown for the agent)
 * @property {HTMLUListElement | null} sources
 * @property {Set<string>} sourceUris
 */

/** Renders the conversation into the `#messages` log. */
export class ConversationView {
  /** @type {Turn | null} agent turn still receiving text */
  #agent = null;
  /** @type {Turn | null} last agent turn, where late sources attach */
  #lastAgent = null;
  /** @type {Turn | null} user bubble still receiving a live transcript */
  #userTranscript = null;
  #log;
  #announcer;

  /**
   * @param {HTMLElement} log the scrolling conversation
   * @param {HTMLElement} announcer an `aria-live` region: finished turns and
   *   errors are read out once, not every streamed word
   */
  constructor(log, announcer) {
    this.#log = log;
    this.#announcer = announcer;
  }

  /** True while an agent turn is open (answer still streaming). */
  get agentTurnOpen() {
    return this.#agent !== null;
  }

  /**
   * Shows a typed question.
   * @param {string} text
   * @returns {Turn}
   */
  addUserText(text) {
    this.finishUserTranscript();
    this.endAgentTurn();
    const turn = this.#append("user");
    turn.bubble.textContent = text;
    return turn;
  }

  /**
   * Removes a turn, e.g. a question that could not be sent.
   * @param {Turn} turn
   */
  remove(turn) {
    turn.root.remove();
  }

  /**
   * Shows the user's speech transcribed so far (cumulative: it replaces).
   * @param {string} text
   * @param {boolean} final
   */
  userTranscript(text, final) {
    if (!this.#userTranscript) {
      this.endAgentTurn();
      this.#userTranscript = this.#append("user");
      this.#userTranscript.root.classList.add("interim");
    }
    this.#userTranscript.bubble.textContent = text;
    if (final) this.finishUserTranscript();
    this.#scroll();
  }

  /** Closes the user's live transcript, final or not. */
  finishUserTranscript() {
    if (!this.#userTranscript) return;
    this.#userTranscript.root.classList.remove("interim");
    this.#userTranscript = null;
  }

  /**
   * Appends streamed agent text.
   * @param {string} chunk
   */
  agentText(chunk) {
    const turn = this.#agentTurn();
    turn.text += chunk;
    turn.bubble.replaceChildren(renderMarkdown(turn.text));
    this.#scroll();
  }

  /**
   * Shows the agent's speech transcribed so far (cumulative: it replaces).
   * @param {string} text
   * @param {boolean} final
   */
  agentTranscript(text, final) {
    // The agent answering means the user's utterance is over.
    this.finishUserTranscript();
    const turn = this.#agentTurn();
    turn.text = text;
    turn.bubble.replaceChildren(renderMarkdown(text));
    if (final) this.endAgentTurn();
    this.#scroll();
  }

  /**
   * Ends the agent's turn and announces it.
   * @param {string} [note] e.g. "stopped", shown after the text
   */
  endAgentTurn(note) {
    const turn = this.#agent;
    if (!turn) return;
    this.#agent = null;
    turn.root.classList.remove("streaming");
    if (note) this.#meta(turn, note, "note");
    if (turn.text) this.#announce(`Agent: ${turn.text}`);
  }

  /**
   * Shows how long the agent took to start answering, once per turn; opens
   * the agent's turn if only audio has arrived so far.
   * @param {number} ms
   */
  latency(ms) {
    const turn = this.#agentTurn();
    if (turn.root.querySelector(".meta.latency")) return;
    this.#meta(turn, `first reply after ${Math.round(ms)} ms`);
  }

  /**
   * Lists the grounding sources under the agent's latest answer.
   * @param {Array<{ title?: unknown, uri?: unknown, domain?: unknown }>} sources
   */
  sources(sources) {
    const turn = this.#agent ?? this.#lastAgent ?? this.#agentTurn();
    for (const source of sources) {
      if (typeof source?.uri !== "string") continue;
      // Grounding links are redirects through Google, so the API's domain
      // says better where a source lives than the link's host does.
      let host = "";
      try {
        host = new URL(source.uri).hostname.replace(/^www\./, "");
      } catch {
        continue;
      }
      const domain = typeof source.domain === "string" && source.domain ? source.domain : host;
      const title = typeof source.title === "string" && source.title.trim()
        ? source.title.trim()
        : domain;
      const link = safeLink(source.uri, title);
      if (!link || turn.sourceUris.has(link.href)) continue;
      turn.sourceUris.add(link.href);
      link.title = link.href;
      if (!turn.sources) {
        turn.sources = document.createElement("ul");
        turn.sources.className = "sources";
        turn.sources.setAttribute("aria-label", "Sources");
        turn.root.append(turn.sources);
      }
      const item = document.createElement("li");
      item.append(link);
      if (title.toLowerCase() !== domain.toLowerCase()) {
        const span = document.createElement("span");
        span.className = "domain";
        span.textContent = domain;
        item.append(span);
      }
      turn.sources.append(item);
    }
    this.#scroll();
  }

  /**
   * Adds a line of its own (e.g. a tool call) to the conversation. The
   * agent's text so far ends its bubble; what it says next goes below.
   * @param {HTMLElement} line
   */
  addLine(line) {
    this.finishUserTranscript();
    if (this.#agent?.text) this.endAgentTurn();
    this.#log.append(line);
    this.#scroll();
  }

  /**
   * Reads a sentence out once (screen readers), e.g. a question to the user.
   * @param {string} text
   */
  announce(text) {
    this.#announce(text);
  }

  /**
   * Shows an error as a line in the conversation, and announces it.
   * @param {string} text
   */
  error(text) {
    const line = document.createElement("p");
    line.className = "error-line";
    line.textContent = text;
    this.#log.append(line);
    this.#announce(text);
    this.#scroll();
  }

  /** @returns {Turn} */
  #agentTurn() {
    if (!this.#agent) {
      this.#agent = this.#append("agent");
      this.#agent.root.classList.add("streaming");
      this.#lastAgent = this.#agent;
    }
    return this.#agent;
  }

  /**
   * @param {"user" | "agent"} role
   * @returns {Turn}
   */
  #append(role) {
    const root = document.createElement("div");
    root.className = `turn ${role}`;
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    root.append(bubble);
    this.#log.append(root);
    this.#scroll();
    return { root, bubble, text: "", sources: null, sourceUris: new Set() };
  }

  /**
   * @param {Turn} turn
   * @param {string} text
   * @param {string} [kind]
   */
  #meta(turn, text, kind = "latency") {
    const meta = document.createElement("p");
    meta.className = `meta ${kind}`;
    meta.textContent = text;
    turn.bubble.after(meta);
  }

  /** @param {string} text */
  #announce(text) {
    // Replacing the text makes screen readers read the new message once.
    this.#announcer.textContent = text.length > 600 ? `${text.slice(0, 600)}…` : text;
  }

  #scroll() {
    this.#log.scrollTop = this.#log.scrollHeight;
  }
}

/**
 * The History panel: lists this browser's (or user's) past conversations
 * from `GET /conversations`, shows one read-only with its sources as links,
 * and offers Export (the Markdown of `?format=md`), Delete (asked once),
 * Continue (a new conversation that carries the transcript) and New
 * conversation. The panel is a modal `<dialog>`, usable at 360 px.
 *
 * A page opened as `/?continue=<id>` continues that conversation: its event
 * stream asks for it (`continue=<id>`), and the page says so.
 *
 * @module
 */
import { renderMarkdown, safeLink } from "./markdown.js";

/** What {@link HistoryPanel}'s listing gets from a server that keeps no history. */
const OFF = Symbol("history off");

/** The conversation a page continues (`?continue=<id>`), if any valid id. */
export function continuationFromUrl(/** @type {string} */ href) {
  const id = new URL(href).searchParams.get("continue");
  return id && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : null;
}

/**
 * @typedef {object} HistoryPanelOptions
 * @property {HTMLButtonElement} openButton the header's History button
 * @property {HTMLDialogElement} dialog
 * @property {HTMLElement} note where the page says it continues a transcript
 * @property {string | null} continuing the conversation this page continues
 */

/** The History panel of the page. */
export class HistoryPanel {
  #dialog;
  #body;
  #error;

  /** @param {HistoryPanelOptions} options */
  constructor({ openButton, dialog, note, continuing }) {
    this.#dialog = dialog;
    this.#body = /** @type {HTMLElement} */ (dialog.querySelector(".history-body"));
    this.#error = /** @type {HTMLElement} */ (dialog.querySelector(".history-error"));
    openButton.addEventListener("click", () => void this.open());
    dialog.querySelector(".history-close")?.addEventListener("click", () => dialog.close());
    dialog.querySelector(".history-new")?.addEventListener("click", () => location.assign("/"));
    if (continuing) void this.#sayContinuing(note, continuing);
  }

  /** Opens the panel on the list of conversations. */
  async open() {
    if (!this.#dialog.open) this.#dialog.showModal();
    await this.#showList();
  }

  async #showList() {
    this.#setError("");
    const data = await this.#get("/conversations");
    if (data === OFF) {
      this.#setError("This server keeps no conversation history (HISTORY=off).");
      this.#body.replaceChildren();
      return;
    }
    if (!data) return;
    const list = document.createElement("ul");
    list.className = "history-list";
    for (const c of data.conversations) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "history-item";
      button.dataset.id = c.id;
      const title = document.createElement("span");
      title.className = "history-title";
      title.textContent = c.title || "(no question)";
      const meta = document.createElement("span");
      meta.className = "history-meta";
      meta.textContent = `${when(c.updated_at)} · ${c.turns} turns`;
      button.append(title, meta);
      button.addEventListener("click", () => void this.#showConversation(c.id));
      item.append(button);
      list.append(item);
    }
    if (data.conversations.length === 0) {
      const empty = document.createElement("p");
      empty.className = "history-empty";
      empty.textContent = "No past conversations yet.";
      this.#body.replaceChildren(empty);
    } else this.#body.replaceChildren(list);
  }

  /** @param {string} id */
  async #showConversation(id) {
    this.#setError("");
    const path = `/conversations/${encodeURIComponent(id)}`;
    const conversation = await this.#get(path);
    if (!conversation) return;
    const back = button("All conversations", "history-back", () => void this.#showList());
    const heading = document.createElement("h3");
    heading.textContent = conversation.title || "(no question)";
    const turns = document.createElement("ol");
    turns.className = "history-turns";
    turns.setAttribute("aria-label", "Turns");
    for (const turn of conversation.turns) turns.append(turnItem(turn));
    const exportLink = document.createElement("a");
    exportLink.className = "history-export button";
    exportLink.href = `${path}?format=md`;
    exportLink.download = `conversation-${id}.md`;
    exportLink.textContent = "Export";
    const actions = document.createElement("div");
    actions.className = "history-actions";
    actions.append(
      button("Continue", "history-continue", () => {
        location.assign(`/?continue=${encodeURIComponent(id)}`);
      }),
      exportLink,
      button("Delete", "history-delete", () => void this.#delete(id)),
    );
    this.#body.replaceChildren(back, heading, actions, turns);
    heading.tabIndex = -1;
    heading.focus();
  }

  /** @param {string} id */
  async #delete(id) {
    if (!confirm("Delete this conversation? This cannot be undone.")) return;
    try {
      const response = await fetch(`/conversations/${encodeURIComponent(id)}`, {
        method: "DELETE",
      });
      if (response.status !== 204 && response.status !== 404) {
        return this.#setError(`Not deleted: ${await errorText(response)}`);
      }
    } catch {
      return this.#setError("Not deleted: the server cannot be reached.");
    }
    await this.#showList();
  }

  /**
   * @param {HTMLElement} note
   * @param {string} id
   */
  async #sayContinuing(note, id) {
    note.hidden = false;
    note.textContent = "This conversation continues from an earlier transcript.";
    const conversation = await this.#get(`/conversations/${encodeURIComponent(id)}`, false);
    if (conversation) {
      note.textContent = `This conversation continues from the transcript of “${
        conversation.title || "an earlier conversation"
      }”: the agent has read its last turns.`;
    }
  }

  /**
   * @param {string} path
   * @param {boolean} [showError]
   */
  async #get(path, showError = true) {
    try {
      const response = await fetch(path, { headers: { Accept: "application/json" } });
      if (response.ok) return await response.json();
      // No such route: history is off on the server.
      if (response.status === 404 && path === "/conversations") return OFF;
      if (showError) this.#setError(await errorText(response));
    } catch {
      if (showError) this.#setError("The server cannot be reached; try again in a moment.");
    }
    return null;
  }

  /** @param {string} text */
  #setError(text) {
    this.#error.textContent = text;
    this.#error.hidden = !text;
  }
}

/** @param {any} turn */
function turnItem(turn) {
  const item = document.createElement("li");
  item.className = `history-turn ${turn.role === "user" ? "user" : "agent"}`;
  const who = document.createElement("p");
  who.className = "history-who";
  who.textContent = `${turn.role === "user" ? "You" : "Agent"} · ${when(turn.at)}`;
  const text = document.createElement("div");
  text.className = "bubble";
  if (turn.role === "user") text.textContent = turn.text;
  else text.append(renderMarkdown(turn.text));
  item.append(who, text);
  if (Array.isArray(turn.tools) && turn.tools.length > 0) {
    const tools = document.createElement("p");
    tools.className = "history-tools";
    tools.textContent = `Tools: ${
      turn.tools.map((/** @type {any} */ t) => `${t.name} (${t.status})`).join(", ")
    }`;
    item.append(tools);
  }
  if (Array.isArray(turn.sources) && turn.sources.length > 0) {
    const sources = document.createElement("ul");
    sources.className = "sources";
    sources.setAttribute("aria-label", "Sources");
    for (const source of turn.sources) {
      const link = typeof source?.uri === "string" &&
        safeLink(source.uri, source.title || source.uri);
      if (!link) continue;
      const li = document.createElement("li");
      li.append(link);
      sources.append(li);
    }
    item.append(sources);
  }
  return item;
}

/**
 * @param {string} label
 * @param {string} className
 * @param {() => void} onClick
 */
function button(label, className, onClick) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = className;
  element.textContent = label;
  element.addEventListener("click", onClick);
  return element;
}

/** @param {string} iso */
function when(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? ""
    : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** @param {Response} response */
async function errorText(response) {
  try {
    const body = await response.json();
    if (typeof body?.error === "string") return body.error;
  } catch {
    // Not JSON: the status says it.
  }
  return `the server answered ${response.status}`;
}

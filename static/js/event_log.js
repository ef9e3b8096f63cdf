/**
 * The expandable event log: every event in and out, newest last, bounded.
 * Audio is summarised by size (its bytes would drown everything else) and
 * the session token is hidden.
 *
 * @module
 */

/** Entries kept; older ones are removed so a long session stays light. */
const MAX_ENTRIES = 300;

/** Appends one-line entries to an `<ol>` inside a `<details>`. */
export class EventLog {
  #list;
  #start = performance.now();

  /** @param {HTMLOListElement} list */
  constructor(list) {
    this.#list = list;
  }

  /**
   * @param {"in" | "out" | "info"} direction
   * @param {string} name event name, e.g. `message` or `POST /send`
   * @param {unknown} [data] shown as compact JSON, audio data shortened
   */
  add(direction, name, data) {
    const item = document.createElement("li");
    item.className = direction;
    const seconds = ((performance.now() - this.#start) / 1000).toFixed(2);
    const arrow = direction === "in" ? "↓" : direction === "out" ? "↑" : "·";
    item.textContent = `${seconds}s ${arrow} ${name}${
      data === undefined ? "" : ` ${summarise(data)}`
    }`;
    this.#list.append(item);
    while (this.#list.childElementCount > MAX_ENTRIES) {
      this.#list.firstElementChild?.remove();
    }
  }
}

/** @param {unknown} data */
function summarise(data) {
  const text = JSON.stringify(data, function (key, value) {
    // The session token is a credential: keep it out of screenshots.
    if (key === "token") return "…";
    return key === "data" && this?.mime_type === "audio/pcm" &&
        typeof value === "string"
      ? `<${Math.floor((value.length * 3) / 4)} bytes>`
      : value;
  });
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

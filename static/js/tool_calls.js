/**
 * The agent's function tool calls as compact lines in the conversation: one
 * per call, updated as its `tool` events arrive (running, done, error,
 * cancelled), expandable to show the arguments and the result, with Allow and
 * Deny buttons when the tool asks the user first. Built from DOM nodes only.
 *
 * @module
 */

/** Readable labels of the server's statuses. */
const STATUS_LABELS = {
  running: "Running",
  done: "Done",
  error: "Failed",
  awaiting_confirmation: "Needs your OK",
  cancelled: "Cancelled",
};

/** Longest argument or result summary shown on the line itself. */
const SUMMARY_CHARS = 80;

/**
 * @typedef {import("./upload_queue.js").SendResult} SendResult
 *
 * @typedef {object} ToolCallsOptions
 * @property {(line: HTMLElement) => void} addLine puts a new line into the conversation
 * @property {(text: string) => void} announce reads a sentence out once (screen readers)
 * @property {(id: string, approved: boolean) => Promise<SendResult>} confirm
 *   sends the user's answer for a call that awaits it
 *
 * @typedef {object} ToolLine
 * @property {HTMLElement} root
 * @property {HTMLElement} head the `<summary>`: where focus goes when the buttons go
 * @property {HTMLElement} status
 * @property {HTMLElement} summary
 * @property {HTMLPreElement} args
 * @property {HTMLElement} resultRow
 * @property {HTMLPreElement} result
 * @property {HTMLElement | null} confirm the Allow/Deny group while shown
 */

/** Shows tool calls; feed it each `tool` event's data. */
export class ToolCallsView {
  /** @type {Map<string, ToolLine>} */
  #lines = new Map();
  #options;

  /**
   * @param {ToolCallsOptions} options
   *
   * @example
   * ```js
   * const tools = new ToolCallsView({ addLine, announce, confirm: api.confirmTool });
   * tools.update({ id: "1", name: "current_time", args: {}, status: "running" });
   * ```
   */
  constructor(options) {
    this.#options = options;
  }

  /**
   * Adds or updates the line of one call.
   * @param {{ id?: unknown, name?: unknown, args?: unknown, status?: unknown, result?: unknown }} data
   */
  update(data) {
    if (typeof data.id !== "string" || typeof data.name !== "string") return;
    const status = typeof data.status === "string" && data.status in STATUS_LABELS
      ? /** @type {keyof typeof STATUS_LABELS} */ (data.status)
      : "running";
    let line = this.#lines.get(data.id);
    if (!line) {
      line = this.#create(data.name, data.args);
      this.#lines.set(data.id, line);
      this.#options.addLine(line.root);
    }
    line.root.dataset.status = status;
    line.status.textContent = STATUS_LABELS[status];
    if ("result" in data && data.result !== undefined) {
      line.result.textContent = pretty(data.result);
      line.resultRow.hidden = false;
      line.summary.textContent = `${summarize(data.args)} → ${shorten(plain(data.result))}`;
    }
    if (status === "awaiting_confirmation") {
      if (!line.confirm) this.#askUser(data.id, data.name, line);
    } else if (line.confirm) {
      // Focus inside the buttons would fall to <body>: keep it on this call's line.
      const focused = line.confirm.contains(document.activeElement);
      line.confirm.remove();
      line.confirm = null;
      if (focused) line.head.focus();
    }
  }

  /**
   * @param {string} name
   * @param {unknown} args
   * @returns {ToolLine}
   */
  #create(name, args) {
    const root = document.createElement("div");
    root.className = "tool-call";
    const details = document.createElement("details");
    const head = document.createElement("summary");
    const status = document.createElement("span");
    status.className = "tool-status";
    const title = document.createElement("code");
    title.className = "tool-name";
    title.textContent = name;
    const summary = document.createElement("span");
    summary.className = "tool-summary";
    summary.textContent = summarize(args);
    head.append(status, " ", title, " ", summary);

    const body = document.createElement("dl");
    const argsTerm = document.createElement("dt");
    argsTerm.textContent = "Arguments";
    const argsPre = document.createElement("pre");
    argsPre.textContent = pretty(args ?? {});
    const argsRow = document.createElement("dd");
    argsRow.append(argsPre);
    const resultTerm = document.createElement("dt");
    resultTerm.textContent = "Result";
    const resultPre = document.createElement("pre");
    const resultRow = document.createElement("div");
    const resultValue = document.createElement("dd");
    resultValue.append(resultPre);
    resultRow.append(resultTerm, resultValue);
    resultRow.hidden = true;
    body.append(argsTerm, argsRow, resultRow);
    details.append(head, body);
    root.append(details);
    return {
      root,
      head,
      status,
      summary,
      args: argsPre,
      resultRow,
      result: resultPre,
      confirm: null,
    };
  }

  /**
   * Shows Allow and Deny under the line.
   * @param {string} id
   * @param {string} name
   * @param {ToolLine} line
   */
  #askUser(id, name, line) {
    const group = document.createElement("div");
    group.className = "tool-confirm";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", `Allow ${name} to run?`);
    const question = document.createElement("span");
    question.textContent = `The agent wants to run ${name}.`;
    const allow = document.createElement("button");
    allow.type = "button";
    allow.className = "tool-allow";
    allow.textContent = "Allow";
    const deny = document.createElement("button");
    deny.type = "button";
    deny.className = "tool-deny";
    deny.textContent = "Deny";
    const problem = document.createElement("span");
    problem.className = "tool-problem";
    problem.setAttribute("role", "alert");
    group.append(question, allow, deny, problem);
    line.root.append(group);
    line.confirm = group;
    this.#options.announce(`The agent wants to run ${name}: Allow or Deny.`);

    /** @param {boolean} approved */
    const answer = async (approved) => {
      const clicked = approved ? allow : deny;
      // A disabled or removed button drops focus to <body>; the line keeps it instead.
      const focused = group.contains(document.activeElement);
      allow.disabled = deny.disabled = true;
      if (focused) line.head.focus();
      problem.textContent = "";
      const result = await this.#options.confirm(id, approved);
      if (result.ok) {
        // The server's next event for this call replaces the buttons.
        question.textContent = approved ? "Allowed." : "Denied.";
        allow.remove();
        deny.remove();
        return;
      }
      if (result.status === 404) {
        problem.textContent = "This call no longer waits for an answer.";
        return;
      }
      problem.textContent = `Answer not sent: ${result.error}`;
      allow.disabled = deny.disabled = false;
      if (focused && document.activeElement === line.head) clicked.focus();
    };
    allow.addEventListener("click", () => void answer(true));
    deny.addEventListener("click", () => void answer(false));
  }
}

/**
 * `key: value, …` of the arguments, cut to fit one line.
 * @param {unknown} args
 */
function summarize(args) {
  if (!args || typeof args !== "object") return "";
  const text = Object.entries(args).map(([key, value]) => `${key}: ${plain(value)}`).join(", ");
  return shorten(text);
}

/** @param {unknown} value a string as is, anything else as compact JSON */
function plain(value) {
  return typeof value === "string" ? value : JSON.stringify(value) ?? "";
}

/** @param {unknown} value a string as is, anything else as indented JSON */
function pretty(value) {
  return typeof value === "string" ? value : JSON.stringify(value, null, 2) ?? "";
}

/** @param {string} text */
function shorten(text) {
  return text.length > SUMMARY_CHARS ? `${text.slice(0, SUMMARY_CHARS - 1)}…` : text;
}

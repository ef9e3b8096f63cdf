/**
 * What the browser tests need from a page, the same in every engine:
 * playwright drives Chromium, puppeteer drives Firefox over WebDriver BiDi,
 * and classic WebDriver drives WebKit. Test steps are written once, against
 * this interface (see `client_page.ts`).
 *
 * @module
 */

/** The engines the suite drives. */
export type EngineName = "Chromium" | "Firefox" | "WebKit";

/** One page in one browser; closing it closes its browser. */
export interface PageDriver extends AsyncDisposable {
  readonly engine: EngineName;
  /** Console errors, uncaught exceptions and CSP violations, in order. */
  readonly problems: string[];
  /** Evaluates a JavaScript expression in the page (not subject to its CSP). */
  evaluate<T>(expression: string): Promise<T>;
  /** Clicks the first element matching `selector` as a person would. */
  click(selector: string): Promise<void>;
  /** Moves the keyboard focus to the element matching `selector`. */
  focus(selector: string): Promise<void>;
  /** Types `text` into the focused element, key by key. */
  type(text: string): Promise<void>;
  /** Presses a key ("Enter", "Escape") in the focused element. */
  press(key: string): Promise<void>;
  /** Resizes the viewport. */
  resize(width: number, height: number): Promise<void>;
  /** Saves a full-page PNG at `path`. */
  screenshot(path: string): Promise<void>;
}

/** What every page gets before its own scripts run, in every engine. */
export interface OpenOptions {
  /** Appended to the page URL, e.g. `?codec=pcm`. */
  query?: string;
  /** JavaScript run before the page's scripts, e.g. to remove an API. */
  initScript?: string;
}

/**
 * Runs before the page in every engine: reports CSP violations as console
 * errors, and records each POST the page makes (path, `mime_type`, the
 * base64 length, `Last-Event-ID`, status) in `window.__posts`, so tests read
 * uploads the same way whatever the engine's network API offers.
 */
export const RECORDER_SCRIPT = `
document.addEventListener("securitypolicyviolation", (e) =>
  console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI));
window.__posts = [];
const pageFetch = window.fetch.bind(window);
window.fetch = async (input, init = {}) => {
  if (init.method !== "POST") return pageFetch(input, init);
  let body = {};
  try { body = JSON.parse(init.body); } catch {}
  const post = {
    at: performance.now(),
    path: String(input),
    mime: body.mime_type,
    chars: typeof body.data === "string" ? body.data.length : 0,
    lastEventId: init.headers?.["Last-Event-ID"],
    status: 0,
  };
  window.__posts.push(post);
  const response = await pageFetch(input, init);
  post.status = response.status;
  return response;
};`;

/**
 * The web client as the browser tests see it, in any engine: the page's
 * state, what it posted, and the steps a person takes (type, Start Audio),
 * written once over a `PageDriver`.
 *
 * @module
 */
import { RESULTS_DIR, waitUntil } from "./browser_page.ts";
import type { EngineName, PageDriver } from "./page_driver.ts";

/** A POST the page made, as `RECORDER_SCRIPT` saw it. */
export interface PagePost {
  /** `performance.now()` in the page when it was sent. */
  at: number;
  path: string;
  mime?: string;
  /** Length of the base64 `data`. */
  chars: number;
  lastEventId?: string;
  /** The answer's status; 0 while pending or when unreachable. */
  status: number;
}

/** The client page in one engine. */
export class ClientPage implements AsyncDisposable {
  readonly #driver: PageDriver;

  constructor(driver: PageDriver) {
    this.#driver = driver;
  }

  get engine(): EngineName {
    return this.#driver.engine;
  }

  /** Console errors, page errors and CSP violations so far. */
  get problems(): string[] {
    return this.#driver.problems;
  }

  /** Evaluates `expression` in the page. */
  evaluate<T>(expression: string): Promise<T> {
    return this.#driver.evaluate<T>(expression);
  }

  /** Waits until an element matches `selector` (and, given `text`, contains it). */
  waitFor(selector: string, { text = "", timeoutMs = 10000 } = {}): Promise<void> {
    const expression = `[...document.querySelectorAll(${JSON.stringify(selector)})]
      .some((e) => e.textContent.includes(${JSON.stringify(text)}))`;
    const what = text ? `${selector} with "${text}"` : selector;
    return waitUntil(`${this.engine}: ${what}`, () => this.evaluate(expression), timeoutMs);
  }

  /** Text of every element matching `selector`, in document order. */
  texts(selector: string): Promise<string[]> {
    return this.evaluate(
      `[...document.querySelectorAll(${JSON.stringify(selector)})].map((e) => e.textContent)`,
    );
  }

  /** Text of the last element matching `selector`, or "" when none does. */
  async text(selector: string): Promise<string> {
    return (await this.texts(selector)).at(-1) ?? "";
  }

  /** An attribute of the last element matching `selector`. */
  attribute(selector: string, name: string): Promise<string | null> {
    return this.evaluate(
      `[...document.querySelectorAll(${JSON.stringify(selector)})].at(-1)` +
        `?.getAttribute(${JSON.stringify(name)}) ?? null`,
    );
  }

  /** How many elements match `selector`. */
  count(selector: string): Promise<number> {
    return this.evaluate(`document.querySelectorAll(${JSON.stringify(selector)}).length`);
  }

  /** The value of an input. */
  value(selector: string): Promise<string> {
    return this.evaluate(`document.querySelector(${JSON.stringify(selector)}).value`);
  }

  /** True when the button or input is disabled. */
  disabled(selector: string): Promise<boolean> {
    return this.evaluate(`document.querySelector(${JSON.stringify(selector)}).disabled`);
  }

  click(selector: string): Promise<void> {
    return this.#driver.click(selector);
  }

  /** Moves the keyboard focus to the element matching `selector`. */
  focus(selector: string): Promise<void> {
    return this.#driver.focus(selector);
  }

  /** Types into the focused element key by key, as a person would. */
  type(text: string): Promise<void> {
    return this.#driver.type(text);
  }

  /** Sets an input's value at once, as pasting would. */
  fill(selector: string, value: string): Promise<void> {
    return this.evaluate(`(() => {
      const input = document.querySelector(${JSON.stringify(selector)});
      input.value = ${JSON.stringify(value)};
      input.dispatchEvent(new Event("input", { bubbles: true }));
    })()`);
  }

  /** Presses a key in the focused element. */
  press(key: string): Promise<void> {
    return this.#driver.press(key);
  }

  /** Every POST the page made so far. */
  posts(): Promise<PagePost[]> {
    return this.evaluate("window.__posts");
  }

  /** A numeric `data-*` attribute of `#speaking` (the player's counters). */
  async playerCounter(name: string): Promise<number> {
    return Number(await this.attribute("#speaking", `data-${name}`) ?? NaN);
  }

  /**
   * Clicks Start Audio once the stream is open and waits until the page is in
   * voice mode, with the stream reopened (and, when given, on that codec).
   */
  async startVoice(codec?: "pcm" | "opus"): Promise<void> {
    const onCodec = codec ? `[data-codec=${codec}]` : "";
    await this.waitFor(`body[data-state=open]${onCodec}`);
    await this.click("#startAudioButton");
    await this.waitFor(`body[data-mode=audio][data-state=open]${onCodec}`);
  }

  /**
   * Listens to what the page plays (the `<audio>` element's stream, in a
   * second AudioContext at the device's rate) for `ms`, and returns that
   * context's rate and the samples heard.
   */
  async listen(ms: number): Promise<{ rate: number; samples: number[] }> {
    // WebKit starts an AudioContext only in a click: the listener starts on one.
    await this.evaluate(`void (window.__listening = new Promise((resolve) =>
      document.addEventListener("click", () => {
        const context = new AudioContext();
        const analyser = context.createAnalyser();
        analyser.fftSize = 32768;
        const stream = document.getElementById("agentAudio").srcObject;
        context.createMediaStreamSource(stream).connect(analyser);
        resolve(context.resume().then(() => ({ context, analyser })));
      }, { once: true })))`);
    await this.click("#status");
    return await this.evaluate(`(async () => {
      const { context, analyser } = await window.__listening;
      await new Promise((resolve) => setTimeout(resolve, ${ms}));
      const samples = new Float32Array(analyser.fftSize);
      analyser.getFloatTimeDomainData(samples);
      await context.close();
      return { rate: context.sampleRate, samples: [...samples] };
    })()`);
  }

  /**
   * Screenshots at a desktop width and at 360 px (as
   * `test-results/<engine>-<name>-….png`), failing if the page scrolls sideways.
   */
  async screenshotBothWidths(name: string): Promise<void> {
    await Deno.mkdir(RESULTS_DIR, { recursive: true });
    const file = (width: string) =>
      new URL(`${this.engine.toLowerCase()}-${name}-${width}.png`, RESULTS_DIR).pathname;
    await this.#driver.screenshot(file("desktop"));
    await this.#driver.resize(360, 740);
    const overflow = await this.evaluate<boolean>(
      "document.documentElement.scrollWidth > document.documentElement.clientWidth",
    );
    if (overflow) throw new Error(`${this.engine}: ${name} scrolls sideways at 360 px`);
    await this.#driver.screenshot(file("360px"));
    await this.#driver.resize(1280, 800);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#driver[Symbol.asyncDispose]();
  }
}

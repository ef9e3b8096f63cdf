/**
 * A `PageDriver` for Firefox (Debian's firefox-esr), through puppeteer-core
 * over WebDriver BiDi. Its fake microphone is a steady ~1 kHz tone.
 *
 * @module
 */
import puppeteer, { type HTTPRequest } from "puppeteer-core";
import { programPath, type RequiredProgram, skipWithout } from "./required_program.ts";
import { STRICT_CSP } from "./browser_page.ts";
import { type OpenOptions, type PageDriver, RECORDER_SCRIPT } from "./page_driver.ts";
import { ensureSoundServer } from "./sound_server.ts";

const FIREFOX: RequiredProgram = {
  name: "Firefox",
  envVar: "FIREFOX_PATH",
  candidates: ["/usr/bin/firefox-esr", "/usr/bin/firefox"],
  debianPackage: "firefox-esr",
  tests: "Firefox browser tests",
};

const PULSEAUDIO: RequiredProgram = {
  name: "PulseAudio",
  envVar: "PULSEAUDIO_PATH",
  candidates: ["/usr/bin/pulseaudio"],
  debianPackage: "pulseaudio",
  tests: "Firefox browser tests",
};

/** Fake media without prompts, and sound without a click. */
const MEDIA_PREFS = {
  "media.navigator.streams.fake": true,
  "media.navigator.permission.disabled": true,
  "media.autoplay.default": 0,
};

/** True when Firefox tests must skip: no Firefox or PulseAudio here, and not in CI. */
export function skipFirefoxTests(): boolean {
  return skipWithout(FIREFOX) || skipWithout(PULSEAUDIO);
}

/**
 * Opens `baseUrl` in a fresh headless Firefox under the strict CSP; `prefs`
 * are added to (or override) the fake-media ones.
 */
export async function openFirefoxPage(
  baseUrl: string,
  { query = "", initScript = "", prefs = {} }: OpenOptions & {
    prefs?: Record<string, unknown>;
  } = {},
): Promise<PageDriver> {
  await ensureSoundServer();
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: programPath(FIREFOX),
    headless: true,
    extraPrefsFirefox: { ...MEDIA_PREFS, ...prefs },
    defaultViewport: { width: 1280, height: 800 },
  });
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(`pageerror: ${(e as Error).message}`));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });
    await page.evaluateOnNewDocument(`${RECORDER_SCRIPT}\n${initScript}`);
    // The document only goes through the test, to add the CSP header; the
    // page's own requests (the event stream, uploads) go straight out.
    const url = `${baseUrl}/${query}`;
    const withCsp = (request: HTTPRequest) => {
      if (request.url() !== url) return void request.continue();
      void fetch(url).then(async (response) =>
        request.respond({
          status: response.status,
          headers: {
            ...Object.fromEntries(response.headers),
            "content-security-policy": STRICT_CSP,
          },
          body: new Uint8Array(await response.arrayBuffer()),
        })
      );
    };
    await page.setRequestInterception(true);
    page.on("request", withCsp);
    await page.goto(url);
    // In this order: a request paused before interception ends (the event
    // stream opens around the load event) is still let through.
    await page.setRequestInterception(false);
    page.off("request", withCsp);
    return {
      engine: "Firefox",
      problems,
      evaluate: <T>(expression: string) => page.evaluate(expression) as Promise<T>,
      click: (selector) => page.click(selector),
      focus: (selector) => page.focus(selector),
      type: (text) => page.keyboard.type(text),
      press: (key) => page.keyboard.press(key as "Enter"),
      resize: (width, height) => page.setViewport({ width, height }),
      screenshot: async (path) => void await page.screenshot({ path, fullPage: true }),
      [Symbol.asyncDispose]: () => browser.close(),
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

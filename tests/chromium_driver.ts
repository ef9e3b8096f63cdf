/**
 * A `PageDriver` for Chromium, through playwright-core.
 *
 * @module
 */
import { launchChromium } from "./browser.ts";
import { STRICT_CSP } from "./browser_page.ts";
import { type OpenOptions, type PageDriver, RECORDER_SCRIPT } from "./page_driver.ts";

/**
 * Opens `baseUrl` in a fresh headless Chromium under the strict CSP, its fake
 * microphone playing `audioFile` (a WAV) when given; `denyMicrophone` makes
 * it refuse the microphone, as when a person clicks Block.
 */
export async function openChromiumPage(
  baseUrl: string,
  { query = "", initScript = "", audioFile, denyMicrophone = false }: OpenOptions & {
    audioFile?: string;
    denyMicrophone?: boolean;
  } = {},
): Promise<PageDriver> {
  const browser = await launchChromium(audioFile, [], { denyMicrophone });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });
    const url = `${baseUrl}/${query}`;
    await page.route(url, async (route) => {
      const response = await route.fetch();
      await route.fulfill({
        response,
        headers: { ...response.headers(), "content-security-policy": STRICT_CSP },
      });
    });
    await page.addInitScript({ content: `${RECORDER_SCRIPT}\n${initScript}` });
    await page.goto(url);
    return {
      engine: "Chromium",
      problems,
      evaluate: (expression) => page.evaluate(expression),
      click: (selector) => page.click(selector),
      focus: (selector) => page.focus(selector),
      type: (text) => page.keyboard.type(text),
      press: (key) => page.keyboard.press(key),
      resize: (width, height) => page.setViewportSize({ width, height }),
      screenshot: async (path) => void await page.screenshot({ path, fullPage: true }),
      [Symbol.asyncDispose]: () => browser.close(),
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

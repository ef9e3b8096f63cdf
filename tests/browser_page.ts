/**
 * Opens the client in a Chromium page (playwright) the way a strict deployment serves it:
 * under `Content-Security-Policy: default-src 'self'`, collecting every
 * console error, page error and CSP violation so tests can assert none.
 * Tests that run in every engine use `client_page.ts` instead.
 *
 * @module
 */
import type { Browser, Page } from "playwright-core";

/** The policy the server will send; the page must run under it unchanged. */
export const STRICT_CSP = "default-src 'self'";

/** Where screenshots go (ignored by git, kept by CI as artifacts). */
export const RESULTS_DIR = new URL("../test-results/", import.meta.url);

/** A page plus what went wrong in it. */
export interface ClientPage {
  page: Page;
  /** Console errors, uncaught exceptions and CSP violations, in order. */
  problems: string[];
}

/** Opens `baseUrl` (with `query`, e.g. `?chunk_ms=40`) under the strict CSP. */
export async function openClient(
  browser: Browser,
  baseUrl: string,
  { query = "", width = 1280, height = 800 } = {},
): Promise<ClientPage> {
  const page = await browser.newPage({ viewport: { width, height } });
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  await page.route(`${baseUrl}/${query}`, async (route) => {
    const response = await route.fetch();
    await route.fulfill({
      response,
      headers: {
        ...response.headers(),
        "content-security-policy": STRICT_CSP,
      },
    });
  });
  // Strings, not functions: they run in the page, which Deno's types lack.
  await page.addInitScript({
    content: `document.addEventListener("securitypolicyviolation", (e) =>
      console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI));`,
  });
  await page.goto(`${baseUrl}/${query}`);
  return { page, problems };
}

/** Saves a full-page screenshot as `test-results/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await Deno.mkdir(RESULTS_DIR, { recursive: true });
  await page.screenshot({
    path: new URL(`${name}.png`, RESULTS_DIR).pathname,
    fullPage: true,
  });
}

/** Screenshots at a desktop width and at 360 px, restoring the size after. */
export async function screenshotBothWidths(
  page: Page,
  name: string,
): Promise<void> {
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  await screenshot(page, `${name}-desktop`);
  await page.setViewportSize({ width: 360, height: 740 });
  const overflow = await page.evaluate<boolean>(
    "document.documentElement.scrollWidth > document.documentElement.clientWidth",
  );
  if (overflow) throw new Error(`${name}: the page scrolls sideways at 360 px`);
  await screenshot(page, `${name}-360px`);
  await page.setViewportSize(size);
}

/**
 * Polls `check` until it holds. Playwright's `waitForFunction` with a string
 * would need `eval`, which the page's strict CSP rightly forbids.
 */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 10000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Clicks Start Audio once the stream is open and waits until the page is in
 * voice mode (on `codec`, when given), for the Chromium-only tests that hold a
 * playwright `Page`; the engine-neutral steps are `ClientPage`'s.
 */
export async function startVoice(page: Page, codec?: "pcm" | "opus"): Promise<void> {
  const onCodec = codec ? `[data-codec=${codec}]` : "";
  await page.waitForSelector(`body[data-state=open]${onCodec}`);
  await page.click("#startAudioButton");
  await page.waitForSelector(`body[data-mode=audio][data-state=open]${onCodec}`);
}

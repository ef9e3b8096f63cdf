/**
 * The browser engines the suite runs its page tests in, each opening the
 * client as a `ClientPage`. Tests loop over `ENGINES`, so one set of steps
 * covers every engine.
 *
 * @module
 */
import { skipBrowserTests } from "./browser.ts";
import { openChromiumPage } from "./chromium_driver.ts";
import { ClientPage } from "./client_page.ts";
import { openFirefoxPage, skipFirefoxTests } from "./firefox_driver.ts";
import type { EngineName, OpenOptions } from "./page_driver.ts";
import { openWebKitPage, skipWebKitTests } from "./webkit_driver.ts";

/** How a test wants the page opened. */
export interface EngineOpenOptions extends OpenOptions {
  /** A WAV for the fake microphone, where the engine can play one. */
  audioFile?: string;
  /** The browser refuses the microphone, as when a person clicks Block. */
  denyMicrophone?: boolean;
}

/** One engine the page tests run in. */
export interface Engine {
  name: EngineName;
  /** True when its tests skip: the browser is missing and this is not CI. */
  ignore: boolean;
  /**
   * What its fake microphone sends: the WAV given (`"file"`), or Firefox's
   * fixed tone (`"tone"`, near 1 kHz).
   */
  microphone: "file" | "tone" | "mock";
  open(baseUrl: string, options?: EngineOpenOptions): Promise<ClientPage>;
}

/** Chromium, Firefox and WebKit. */
export const ENGINES: Engine[] = [
  {
    name: "Chromium",
    ignore: skipBrowserTests(),
    microphone: "file",
    open: async (baseUrl, { denyMicrophone, ...options } = {}) =>
      new ClientPage(await openChromiumPage(baseUrl, { ...options, denyMicrophone })),
  },
  {
    name: "Firefox",
    ignore: skipFirefoxTests(),
    microphone: "tone",
    open: async (baseUrl, { denyMicrophone, audioFile: _, ...options } = {}) =>
      new ClientPage(
        await openFirefoxPage(baseUrl, {
          ...options,
          prefs: denyMicrophone
            ? { "media.navigator.permission.disabled": false, "permissions.default.microphone": 2 }
            : {},
        }),
      ),
  },
  {
    name: "WebKit",
    ignore: skipWebKitTests(),
    microphone: "mock",
    open: async (baseUrl, { denyMicrophone: _, audioFile: __, ...options } = {}) =>
      new ClientPage(await openWebKitPage(baseUrl, options)),
  },
];

/**
 * Finds and launches the Chromium that browser tests drive. Without one, tests
 * skip with a message on a developer's machine and fail in CI (`CI=true`).
 *
 * @module
 */
import { type Browser, chromium } from "playwright-core";
import { programPath, type RequiredProgram, skipWithout } from "./required_program.ts";

const CHROMIUM: RequiredProgram = {
  name: "Chromium",
  envVar: "CHROMIUM_PATH",
  candidates: ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"],
  debianPackage: "chromium",
  tests: "browser tests",
};

/** Path of a Chromium binary, from `CHROMIUM_PATH` or the usual places. */
export function chromiumPath(): string | undefined {
  return programPath(CHROMIUM);
}

/** True when browser tests must skip: no Chromium here and not in CI. */
export function skipBrowserTests(): boolean {
  return skipWithout(CHROMIUM);
}

/**
 * Launches headless Chromium with a fake microphone that plays `audioFile`
 * and a fake camera (a moving pattern); `extraArgs` are added to the flags.
 */
export function launchChromium(audioFile?: string, extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      "--autoplay-policy=no-user-gesture-required",
      ...(audioFile ? [`--use-file-for-fake-audio-capture=${audioFile}`] : []),
      ...extraArgs,
    ],
  });
}

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
 * With `denyMicrophone`, permission prompts are refused instead of accepted.
 */
export function launchChromium(
  audioFile?: string,
  extraArgs: string[] = [],
  { denyMicrophone = false } = {},
): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // Away from PulseAudio (which Firefox needs): through its null sink,
    // Chromium's audio clock ran at 40% of real time. Without a sound
    // server Chromium renders audio on its own clock, in real time.
    env: { ...Deno.env.toObject(), PULSE_SERVER: "unix:/nonexistent" },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      denyMicrophone ? "--deny-permission-prompts" : "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      "--autoplay-policy=no-user-gesture-required",
      ...(audioFile ? [`--use-file-for-fake-audio-capture=${audioFile}`] : []),
      ...extraArgs,
    ],
  });
}

/**
 * Finds and launches the Chromium that browser tests drive. Without one, tests
 * skip with a message on a developer's machine and fail in CI (`CI=true`).
 *
 * @module
 */
import { type Browser, chromium } from "playwright-core";

const CANDIDATES = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
];

/** Path of a Chromium binary, from `CHROMIUM_PATH` or the usual places. */
export function chromiumPath(): string | undefined {
  const candidates = [Deno.env.get("CHROMIUM_PATH"), ...CANDIDATES].filter(
    Boolean,
  ) as string[];
  return candidates.find((path) => {
    try {
      return Deno.statSync(path).isFile;
    } catch {
      return false;
    }
  });
}

/** True when browser tests must skip: no Chromium here and not in CI. */
export function skipBrowserTests(): boolean {
  if (chromiumPath()) return false;
  if (Deno.env.get("CI") === "true") {
    throw new Error(
      "CI=true but no Chromium found: install Debian's chromium (see .ci/run)",
    );
  }
  console.warn(
    "Skipping browser tests: no Chromium found (install `chromium` or set CHROMIUM_PATH).",
  );
  return true;
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

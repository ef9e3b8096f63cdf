/**
 * Starts PulseAudio when no sound server runs: Firefox's AudioContext needs
 * one, and without it the page's `resume()` takes the browser down. A null
 * sink is enough, which PulseAudio loads itself on a machine without sound
 * cards.
 *
 * @module
 */

/** Makes sure a PulseAudio daemon runs for this user; it stays up for later runs. */
export async function ensureSoundServer(): Promise<void> {
  const check = await new Deno.Command("pulseaudio", { args: ["--check"] }).output();
  if (check.success) return;
  const started = await new Deno.Command("pulseaudio", {
    args: ["--daemonize=yes", "--exit-idle-time=-1", "--log-target=stderr"],
  }).output();
  if (!started.success) {
    throw new Error(
      `Cannot start PulseAudio, which Firefox needs: ${new TextDecoder().decode(started.stderr)}`,
    );
  }
}

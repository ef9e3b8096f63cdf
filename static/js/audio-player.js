/**
 * Starts a 24 kHz AudioContext with the PCM player worklet attached to the
 * speakers.
 *
 * Post Int16 little-endian PCM to it with
 * `node.port.postMessage(arrayBuffer, [arrayBuffer])`, and
 * `{ command: "endOfAudio" }` to flush whatever is still queued.
 *
 * Must be called from a user gesture so the context is allowed to run.
 *
 * @returns {Promise<[AudioWorkletNode, AudioContext]>}
 */
export async function startAudioPlayerWorklet() {
  // 24 kHz matches the model's output, so the browser does the one resample
  // to the hardware rate and the worklet can stay trivial.
  const context = new AudioContext({ sampleRate: 24000 });
  try {
    await context.audioWorklet.addModule(
      new URL("./pcm-player-processor.js", import.meta.url),
    );
    const node = new AudioWorkletNode(context, "pcm-player-processor");
    node.connect(context.destination);
    if (context.state === "suspended") await context.resume();
    return [node, context];
  } catch (err) {
    await context.close().catch(() => {});
    throw err;
  }
}

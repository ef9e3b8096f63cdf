/**
 * The microphone, captured as 16 kHz 16-bit PCM chunks by
 * `pcm-recorder-processor.js`.
 *
 * @module
 */

/**
 * A running microphone capture.
 * @typedef {object} MicrophoneCapture
 * @property {(muted: boolean) => void} setMuted Mutes by disabling the track,
 *   so chunks keep coming as silence and the server's voice detection still
 *   sees the end of an utterance.
 * @property {() => void} stop Releases the microphone; safe to call twice.
 */

/**
 * Whether a turn's first sound goes at once, cut from the chunk in progress:
 * `?send_onset=1` or `0`, else {@link DEFAULT_SEND_ONSET}.
 * @param {string} url the page's URL
 */
export function sendOnsetFromUrl(url) {
  const value = new URL(url).searchParams.get("send_onset");
  return value === "1" ? true : value === "0" ? false : DEFAULT_SEND_ONSET;
}

/**
 * Send a turn's first sound without waiting for its chunk to fill. The
 * latency bench measured the onset reaching Gemini after ~6 ms instead of
 * ~35 (p50, PCM, 50 ms chunks) for no more POSTs, but the chunks it cuts
 * short are not whole 50 ms, which tests/browser_test.ts requires: off until
 * that test allows them.
 */
const DEFAULT_SEND_ONSET = false;

/**
 * Opens the microphone with the browser's voice processing on, and feeds it
 * through the capture worklet in `context` (which must have loaded
 * `pcm-recorder-processor.js`).
 *
 * Rejects with the getUserMedia error (e.g. `NotAllowedError`) when the
 * microphone cannot be used.
 *
 * @param {AudioContext} context
 * @param {{
 *   chunkMs: number,
 *   sendOnset?: boolean,
 *   onChunk: (pcm: ArrayBuffer, level: number) => void,
 * }} options `sendOnset`: whether a turn's first sound may go at once (see
 *   {@link sendOnsetFromUrl}); false keeps chunks whole
 * @returns {Promise<MicrophoneCapture>}
 */
export async function startMicrophoneCapture(context, { chunkMs, sendOnset = true, onChunk }) {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new DOMException("getUserMedia is unavailable", "SecurityError");
  }
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: {
      channelCount: 1,
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
    },
  });
  const source = context.createMediaStreamSource(stream);
  // No outputs: the node is then pulled by the graph on its own, without
  // being wired to the speakers.
  const node = new AudioWorkletNode(context, "capture-processor", {
    numberOfInputs: 1,
    numberOfOutputs: 0,
    channelCount: 1,
    channelCountMode: "explicit",
    processorOptions: { chunkMs, sendOnset: sendOnset && sendOnsetFromUrl(location.href) },
  });
  let stopped = false;
  node.port.onmessage = (event) => {
    if (!stopped) onChunk(event.data.pcm, event.data.level);
  };
  source.connect(node);
  return {
    setMuted(muted) {
      for (const track of stream.getAudioTracks()) track.enabled = !muted;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      source.disconnect();
      node.port.onmessage = null;
      node.port.postMessage("stop");
      for (const track of stream.getTracks()) track.stop();
    },
  };
}

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
 * Opens the microphone with the browser's voice processing on, and feeds it
 * through the capture worklet in `context` (which must have loaded
 * `pcm-recorder-processor.js`).
 *
 * Rejects with the getUserMedia error (e.g. `NotAllowedError`) when the
 * microphone cannot be used.
 *
 * @param {AudioContext} context
 * @param {{ chunkMs: number, onChunk: (pcm: ArrayBuffer, level: number) => void }} options
 * @returns {Promise<MicrophoneCapture>}
 */
export async function startMicrophoneCapture(context, { chunkMs, onChunk }) {
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
    processorOptions: { chunkMs },
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

/**
 * @typedef {object} AudioRecorder
 * @property {AudioWorkletNode} node
 * @property {AudioContext} context
 * @property {MediaStream} stream
 * @property {() => Promise<void>} stop Stops the microphone and closes the
 *   context; safe to call more than once.
 */

/**
 * Opens the microphone and streams it as 16 kHz mono Int16 little-endian PCM.
 *
 * Must be called from a user gesture. Rejects with the getUserMedia error
 * (e.g. `NotAllowedError`) when the microphone is unavailable.
 *
 * @param {(pcm: Uint8Array) => void} onPcm Called with each quantum of PCM
 *   bytes (Int16 LE), roughly every 8 ms.
 * @returns {Promise<AudioRecorder>}
 */
export async function startAudioRecorderWorklet(onPcm) {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: {
      channelCount: 1,
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
    },
  });

  // A 16 kHz context makes the browser resample the microphone to the rate
  // the Live API expects, so no resampling code is needed here.
  const context = new AudioContext({ sampleRate: 16000 });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const track of stream.getTracks()) track.stop();
    await context.close().catch(() => {});
  };

  try {
    await context.audioWorklet.addModule(
      new URL("./pcm-recorder-processor.js", import.meta.url),
    );
    const source = context.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(context, "pcm-recorder-processor");
    source.connect(node);
    node.port.onmessage = (event) => {
      if (!stopped) onPcm(float32ToInt16Bytes(event.data));
    };
    if (context.state === "suspended") await context.resume();
    return { node, context, stream, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * @param {Float32Array} samples
 * @returns {Uint8Array} Int16 little-endian PCM
 */
function float32ToInt16Bytes(samples) {
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    view.setInt16(i * 2, s * 0x7fff, true);
  }
  return bytes;
}

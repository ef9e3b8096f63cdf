/**
 * AudioWorkletProcessor that forwards the microphone's first channel to the
 * main thread, one render quantum at a time.
 */
class PCMRecorderProcessor extends AudioWorkletProcessor {
  process(inputs) {
    const input = inputs[0];
    if (input && input.length > 0 && input[0].length > 0) {
      // The engine reuses the input arrays between quanta, so send a copy;
      // transferring it avoids a second copy on the way out.
      const copy = new Float32Array(input[0]);
      this.port.postMessage(copy, [copy.buffer]);
    }
    return true;
  }
}

registerProcessor("pcm-recorder-processor", PCMRecorderProcessor);

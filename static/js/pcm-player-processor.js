/**
 * AudioWorkletProcessor that plays 16-bit PCM pushed through its port.
 *
 * Messages:
 * - ArrayBuffer of Int16 little-endian samples: enqueued for playback.
 * - `{ command: "endOfAudio" }`: drop everything queued (barge-in), so the
 *   agent stops talking the moment the user interrupts.
 */
class PCMPlayerProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    // 180 s at 24 kHz, like the reference sample: long answers must not be
    // truncated just because the model streams faster than real time.
    this.bufferSize = 24000 * 180;
    this.buffer = new Float32Array(this.bufferSize);
    this.writeIndex = 0;
    this.readIndex = 0;

    this.port.onmessage = (event) => {
      const msg = event.data;
      if (msg instanceof ArrayBuffer) {
        this._enqueue(msg);
      } else if (msg && msg.command === "endOfAudio") {
        this.readIndex = this.writeIndex;
      }
    };
  }

  /** @param {ArrayBuffer} arrayBuffer */
  _enqueue(arrayBuffer) {
    // DataView keeps the decoding little-endian regardless of platform and
    // tolerates a stray odd byte at the end.
    const view = new DataView(arrayBuffer);
    const count = Math.floor(arrayBuffer.byteLength / 2);
    for (let i = 0; i < count; i++) {
      this.buffer[this.writeIndex] = view.getInt16(i * 2, true) / 32768;
      this.writeIndex = (this.writeIndex + 1) % this.bufferSize;
      if (this.writeIndex === this.readIndex) {
        // Full: drop the oldest sample rather than the newest.
        this.readIndex = (this.readIndex + 1) % this.bufferSize;
      }
    }
  }

  process(_inputs, outputs) {
    const output = outputs[0];
    if (!output || output.length === 0) return true;
    const frames = output[0].length;
    for (let frame = 0; frame < frames; frame++) {
      let sample = 0;
      if (this.readIndex !== this.writeIndex) {
        sample = this.buffer[this.readIndex];
        this.readIndex = (this.readIndex + 1) % this.bufferSize;
      }
      for (let channel = 0; channel < output.length; channel++) {
        output[channel][frame] = sample;
      }
    }
    return true;
  }
}

registerProcessor("pcm-player-processor", PCMPlayerProcessor);

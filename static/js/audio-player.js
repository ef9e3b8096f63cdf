/**
 * Plays the agent's voice through `pcm-player-processor.js`.
 *
 * By default the sound goes through a MediaStreamAudioDestinationNode into
 * an `<audio>` element: browsers apply echo cancellation to what media
 * elements play, so the agent does not hear (and answer) itself through the
 * user's speakers. With headphones there is no echo to cancel, and the
 * direct path to the speakers has less latency.
 *
 * @module
 */

/**
 * What the worklet reports: 24 kHz frames played and still queued.
 * @typedef {{ playedFrames: number, bufferedFrames: number, playing: boolean }} PlayerStats
 */

/**
 * The jitter buffer from `?play_buffer_ms=0…200`, else {@link DEFAULT_PLAY_BUFFER_MS}.
 * @param {string} url the page's URL
 */
export function playBufferMsFromUrl(url) {
  const given = new URL(url).searchParams.get("play_buffer_ms");
  const value = Number(given);
  return given !== null && given !== "" && value >= 0 && value <= 200
    ? value
    : DEFAULT_PLAY_BUFFER_MS;
}

/** How long the first audio of a reply may wait for more before it plays, ms. */
const DEFAULT_PLAY_BUFFER_MS = 0;

/** The agent's voice, on one AudioContext. */
export class AgentVoicePlayer {
  /** @type {AudioWorkletNode | null} */
  #node = null;
  /** @type {AudioContext} */
  #context;
  /** @type {MediaStreamAudioDestinationNode} */
  #streamDestination;
  /** @type {HTMLAudioElement} */
  #element;
  #headphones = false;

  /**
   * Wires the `<audio>` element at once, so that its `play()` happens inside
   * the user's click (Safari allows playback only then).
   *
   * @param {AudioContext} context
   * @param {HTMLAudioElement} element plays the echo-cancelled route
   */
  constructor(context, element) {
    this.#context = context;
    this.#element = element;
    this.#streamDestination = context.createMediaStreamDestination();
    element.srcObject = this.#streamDestination.stream;
    element.play().catch(() => {});
  }

  /**
   * Creates the worklet node, once `pcm-player-processor.js` is loaded.
   * @param {(message: { type: string } & Partial<PlayerStats>) => void} onMessage
   *   receives the worklet's reports (`stats`, `flushed`, `silent`)
   */
  attach(onMessage) {
    this.#node = new AudioWorkletNode(this.#context, "playback-processor", {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      processorOptions: { bufferMs: playBufferMsFromUrl(location.href) },
    });
    this.#node.port.onmessage = (event) => onMessage(event.data);
    this.#route();
  }

  /**
   * Queues 24 kHz 16-bit LE PCM; the buffer is handed over, not copied.
   * @param {Uint8Array} pcm
   */
  play(pcm) {
    if (!this.#node) return;
    const buffer = pcm.byteOffset === 0 &&
        pcm.byteLength === pcm.buffer.byteLength
      ? pcm.buffer
      : pcm.slice().buffer;
    this.#node.port.postMessage(buffer, [buffer]);
  }

  /** Drops everything queued: silence from the next render quantum on. */
  flush() {
    this.#node?.port.postMessage({ command: "flush" });
  }

  /**
   * Switches between the echo-cancelled route and the direct one.
   * @param {boolean} on
   */
  setHeadphones(on) {
    if (on === this.#headphones) return;
    this.#headphones = on;
    this.#route();
  }

  #route() {
    if (!this.#node) return;
    this.#node.disconnect();
    if (this.#headphones) {
      this.#element.pause();
      this.#node.connect(this.#context.destination);
    } else {
      this.#node.connect(this.#streamDestination);
      // Reached from the page's clicks (Start Audio, the headphones switch),
      // where play() is allowed; nothing retries a refusal.
      this.#element.play().catch(() => {});
    }
  }
}

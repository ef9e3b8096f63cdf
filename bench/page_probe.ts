/**
 * What the latency bench adds to the page, as a Playwright init script: it
 * watches without changing what the page does. It records on
 * `window.__latency`, in epoch milliseconds (`performance.timeOrigin +
 * performance.now()`):
 *
 * - `onsets`: a probe worklet on the microphone's source node reports each
 *   sound onset (the rule of `onset_detector.ts`) from the render quantum
 *   that carries it;
 * - `chunks`: each capture chunk the recorder worklet posts;
 * - `posts`: each `POST /send` started;
 * - `events`: each SSE `message` carrying audio (`audio`) or `interrupted`;
 * - `queued`: each buffer the page hands the player worklet;
 * - `player`: each report of the player worklet (`stats` with `playing`,
 *   `flushed`, `silent`), as it reaches the main thread.
 *
 * The probe worklet is a `blob:` module, so the bench serves the page without
 * its Content-Security-Policy.
 *
 * @module
 */
import { ONSET_LEVEL, ONSET_QUIET_MS } from "./onset_detector.ts";

const PROBE_WORKLET = `
class OnsetProbe extends AudioWorkletProcessor {
  constructor() {
    super();
    this.need = Math.round(sampleRate * ${ONSET_QUIET_MS} / 1000);
    this.quiet = this.need;
  }
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    for (let i = 0; i < channel.length; i++) {
      if (Math.abs(channel[i]) > ${ONSET_LEVEL}) {
        if (this.quiet >= this.need) this.port.postMessage(currentFrame + i);
        this.quiet = 0;
      } else {
        this.quiet++;
      }
    }
    return true;
  }
}
registerProcessor("onset-probe", OnsetProbe);
`;

/** The init script's source. */
export const PAGE_PROBE = `(() => {
  const now = () => performance.timeOrigin + performance.now();
  const log = window.__latency = {
    onsets: [], chunks: [], posts: [], events: [], queued: [], player: [],
  };
  const probeUrl = URL.createObjectURL(
    new Blob([${JSON.stringify(PROBE_WORKLET)}], { type: "text/javascript" }),
  );
  const keep = [];
  const createSource = AudioContext.prototype.createMediaStreamSource;
  AudioContext.prototype.createMediaStreamSource = function (stream) {
    const source = createSource.call(this, stream);
    window.__latencyContext = this;
    this.audioWorklet.addModule(probeUrl).then(() => {
      const probe = new AudioWorkletNode(this, "onset-probe", { numberOfOutputs: 0 });
      probe.port.onmessage = () => log.onsets.push(now());
      source.connect(probe);
      keep.push(probe);
    });
    return source;
  };
  const Node = window.AudioWorkletNode;
  window.AudioWorkletNode = class extends Node {
    constructor(context, name, options) {
      super(context, name, options);
      if (name === "capture-processor") {
        this.port.addEventListener("message", () => log.chunks.push(now()));
      } else if (name === "playback-processor") {
        this.port.addEventListener("message", (e) => log.player.push({ at: now(), ...e.data }));
        const post = this.port.postMessage.bind(this.port);
        this.port.postMessage = (message, transfer) => {
          if (message instanceof ArrayBuffer) log.queued.push(now());
          return post(message, transfer);
        };
      }
    }
  };
  const fetch = window.fetch;
  window.fetch = function (input, init) {
    if (String(input && input.url || input).includes("/send/")) log.posts.push(now());
    return fetch.call(this, input, init);
  };
  const Source = window.EventSource;
  window.EventSource = class extends Source {
    constructor(url, options) {
      super(url, options);
      this.addEventListener("message", (e) => {
        const kind = e.data.includes('"interrupted":true') ? "interrupted"
          : e.data.includes('"audio/') ? "audio" : null;
        if (kind) log.events.push({ at: now(), kind });
      });
    }
  };
})();`;

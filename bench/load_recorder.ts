import { SequenceTracker } from "./sequence_tracker.ts";

/**
 * What the simulated browsers observe, shared by all sessions of a run.
 * Latencies are kept only while {@link LoadRecorder.recording} is on (the
 * measuring window); counts cover the whole run, so loss is exact.
 */
export class LoadRecorder {
  /** True inside the measuring window. */
  recording = false;
  /** Downstream latency: fake sent → event parsed, ms. */
  readonly downLatencies: number[] = [];
  /** POST round trip, ms. */
  readonly postRtts: number[] = [];
  /** How late the generator sent each chunk after its real-time slot, ms. */
  readonly sendLags: number[] = [];
  /** Downstream chunks by fake connection. */
  readonly down = new SequenceTracker();
  /** Audio POSTs sent. */
  upSent = 0;
  /** POSTs answered with another status than 200. */
  postErrors = 0;
  /** Events that carried another session's stamp. */
  crossTalk = 0;
  /**
   * Opus events (which carry no stamp) by session: the index of each within
   * its stream and when it was parsed, inside the window.
   */
  readonly opusArrivals: Array<{ session: number; index: number; at: number }> = [];
  /** Opus events received, all run long. */
  opusReceived = 0;

  /** Records one timing sample if inside the window. */
  sample(list: number[], ms: number): void {
    if (this.recording) list.push(ms);
  }
}

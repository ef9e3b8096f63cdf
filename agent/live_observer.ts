/**
 * What a Live session tells an observer about its connections, for metrics
 * and traces. The agent module stays free of any monitoring library; the
 * server hands in an implementation.
 */
export interface LiveObserver {
  /** A connection was set up: a new conversation, or a resumed one. */
  connected(kind: "new" | "resumed"): void;
  /**
   * A connection attempt failed or a connection broke: `refused` cannot heal
   * (no retry follows), `dropped` broke while open, `unreachable` could not
   * be set up.
   */
  failed(cause: "refused" | "dropped" | "unreachable"): void;
}

/** How reconnection attempts are spaced. */
export interface RetryPolicy {
  /** Delay before the second attempt; doubles after each failure. The first is immediate. */
  baseDelayMs: number;
  /** Longest delay between attempts. */
  maxDelayMs: number;
  /** Attempts before giving up. */
  maxAttempts: number;
}

/** Reconnect at once, then after about 0.5, 1, 2, 4 and 8 s; give up after 6 tries. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseDelayMs: 500,
  maxDelayMs: 8000,
  maxAttempts: 6,
};

/**
 * Delay before attempt number `attempt` (1-based): exponential backoff with
 * jitter, so many sessions dropped at once do not reconnect in lockstep.
 *
 * @example
 * ```ts
 * retryDelayMs(1, DEFAULT_RETRY_POLICY, Math.random); // 0
 * retryDelayMs(3, DEFAULT_RETRY_POLICY, () => 1); // 1000
 * ```
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  if (attempt <= 1) return 0;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 2));
  return Math.round(ceiling * (0.5 + random() / 2));
}

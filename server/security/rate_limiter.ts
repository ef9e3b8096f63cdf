import { HttpError } from "../http_error.ts";

/**
 * Token buckets by key: each key may spend `ratePerSecond` on average and
 * `burst` at once. Costs can be weighted, so one limiter counts requests and
 * another seconds of audio. Time is injected so tests control it.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ ratePerSecond: 10, burst: 20 });
 * limiter.take("203.0.113.7"); // 0: allowed
 * ```
 */
export class RateLimiter {
  readonly #rate: number;
  readonly #burst: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    { ratePerSecond, burst, now = Date.now }: {
      ratePerSecond: number;
      burst: number;
      now?: () => number;
    },
  ) {
    this.#rate = ratePerSecond / 1000;
    this.#burst = burst;
    this.#now = now;
  }

  /** A limiter of `perSecond` requests per key, with bursts of twice that. */
  static requests(perSecond: number, now?: () => number): RateLimiter {
    return new RateLimiter({ ratePerSecond: perSecond, burst: perSecond * 2, now });
  }

  /**
   * Spends `cost` for `key` if it has that much left: returns 0. Otherwise
   * spends nothing and returns the milliseconds until it would have.
   */
  take(key: string, cost = 1): number {
    const now = this.#now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.#burst, at: now };
    bucket.tokens = Math.min(this.#burst, bucket.tokens + (now - bucket.at) * this.#rate);
    bucket.at = now;
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      this.#buckets.set(key, bucket);
      this.#sweep(now);
      return 0;
    }
    this.#buckets.set(key, bucket);
    return Math.ceil((Math.min(cost, this.#burst) - bucket.tokens) / this.#rate);
  }

  /**
   * Spends one of `key`'s requests, or throws 429 with `Retry-After`: the
   * request limits' answer, in the middleware chain as in the `/send` fast lane.
   *
   * @throws {HttpError} 429 when `key` has no request left.
   */
  spend(key: string): void {
    const wait = this.take(key);
    if (wait > 0) {
      throw new HttpError(429, "Too many requests; slow down", {
        retryAfterSeconds: Math.ceil(wait / 1000),
      });
    }
  }

  /** Forgets full buckets now and then, so idle keys do not pile up. */
  #sweep(now: number): void {
    if (this.#buckets.size < 10_000) return;
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.at) * this.#rate >= this.#burst) this.#buckets.delete(key);
    }
  }
}

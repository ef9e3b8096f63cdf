import type { MiddlewareHandler } from "hono";

/**
 * Counts requests being handled, so a shutdown can wait for them: Deno's
 * `server.shutdown()` cuts off request bodies still arriving, which would
 * turn a POST in flight into an error.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * const inFlight = new InFlightRequests();
 * const app = new Hono().use(inFlight.middleware);
 * await inFlight.settled(5000);
 * ```
 */
export class InFlightRequests {
  #count = 0;
  #waiters: Array<() => void> = [];

  /** Number of requests whose handler has not returned yet. */
  get count(): number {
    return this.#count;
  }

  /** Hono middleware that counts each request until its handler returns. */
  readonly middleware: MiddlewareHandler = (_c, next) => this.track(next);

  /** Counts a request handled outside the middleware chain until `handle` settles. */
  async track<T>(handle: () => Promise<T>): Promise<T> {
    this.#count++;
    try {
      return await handle();
    } finally {
      if (--this.#count === 0) { for (const wake of this.#waiters.splice(0)) wake(); }
    }
  }

  /** Resolves `true` once no request is in flight, or `false` after `timeoutMs`. */
  settled(timeoutMs: number): Promise<boolean> {
    if (this.#count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

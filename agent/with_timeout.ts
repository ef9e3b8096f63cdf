/**
 * Settles as `promise` does, or rejects with "`what` within N s" (by default
 * "no answer within N s") once `ms` have passed; the timer never outlives the race.
 *
 * @example
 * ```ts
 * await withTimeout(fetch("http://127.0.0.1:8000/healthz"), 2_000);
 * ```
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what = "no answer"): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

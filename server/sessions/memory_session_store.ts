import { type SessionStore, STORED_SESSION_TTL_MS, type StoredSession } from "./session_store.ts";

/**
 * A {@link SessionStore} in this process's memory: the default without
 * `REDIS_URL`. Sessions do not outlive the process, as without a store.
 *
 * @example
 * ```ts
 * const store = new MemorySessionStore();
 * await store.save("s1", { tokenHash: "…", mode: "text", lastEventId: 0, events: [] });
 * (await store.load("s1"))?.mode; // "text"
 * ```
 */
export class MemorySessionStore implements SessionStore {
  readonly #entries = new Map<string, { session: StoredSession; expires: number }>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(
    { ttlMs = STORED_SESSION_TTL_MS, now = Date.now }: { ttlMs?: number; now?: () => number } = {},
  ) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  load(id: string): Promise<StoredSession | undefined> {
    const entry = this.#entries.get(id);
    if (entry && entry.expires <= this.#now()) this.#entries.delete(id);
    return Promise.resolve(
      entry && entry.expires > this.#now() ? structuredClone(entry.session) : undefined,
    );
  }

  save(id: string, session: StoredSession): Promise<void> {
    this.#forgetExpired();
    // Re-inserted, so entries stay in the order they expire in.
    this.#entries.delete(id);
    this.#entries.set(id, {
      session: structuredClone(session),
      expires: this.#now() + this.#ttlMs,
    });
    return Promise.resolve();
  }

  delete(id: string): Promise<void> {
    this.#entries.delete(id);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Drops expired entries (the oldest saved), so abandoned ones do not pile up. */
  #forgetExpired(): void {
    for (const [id, entry] of this.#entries) {
      if (entry.expires > this.#now()) break;
      this.#entries.delete(id);
    }
  }
}

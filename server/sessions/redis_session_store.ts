import type { createClient } from "redis";
import type { Logger } from "../observability/logger.ts";
import { type SessionStore, STORED_SESSION_TTL_MS, type StoredSession } from "./session_store.ts";

/** What a {@link RedisSessionStore} needs. */
export interface RedisSessionStoreOptions {
  /** `redis://…` or `rediss://…`, from `REDIS_URL`. */
  url: string;
  logger: Logger;
  ttlMs?: number;
  /** Prefix of the keys, so several services can share one Redis. */
  keyPrefix?: string;
  /** A load slower than this counts as a miss, so an outage does not hold pages. */
  loadTimeoutMs?: number;
}

type RedisClient = ReturnType<typeof createClient>;

/**
 * A {@link SessionStore} in Redis (`REDIS_URL`): one JSON value per session,
 * `SET … PX ttl` on every save, so every instance behind the load balancer
 * can resume any session. The client (`npm:redis`) reconnects by itself;
 * while Redis is away, loads miss (sessions start afresh) and failed saves
 * are logged.
 *
 * @example
 * ```ts
 * import { createLogger } from "../observability/logger.ts";
 * const store = new RedisSessionStore({
 *   url: "redis://127.0.0.1:6379",
 *   logger: createLogger("info"),
 * });
 * await store.load("s1");
 * await store.close();
 * ```
 */
export class RedisSessionStore implements SessionStore {
  /** Connected client; the module loads on first use, keeping start-up fast. */
  readonly #client: Promise<RedisClient>;
  readonly #ttlMs: number;
  readonly #prefix: string;
  readonly #loadTimeoutMs: number;
  readonly #logger: Logger;
  #closing = false;
  #created: RedisClient | undefined;

  constructor(
    {
      url,
      logger,
      ttlMs = STORED_SESSION_TTL_MS,
      keyPrefix = "gemini-live:session:",
      loadTimeoutMs = 2000,
    }: RedisSessionStoreOptions,
  ) {
    this.#ttlMs = ttlMs;
    this.#prefix = keyPrefix;
    this.#loadTimeoutMs = loadTimeoutMs;
    this.#logger = logger;
    this.#client = import("redis").then(async ({ createClient }) => {
      const client = createClient({ url });
      let reported = false;
      client.on("error", (error: Error) => {
        if (!reported && !this.#closing) logger.warn(`Redis (REDIS_URL): ${error.message}`);
        reported = true;
      });
      client.on("ready", () => reported = false);
      this.#created = client;
      if (this.#closing) throw new Error("The session store is closed");
      await client.connect();
      return client;
    });
    // Failures show in "error" and in the operations that wait for the client.
    this.#client.catch(() => {});
  }

  async load(id: string): Promise<StoredSession | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.#loadTimeoutMs);
    });
    try {
      const value = await Promise.race([
        this.#client.then((client) => client.get(this.#prefix + id)),
        timeout,
      ]);
      return value ? JSON.parse(value) as StoredSession : undefined;
    } catch (error) {
      this.#logger.warn(`Cannot load session ${id} from Redis: ${(error as Error).message}`);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  async save(id: string, session: StoredSession): Promise<void> {
    const client = await this.#client;
    await client.set(this.#prefix + id, JSON.stringify(session), { PX: this.#ttlMs });
  }

  async delete(id: string): Promise<void> {
    const client = await this.#client;
    await client.del(this.#prefix + id);
  }

  async close(): Promise<void> {
    this.#closing = true;
    const client = this.#created;
    // A client still trying to connect gives up at once; a ready one finishes its commands.
    if (client?.isReady) await client.close();
    else if (client?.isOpen) client.destroy();
  }
}

/**
 * The contract every {@link SessionStore} keeps, run against the memory store
 * and against Redis (a real `redis-server`, skipped locally without one).
 */
import assert from "node:assert/strict";
import { createLogger } from "../server/observability/logger.ts";
import { MemorySessionStore } from "../server/sessions/memory_session_store.ts";
import { RedisSessionStore } from "../server/sessions/redis_session_store.ts";
import type { SessionStore, StoredSession } from "../server/sessions/session_store.ts";
import { skipRedisTests, startRedis } from "./redis.ts";

const session: StoredSession = {
  tokenHash: "ab".repeat(32),
  mode: "text",
  handle: "handle-1",
  lastEventId: 3,
  events: [
    { id: 2, data: '{"mime_type":"text/plain","data":"Hi"}' },
    { id: 3, event: "error", data: '{"error":"bye","fatal":false}' },
  ],
};

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The same behaviour, whatever keeps the sessions; `ttlMs` is 300 and
 * `wait(ms)` lets that much of the store's time pass.
 */
async function contract(
  t: Deno.TestContext,
  store: SessionStore,
  name: string,
  wait: (ms: number) => Promise<void>,
): Promise<void> {
  await t.step(`${name}: a saved session loads back as saved; others are unknown`, async () => {
    await store.save("a", session);
    assert.deepEqual(await store.load("a"), session);
    assert.equal(await store.load("never-saved"), undefined);
  });
  await t.step(`${name}: a later save replaces the state`, async () => {
    await store.save("a", { ...session, handle: "handle-2", lastEventId: 4 });
    assert.equal((await store.load("a"))?.handle, "handle-2");
    assert.equal((await store.load("a"))?.lastEventId, 4);
  });
  await t.step(`${name}: a deleted session cannot be loaded`, async () => {
    await store.delete("a");
    assert.equal(await store.load("a"), undefined);
  });
  await t.step(`${name}: an entry expires unless saved again within its time to live`, async () => {
    await store.save("kept", session);
    await store.save("left", session);
    await wait(200);
    await store.save("kept", session);
    await wait(200);
    assert.deepEqual(await store.load("kept"), session);
    assert.equal(await store.load("left"), undefined);
  });
}

Deno.test("the memory session store keeps sessions for their time to live", async (t) => {
  let now = 0;
  const store = new MemorySessionStore({ ttlMs: 300, now: () => now });
  await contract(t, store, "memory", (ms) => {
    now += ms;
    return Promise.resolve();
  });
});

Deno.test({
  name: "the Redis session store keeps sessions for their time to live, across clients",
  ignore: skipRedisTests(),
  sanitizeResources: false,
  sanitizeOps: false,
}, async (t) => {
  await using redis = await startRedis();
  const logger = createLogger("error");
  const store = new RedisSessionStore({ url: redis.url, logger, ttlMs: 300 });
  // Redis keeps time itself: its expiry is waited for.
  await contract(t, store, "redis", delay);
  await store.save("b", session);
  await store.close();
  const other = new RedisSessionStore({ url: redis.url, logger, ttlMs: 300 });
  assert.deepEqual(await other.load("b"), session, "a session outlives its store's close");
  await other.close();
});

Deno.test({
  name: "without Redis, loads miss within their timeout instead of holding the page",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const store = new RedisSessionStore({
    url: "redis://127.0.0.1:1",
    logger: createLogger("error"),
    loadTimeoutMs: 200,
  });
  const started = performance.now();
  assert.equal(await store.load("x"), undefined);
  assert.ok(performance.now() - started < 1000);
  void store.close();
});

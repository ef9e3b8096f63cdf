import assert from "node:assert/strict";
import { createLogger } from "../observability/logger.ts";
import { MemorySessionStore } from "./memory_session_store.ts";
import type { StoredSession } from "./session_store.ts";
import { StoredSessionWriter } from "./stored_session_writer.ts";

/** A memory store that counts its saves. */
class CountingStore extends MemorySessionStore {
  saves = 0;
  override save(id: string, session: StoredSession): Promise<void> {
    this.saves++;
    return super.save(id, session);
  }
}

function start(intervalMs = 50) {
  const store = new CountingStore();
  let lastEventId = 0;
  const writer = new StoredSessionWriter({
    id: "s1",
    store,
    logger: createLogger("error"),
    intervalMs,
    snapshot: () => ({ tokenHash: "h", mode: "text", lastEventId, events: [] }),
  });
  return { store, writer, setLast: (id: number) => lastEventId = id };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("many changes within the interval are stored once, with the newest state", async () => {
  const { store, writer, setLast } = start();
  for (let id = 1; id <= 100; id++) {
    setLast(id);
    writer.changed();
  }
  assert.equal(store.saves, 0, "nothing is written on the caller's path");
  await delay(80);
  assert.equal(store.saves, 1);
  assert.equal((await store.load("s1"))?.lastEventId, 100);
  await writer.delete();
});

Deno.test("a change that must not wait is stored at once", async () => {
  const { store, writer } = start(10_000);
  writer.changed();
  writer.changed(true);
  await delay(10);
  assert.equal(store.saves, 1);
  await writer.delete();
});

Deno.test("a flush stores the final state; a deletion is never undone by a pending save", async () => {
  const { store, writer, setLast } = start();
  setLast(7);
  writer.changed();
  await writer.flush();
  assert.equal((await store.load("s1"))?.lastEventId, 7);
  writer.changed(true);
  await delay(20);
  assert.equal(store.saves, 1, "no saves after the writer stopped");

  const other = start();
  other.writer.changed(true);
  await other.writer.delete();
  await delay(80);
  assert.equal(await other.store.load("s1"), undefined);
});

import assert from "node:assert/strict";
import { MIGRATIONS } from "./history_migrations.ts";
import { SqliteHistoryStore } from "./sqlite_history_store.ts";

Deno.test("the schema is migrated once, versioned, and a reopened file keeps its conversations", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/new/folder/history.sqlite3`;
    const store = new SqliteHistoryStore(path);
    assert.deepEqual(await store.migrate(), MIGRATIONS.map((m) => m.version));
    assert.deepEqual(await store.migrate(), []);
    await store.append([{
      owner: "o",
      conversationId: "c",
      turns: [{ role: "user", text: "Hello", at: 5 }],
    }]);
    await store.close();
    const reopened = new SqliteHistoryStore(path);
    assert.deepEqual(await reopened.migrate(), []);
    assert.deepEqual(await reopened.list("o", 10), [
      { id: "c", title: "Hello", startedAt: 5, updatedAt: 5, turns: 1 },
    ]);
    await reopened.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("conversations are listed newest first, titled by the first question, per owner", async () => {
  const store = new SqliteHistoryStore(":memory:");
  await store.migrate();
  await store.append([
    { owner: "o", conversationId: "old", turns: [{ role: "model", text: "Welcome", at: 1 }] },
    { owner: "o", conversationId: "new", turns: [{ role: "user", text: "Second", at: 3 }] },
    { owner: "p", conversationId: "old", turns: [{ role: "user", text: "Other owner", at: 9 }] },
  ]);
  await store.append([
    { owner: "o", conversationId: "old", turns: [{ role: "user", text: "First question", at: 2 }] },
  ]);
  assert.deepEqual((await store.list("o", 10)).map((c) => [c.id, c.title, c.turns]), [
    ["new", "Second", 1],
    ["old", "First question", 2],
  ]);
  assert.equal((await store.read("p", "old"))?.turns[0].text, "Other owner");
  assert.equal(await store.delete("p", "new"), false, "another owner's id deletes nothing");
  assert.equal((await store.list("o", 1)).length, 1);
  await store.close();
});

Deno.test("retention deletes conversations not updated since the cutoff, with their turns", async () => {
  const store = new SqliteHistoryStore(":memory:");
  await store.migrate();
  await store.append([
    { owner: "o", conversationId: "stale", turns: [{ role: "user", text: "a", at: 100 }] },
    { owner: "o", conversationId: "fresh", turns: [{ role: "user", text: "b", at: 300 }] },
  ]);
  assert.equal(await store.deleteOlderThan(200), 1);
  assert.deepEqual((await store.list("o", 10)).map((c) => c.id), ["fresh"]);
  assert.equal(await store.read("o", "stale"), undefined);
  await store.close();
});

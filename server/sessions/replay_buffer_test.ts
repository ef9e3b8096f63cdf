import assert from "node:assert/strict";
import { type NumberedMessage, ReplayBuffer } from "./replay_buffer.ts";

const roomy = { maxEvents: 100, maxBytes: 1 << 20 };

function message(id: number, data = `m${id}`): NumberedMessage {
  return { id, data };
}

function ids(messages: NumberedMessage[] | null): number[] | null {
  return messages && messages.map((m) => m.id);
}

function filled(options: { maxEvents: number; maxBytes: number }, count: number, data?: string) {
  const buffer = new ReplayBuffer(options);
  for (let id = 1; id <= count; id++) buffer.push(message(id, data));
  return buffer;
}

Deno.test("since() returns exactly the messages after the given id, in order", () => {
  const buffer = filled(roomy, 5);
  assert.deepEqual(buffer.since(2), [message(3), message(4), message(5)]);
  assert.deepEqual(ids(buffer.since(0)), [1, 2, 3, 4, 5]);
  assert.deepEqual(ids(buffer.since(4)), [5]);
});

Deno.test("since() returns nothing when no message is newer", () => {
  const buffer = filled(roomy, 3);
  assert.deepEqual(buffer.since(3), []);
  assert.deepEqual(buffer.since(10), []);
});

Deno.test("an empty buffer has nothing to replay", () => {
  assert.deepEqual(new ReplayBuffer(roomy).since(0), []);
});

Deno.test("since() returns null when missed messages were forgotten by the count bound", () => {
  const buffer = filled({ maxEvents: 3, maxBytes: 1 << 20 }, 5);
  assert.equal(buffer.since(0), null);
  assert.equal(buffer.since(1), null);
  assert.deepEqual(ids(buffer.since(2)), [3, 4, 5]);
});

Deno.test("since() returns null when missed messages were forgotten by the byte bound", () => {
  // Each message counts its data plus 16 bytes: 46 here, so two fit in 100.
  const buffer = filled({ maxEvents: 100, maxBytes: 100 }, 3, "x".repeat(30));
  assert.equal(buffer.since(0), null);
  assert.deepEqual(ids(buffer.since(1)), [2, 3]);
});

Deno.test("nothing missed means no null, even after older messages were forgotten", () => {
  const buffer = filled({ maxEvents: 2, maxBytes: 1 << 20 }, 10);
  assert.deepEqual(buffer.since(10), []);
  assert.deepEqual(ids(buffer.since(9)), [10]);
});

Deno.test("the newest message is kept even when alone it exceeds maxBytes", () => {
  const buffer = new ReplayBuffer({ maxEvents: 10, maxBytes: 10 });
  const big = message(1, "y".repeat(100));
  buffer.push(big);
  assert.deepEqual(buffer.since(0), [big]);
  buffer.push(message(2, "z".repeat(100)));
  assert.deepEqual(ids(buffer.since(1)), [2]);
  assert.equal(buffer.since(0), null);
});

Deno.test("replay stays exact after many thousands of messages", () => {
  const buffer = filled({ maxEvents: 10, maxBytes: 1 << 20 }, 5000);
  assert.deepEqual(ids(buffer.since(4990)), [
    4991,
    4992,
    4993,
    4994,
    4995,
    4996,
    4997,
    4998,
    4999,
    5000,
  ]);
  assert.deepEqual(buffer.since(4995), [4996, 4997, 4998, 4999, 5000].map((id) => message(id)));
  assert.equal(buffer.since(4989), null);
  assert.deepEqual(buffer.since(5000), []);
});

Deno.test("replay stays exact after many thousands of messages bounded by bytes", () => {
  // 20 bytes each (4 of data + 16): five fit in 100.
  const buffer = filled({ maxEvents: 1_000_000, maxBytes: 100 }, 5000, "abcd");
  assert.deepEqual(ids(buffer.since(4995)), [4996, 4997, 4998, 4999, 5000]);
  assert.equal(buffer.since(4994), null);
});

Deno.test("replay is exact at every step while messages keep coming", () => {
  const buffer = new ReplayBuffer({ maxEvents: 7, maxBytes: 1 << 20 });
  for (let id = 1; id <= 3000; id++) {
    buffer.push(message(id));
    const last = Math.max(0, id - 7);
    const expected = Array.from({ length: id - last }, (_, i) => last + 1 + i);
    assert.deepEqual(ids(buffer.since(last)), expected, `after pushing ${id}`);
    if (last > 0) assert.equal(buffer.since(last - 1), null, `after pushing ${id}`);
  }
});

Deno.test("events measured by their own size are bounded by those bytes", () => {
  const buffer = new ReplayBuffer<{ id: number; frame: Uint8Array }>({
    maxEvents: 100,
    maxBytes: 250,
    size: (event) => event.frame.byteLength,
  });
  for (let id = 1; id <= 5; id++) buffer.push({ id, frame: new Uint8Array(100) });
  assert.deepEqual(buffer.since(3)?.map((event) => event.id), [4, 5]);
  assert.equal(buffer.since(2), null);
});

Deno.test("forget() lets go of what the page received; asking for it again is told (null)", () => {
  const buffer = filled(roomy, 5);
  buffer.forget(3);
  assert.deepEqual(ids(buffer.since(3)), [4, 5]);
  assert.deepEqual(buffer.newest(10).map((m) => m.id), [4, 5]);
  assert.equal(buffer.since(2), null);
  buffer.forget(5);
  assert.deepEqual(buffer.since(5), [], "all received: nothing to replay, nothing lost");
  assert.equal(buffer.oldest(), undefined);
  assert.equal(buffer.since(4), null, "an empty buffer still knows what it let go of");
  buffer.push(message(6));
  assert.deepEqual(ids(buffer.since(5)), [6]);
  buffer.forget(2);
  assert.deepEqual(ids(buffer.since(5)), [6], "an older acknowledgement changes nothing");
});

Deno.test("forgotten messages no longer count against the byte bound", () => {
  const buffer = filled({ maxEvents: 100, maxBytes: 1000 }, 8, "x".repeat(100));
  buffer.forget(8);
  for (let id = 9; id <= 16; id++) buffer.push(message(id, "x".repeat(100)));
  assert.deepEqual(ids(buffer.since(8)), [9, 10, 11, 12, 13, 14, 15, 16]);
});

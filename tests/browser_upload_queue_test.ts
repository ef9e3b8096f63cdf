/**
 * The web client's microphone upload queue (static/js/upload_queue.js), run
 * in Deno with a written fake network.
 */
import assert from "node:assert/strict";
import { UploadQueue } from "../static/js/upload_queue.js";

/** A network whose POSTs complete only when the test says so. */
function slowNetwork() {
  const posts: Array<{ bytes: Uint8Array; done: () => void }> = [];
  const send = (bytes: Uint8Array) =>
    new Promise<{ ok: true }>((resolve) =>
      posts.push({ bytes, done: () => resolve({ ok: true }) })
    );
  return { posts, send };
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const chunk = (value: number) => new Uint8Array(1600).fill(value);

Deno.test("a slow network batches microphone chunks into one POST, in order, one at a time", async () => {
  const net = slowNetwork();
  const queue = new UploadQueue(net.send, { maxBytes: 160000 });
  queue.push(chunk(1));
  for (let i = 2; i <= 6; i++) queue.push(chunk(i));
  await tick();
  assert.equal(net.posts.length, 1, "only one POST in flight");
  net.posts[0].done();
  await tick();
  assert.equal(net.posts.length, 2);
  assert.equal(net.posts[1].bytes.length, 5 * 1600, "the backlog goes in one POST");
  assert.deepEqual([...new Set(net.posts[1].bytes)], [2, 3, 4, 5, 6]);
  net.posts[1].done();
  await tick();
  assert.equal(queue.requests, 2);
});

Deno.test("a stalled upload keeps only the newest audio, within the bound", async () => {
  const net = slowNetwork();
  const queue = new UploadQueue(net.send, { maxBytes: 3 * 1600 });
  queue.push(chunk(0));
  for (let i = 1; i <= 10; i++) queue.push(chunk(i));
  net.posts[0].done();
  await tick();
  assert.deepEqual([...new Set(net.posts[1].bytes)], [8, 9, 10]);
  assert.equal(queue.droppedBytes, 7 * 1600);
});

Deno.test("a failed upload is reported and the next chunk still goes out", async () => {
  const errors: Array<string | null> = [];
  let calls = 0;
  const queue = new UploadQueue(
    () => Promise.resolve(calls++ === 0 ? { ok: false, error: "down" } : { ok: true }),
    { maxBytes: 16000, onResult: (e: string | null) => errors.push(e) },
  );
  queue.push(chunk(1));
  await tick();
  queue.push(chunk(2));
  await tick();
  assert.deepEqual(errors, ["down", null]);
});

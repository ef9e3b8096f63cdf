import assert from "node:assert/strict";
import fc from "fast-check";
import { FrameLog } from "./frame_log.ts";

const frame = (id: number, length: number) => new Uint8Array(length).fill(id % 251);

Deno.test("replay gives back each kept frame byte for byte, whatever sizes came and went", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1024, max: 64 * 1024 }),
      fc.array(fc.integer({ min: 1, max: 24 * 1024 }), { minLength: 1, maxLength: 300 }),
      (maxBytes, sizes) => {
        const log = new FrameLog({ maxEvents: 1000, maxBytes });
        const sent = new Map<number, Uint8Array>();
        sizes.forEach((size, i) => {
          const id = i + 1;
          sent.set(id, frame(id, size));
          log.push(id, frame(id, size));
          const kept = log.since(log.newest(Infinity)[0].id - 1)!;
          assert.equal(kept.at(-1)!.id, id, "the newest is always kept");
          let bytes = 0;
          for (const event of kept) {
            assert.deepEqual(event.frame, sent.get(event.id));
            bytes += event.frame.byteLength;
          }
          assert.ok(kept.length === 1 || bytes <= maxBytes, `${bytes} bytes kept of ${maxBytes}`);
        });
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("a page that missed more than is kept is told (null), as with the index alone", () => {
  const log = new FrameLog({ maxEvents: 100, maxBytes: 10_000 });
  for (let id = 1; id <= 20; id++) log.push(id, frame(id, 2_700));
  assert.equal(log.since(0), null);
  assert.deepEqual(log.since(17)?.map((event) => event.id), [18, 19, 20]);
  assert.deepEqual(log.since(20), []);
});

Deno.test("messages are kept beside the frames for the store; the agent's voice only as bytes", () => {
  const log = new FrameLog({ maxEvents: 100, maxBytes: 1 << 16 });
  log.push(1, frame(1, 10), { id: 1, data: "text" });
  log.push(2, frame(2, 10));
  assert.deepEqual(log.newest(5), [{ id: 1, message: { id: 1, data: "text" } }, { id: 2 }]);
  const [text, voice] = log.since(0)!;
  assert.deepEqual(text.message, { id: 1, data: "text" });
  assert.equal(voice.message, undefined);
});

Deno.test("a replayed frame is a copy: the ring moving on does not change it", () => {
  const log = new FrameLog({ maxEvents: 100, maxBytes: 4096 });
  log.push(1, frame(1, 1000));
  const [first] = log.since(0)!;
  for (let id = 2; id < 50; id++) log.push(id, frame(id, 1000));
  assert.deepEqual(first.frame, frame(1, 1000));
});

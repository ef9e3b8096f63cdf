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

Deno.test("frames survive acknowledgements too: the ring reuses what the page received", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1024, max: 64 * 1024 }),
      fc.array(
        fc.oneof(
          // Mostly frames the first ring can hold, so it goes round many times.
          {
            arbitrary: fc.record({ push: fc.integer({ min: 1, max: 6 * 1024 }) }),
            weight: 6,
          },
          { arbitrary: fc.record({ push: fc.integer({ min: 1, max: 24 * 1024 }) }), weight: 1 },
          { arbitrary: fc.record({ lag: fc.integer({ min: 0, max: 5 }) }), weight: 3 },
        ),
        { minLength: 1, maxLength: 400 },
      ),
      (maxBytes, steps) => {
        const log = new FrameLog({ maxEvents: 1000, maxBytes });
        const sent = new Map<number, Uint8Array>();
        let id = 0;
        let received = 0;
        for (const step of steps) {
          if ("lag" in step) {
            received = Math.max(received, id - step.lag);
            log.forget(received);
          } else {
            sent.set(++id, frame(id, step.push));
            log.push(id, frame(id, step.push));
          }
          const kept = log.since(received);
          if (kept === null) {
            // Only the bounds forget what the page did not receive.
            const oldest = log.newest(Infinity)[0];
            assert.ok(oldest.id > received + 1);
            continue;
          }
          assert.deepEqual(kept.map((event) => event.id), range(received + 1, id));
          for (const event of kept) assert.deepEqual(event.frame, sent.get(event.id));
        }
        if (received > 0) assert.equal(log.since(received - 1), null, "the received are let go");
      },
    ),
    { numRuns: 1000 },
  );
});

Deno.test("while the page acknowledges, a voice session's ring stays small (16 or 64 KiB)", () => {
  const acknowledged = new FrameLog({ maxEvents: 2000, maxBytes: 256 * 1024 });
  const lagging = new FrameLog({ maxEvents: 2000, maxBytes: 256 * 1024 });
  const silent = new FrameLog({ maxEvents: 2000, maxBytes: 256 * 1024 });
  for (let id = 1; id <= 1500; id++) {
    acknowledged.push(id, frame(id, 2_700));
    lagging.push(id, frame(id, 2_700));
    silent.push(id, frame(id, 2_700));
    // The page's POSTs say what it received, a frame or two behind…
    if (id > 2) acknowledged.forget(id - 2);
    // …or, on a busy server, half a second behind.
    if (id > 12) lagging.forget(id - 12);
  }
  assert.equal(acknowledged.ringBytes, 16 * 1024);
  assert.equal(lagging.ringBytes, 64 * 1024);
  assert.deepEqual(acknowledged.since(1498)?.map((event) => event.frame), [
    frame(1499, 2_700),
    frame(1500, 2_700),
  ]);
  assert.equal(silent.ringBytes, 256 * 1024 + 16 * 1024);
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

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

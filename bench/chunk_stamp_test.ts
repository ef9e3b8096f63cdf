import assert from "node:assert/strict";
import { findStamp, readStampBase64, STAMP_BASE64_CHARS, stampBase64 } from "./chunk_stamp.ts";
import { StampedTemplate } from "./stamped_template.ts";

Deno.test("a stamp survives base64 inside a JSON chunk", () => {
  const stamp = { session: 7, seq: 1234, sentAt: 1_795_000_000_123.456 };
  const template = new StampedTemplate(
    (data) => `{"mime_type":"audio/pcm","data":"${data}"}`,
    1280,
  );
  const json = new TextDecoder().decode(template.fill(stampBase64(stamp)));
  assert.deepEqual(findStamp(json), stamp);
  const data = JSON.parse(json).data;
  assert.equal(atob(data).length, 1280);
});

Deno.test("bytes that are not a stamp read as undefined", () => {
  assert.equal(readStampBase64("A".repeat(STAMP_BASE64_CHARS), 0), undefined);
  assert.equal(findStamp('{"data":"!!"}'), undefined);
  assert.equal(findStamp("{}"), undefined);
});

import assert from "node:assert/strict";
import { ChunkedDecoder } from "./chunked_decoder.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("a chunked body decodes whatever the read boundaries", () => {
  const wire = "5\r\nhello\r\n1d\r\ndata: abcdefghijklmnopqrstu\n\n\r\n0\r\n\r\n";
  for (let split = 1; split < wire.length; split++) {
    const decoder = new ChunkedDecoder();
    const pieces = [
      ...decoder.push(bytes(wire.slice(0, split))).map((p) => new TextDecoder().decode(p)),
      ...decoder.push(bytes(wire.slice(split))).map((p) => new TextDecoder().decode(p)),
    ];
    assert.equal(pieces.join(""), "hellodata: abcdefghijklmnopqrstu\n\n");
    assert.ok(decoder.done);
  }
});

Deno.test("a bad chunk size is refused", () => {
  assert.throws(() => new ChunkedDecoder().push(bytes("zz\r\n")), SyntaxError);
});

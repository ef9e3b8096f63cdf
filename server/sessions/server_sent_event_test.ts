import assert from "node:assert/strict";
import { encodeServerSentEvent, type ServerSentEventMessage } from "./server_sent_event.ts";

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

Deno.test("a data-only message is one data line ended by a blank line", () => {
  assert.equal(decode(encodeServerSentEvent({ data: "hi" })), "data: hi\n\n");
});

Deno.test("fields are written in the order comment, event, id, retry, data", () => {
  assert.equal(
    decode(encodeServerSentEvent({
      data: "payload",
      retry: 3000,
      id: 7,
      event: "usage",
      comment: "keep-alive",
    })),
    ": keep-alive\nevent: usage\nid: 7\nretry: 3000\ndata: payload\n\n",
  );
});

Deno.test("a comment-only message is a heartbeat line", () => {
  assert.equal(decode(encodeServerSentEvent({ comment: "" })), ": \n\n");
});

Deno.test("retry is written as whole milliseconds", () => {
  assert.equal(
    decode(encodeServerSentEvent({ retry: 1500.9 })),
    "retry: 1500\n\n",
  );
});

for (
  const [name, newline] of [["\\n", "\n"], ["\\r\\n", "\r\n"], ["\\r", "\r"]]
) {
  Deno.test(`multi-line data separated by ${name} becomes several data lines`, () => {
    assert.equal(
      decode(
        encodeServerSentEvent({ data: `one${newline}two${newline}three` }),
      ),
      "data: one\ndata: two\ndata: three\n\n",
    );
  });
}

Deno.test("data with mixed line endings keeps empty lines", () => {
  assert.equal(
    decode(encodeServerSentEvent({ data: "a\r\n\rb\n" })),
    "data: a\ndata: \ndata: b\ndata: \n\n",
  );
});

for (const field of ["event", "id", "comment"] as const) {
  for (const newline of ["\n", "\r"]) {
    Deno.test(`a newline in ${field} is refused so data cannot forge fields (${JSON.stringify(newline)})`, () => {
      const message: ServerSentEventMessage = {
        [field]: `x${newline}data: forged`,
      };
      assert.throws(
        () => encodeServerSentEvent(message),
        (error: unknown) => error instanceof SyntaxError && error.message.includes(field),
      );
    });
  }
}

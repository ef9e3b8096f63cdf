import assert from "node:assert/strict";
import { parseSendRequest } from "./send_request.ts";
import { HttpError } from "../http_error.ts";

function body(value: unknown): string {
  return JSON.stringify(value);
}

/** Asserts that parsing fails with `status` and a readable message. */
function assertRejected(raw: string, status: number, pattern?: RegExp): void {
  assert.throws(() => parseSendRequest(raw), (error: unknown) => {
    assert.ok(error instanceof HttpError, `not an HttpError: ${error}`);
    assert.equal(error.status, status);
    assert.match(error.message, /^Cannot send: \S/);
    assert.doesNotMatch(error.message, /\[object|undefined|^\s*[[{]/);
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}

Deno.test("a text message is accepted as is", () => {
  assert.deepEqual(
    parseSendRequest(body({ mime_type: "text/plain", data: " Hi there " })),
    { mimeType: "text/plain", data: " Hi there " },
  );
});

Deno.test("an audio message is accepted with its byte count and base64 unchanged", () => {
  // 4 bytes, no padding; 2 bytes with "=="; 4 bytes with "==" (8 chars).
  assert.deepEqual(
    parseSendRequest(body({ mime_type: "audio/pcm", data: "AAECAw==" })),
    { mimeType: "audio/pcm", data: "AAECAw==", bytes: 4 },
  );
  assert.deepEqual(
    parseSendRequest(body({ mime_type: "audio/pcm", data: "AAE=" })),
    { mimeType: "audio/pcm", data: "AAE=", bytes: 2 },
  );
  assert.deepEqual(
    parseSendRequest(body({ mime_type: "audio/pcm", data: "AAECAwQF" })),
    { mimeType: "audio/pcm", data: "AAECAwQF", bytes: 6 },
  );
});

Deno.test("the byte count of audio matches the decoded length", () => {
  const samples = new Uint8Array(1000).map((_, i) => i % 256);
  const data = btoa(String.fromCharCode(...samples));
  const request = parseSendRequest(body({ mime_type: "audio/pcm", data }));
  assert.equal(request.mimeType, "audio/pcm");
  assert.equal("bytes" in request && request.bytes, 1000);
});

Deno.test("extra fields in the body are ignored", () => {
  assert.deepEqual(
    parseSendRequest(body({ mime_type: "text/plain", data: "Hi", extra: 1 })),
    { mimeType: "text/plain", data: "Hi" },
  );
});

Deno.test("malformed JSON is a 400", () => {
  assertRejected("{not json", 400, /JSON/);
  assertRejected("", 400, /JSON/);
});

for (const value of ["[]", "null", "42", '"text"', "true"]) {
  Deno.test(`a body that is not a JSON object (${value}) is a 400`, () => {
    assertRejected(value, 400, /object/);
  });
}

Deno.test("a missing or non-string mime_type is a 400 naming the field", () => {
  assertRejected(body({ data: "Hi" }), 400, /mime_type/);
  assertRejected(body({ mime_type: 1, data: "Hi" }), 400, /mime_type/);
  assertRejected(body({ mime_type: null, data: "Hi" }), 400, /mime_type/);
});

Deno.test("a missing or non-string data is a 400 naming the field", () => {
  assertRejected(body({ mime_type: "text/plain" }), 400, /data/);
  assertRejected(body({ mime_type: "text/plain", data: 5 }), 400, /data/);
  assertRejected(body({ mime_type: "audio/pcm", data: [1, 2] }), 400, /data/);
});

Deno.test("empty or whitespace-only text is a 400", () => {
  assertRejected(body({ mime_type: "text/plain", data: "" }), 400, /empty/);
  assertRejected(
    body({ mime_type: "text/plain", data: " \n\t " }),
    400,
    /empty/,
  );
});

Deno.test("empty audio is a 400", () => {
  assertRejected(body({ mime_type: "audio/pcm", data: "" }), 400, /empty/);
});

for (
  const [what, data] of [
    ["characters outside the alphabet", "AA*A"],
    ["base64url characters", "AA-_"],
    ["whitespace", "AAEC Aw=="],
    ["a length that is not a multiple of 4", "AAECA"],
    ["missing padding", "AAE"],
    ["padding in the middle", "AA==AAAA"],
    ["too much padding", "A==="],
  ]
) {
  Deno.test(`audio with ${what} is a 400 for invalid base64`, () => {
    assertRejected(body({ mime_type: "audio/pcm", data }), 400, /base64/);
  });
}

Deno.test("audio with an odd byte count is a 400 naming the count", () => {
  // "AAAA" is 3 bytes; "AA==" is 1 byte.
  assertRejected(
    body({ mime_type: "audio/pcm", data: "AAAA" }),
    400,
    /3 bytes/,
  );
  assertRejected(
    body({ mime_type: "audio/pcm", data: "AA==" }),
    400,
    /1 bytes/,
  );
});

Deno.test("another mime_type is a 415 naming the accepted ones", () => {
  for (const mimeType of ["image/png", "audio/wav", "text/html", ""]) {
    assertRejected(
      body({ mime_type: mimeType, data: "AAAA" }),
      415,
      /text\/plain.*audio\/pcm/,
    );
  }
});

Deno.test("the 415 message quotes the refused mime_type", () => {
  assertRejected(
    body({ mime_type: "image/png", data: "AAAA" }),
    415,
    /"image\/png"/,
  );
});

Deno.test("audio is accepted exactly when it is padded base64 (exhaustive over short strings)", () => {
  const strict = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
  const alphabet = ["A", "/", "=", "-", " ", "\t", "é"];
  const strings = [""];
  for (let length = 1; length <= 6; length++) {
    for (const prefix of strings.filter((s) => s.length === length - 1)) {
      for (const c of alphabet) strings.push(prefix + c);
    }
  }
  for (const data of strings.filter((s) => s !== "")) {
    let accepted: boolean;
    try {
      parseSendRequest(body({ mime_type: "audio/pcm", data }));
      accepted = true;
    } catch (error) {
      assert.ok(error instanceof HttpError);
      accepted = !/base64/.test(error.message);
    }
    assert.equal(accepted, strict.test(data), JSON.stringify(data));
  }
});

Deno.test("Opus audio is accepted as framed packets with the seconds they hold", () => {
  // Two 20 ms CELT packets, each after its 2-byte big-endian length.
  const framed = new Uint8Array([0, 2, 0xf8, 1, 0, 1, 0xf8]);
  const request = parseSendRequest(
    body({ mime_type: "audio/opus", data: btoa(String.fromCharCode(...framed)) }),
  );
  assert.equal(request.mimeType, "audio/opus");
  if (request.mimeType !== "audio/opus") return;
  assert.equal(request.seconds, 0.04);
  assert.equal(request.bytes, 7);
  assert.deepEqual(request.packets.map((p) => [...p]), [[0xf8, 1], [0xf8]]);
});

Deno.test("Opus audio with broken framing or base64 is a 400 saying why", () => {
  const b64 = (bytes: number[]) => btoa(String.fromCharCode(...bytes));
  assertRejected(body({ mime_type: "audio/opus", data: b64([0, 5, 0xf8]) }), 400, /cut short/);
  assertRejected(body({ mime_type: "audio/opus", data: b64([0, 0]) }), 400, /0 bytes/);
  assertRejected(body({ mime_type: "audio/opus", data: b64([0, 1, 3]) }), 400, /not a valid Opus/);
  assertRejected(body({ mime_type: "audio/opus", data: "AA=A" }), 400, /base64/);
  assertRejected(body({ mime_type: "audio/opus", data: "" }), 400, /empty/);
});

Deno.test("a JPEG must start with SOI and end with EOI, whatever its length's remainder", () => {
  const jpeg = (size: number, end = [0xff, 0xd9]) => {
    const bytes = new Uint8Array(size);
    bytes.set([0xff, 0xd8, 0xff, 0xe0]);
    bytes.set(end, size - 2);
    return { mime_type: "image/jpeg", data: btoa(String.fromCharCode(...bytes)) };
  };
  for (const size of [6, 7, 8, 64, 65, 66]) {
    const parsed = parseSendRequest(JSON.stringify(jpeg(size)));
    assert.equal(parsed.mimeType, "image/jpeg");
    assert.throws(
      () => parseSendRequest(JSON.stringify(jpeg(size, [0xff, 0xd8]))),
      (error) => error instanceof HttpError && error.status === 415,
      `${size} bytes without EOI`,
    );
  }
  const prefixOnly = { mime_type: "image/jpeg", data: btoa("\xff\xd8\xff<script>") };
  assert.throws(() => parseSendRequest(JSON.stringify(prefixOnly)), /not a JPEG/);
});

import assert from "node:assert/strict";
import fc from "fast-check";
import { rawRequest } from "./raw_http.ts";
import { startHarness } from "./service_harness.ts";

/** The service with limits raised so the fuzzer's requests meet the checks, not the rate limit. */
const fuzzTarget = () =>
  startHarness({ RATE_LIMIT_CLIENT_RPS: "100000", MAX_SESSIONS_PER_CLIENT: "1000" });

const API = /^\/(events|send|interrupt|tools|login)(\/|$)/;
const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map(String.fromCharCode),
});
const segment = fc.oneof(
  printable.map(encodeURIComponent),
  fc.constantFrom(
    "..",
    "%2e%2e",
    "%2E%2e%2f",
    "..%2f..%2fmain.ts",
    "%00",
    "a%00b",
    "%ff%fe",
    "x".repeat(65),
    "ok_id-1",
    "index.html",
    "js/app.js",
  ),
);
const request = fc.record({
  method: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"),
  path: fc.tuple(
    fc.constantFrom(
      "/",
      "/events/",
      "/send/",
      "/interrupt/",
      "/tools/",
      "/static/",
      "/static/js/",
      "/login",
      "/metrics",
    ),
    fc.array(segment, { maxLength: 3 }),
    fc.option(fc.constantFrom("?is_audio=true", "?is_audio=%00", "?last_event_id=-1", "?x=1")),
  ).map(([prefix, parts, query]) => prefix + parts.join("/") + (query ?? "")),
  headers: fc.dictionary(
    fc.constantFrom(
      "Content-Type",
      "X-Session-Token",
      "Last-Event-ID",
      "Origin",
      "Cookie",
      "Authorization",
      "Sec-Fetch-Site",
    ),
    printable,
    { maxKeys: 4 },
  ),
  body: fc.oneof(
    printable,
    fc.json(),
    fc.record({
      mime_type: fc.constantFrom("text/plain", "audio/pcm", "image/png", ""),
      data: fc.oneof(printable, fc.base64String()),
    }).map((b) => JSON.stringify(b)),
  ),
});

Deno.test({
  name: "thousands of random requests: no crash, no 5xx, JSON errors, no agent reached",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using h = fuzzTarget();
    const owner = await h.open("owner");
    const ownerUpstream = await h.fake.connection(0);
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(request, async ({ method, path, headers, body }) => {
        let request: Request;
        try {
          request = new Request(h.baseUrl + path, {
            method,
            headers,
            body: method === "GET" || method === "HEAD" ? undefined : body,
            redirect: "manual",
          });
        } catch {
          return; // the client itself refuses to build it (e.g. a malformed URL)
        }
        // Built, so sent: a failure now (a reset, a dropped connection) is the server's.
        const response = await fetch(request);
        sent++;
        const type = response.headers.get("content-type") ?? "";
        if (type.startsWith("text/event-stream")) {
          await response.body?.cancel();
          return;
        }
        const text = await response.text();
        assert.ok(response.status < 500, `${method} ${path} → ${response.status} ${text}`);
        if (response.status >= 400 && method !== "HEAD" && API.test(path)) {
          assert.match(type, /application\/json/, `${method} ${path}`);
          assert.equal(typeof JSON.parse(text).error, "string");
        }
      }),
      { numRuns: 2000 },
    );
    assert.ok(sent > 1500, `${sent} requests reached the server`);
    for (const connection of h.fake.connections.slice(1)) {
      assert.deepEqual(connection.received, [], "a fuzzed request reached an agent");
    }
    assert.deepEqual(ownerUpstream.received, []);

    const response = await h.send("owner", { mime_type: "text/plain", data: "still works?" }, {
      "X-Session-Token": owner.token,
    });
    assert.equal(response.status, 200);
    await response.body?.cancel();
    assert.equal(await ownerUpstream.nextText(), "still works?");
    ownerUpstream.text("yes");
    assert.equal((await owner.sse.nextJson()).data, "yes");
  },
});

const rawMethod = fc.constantFrom(
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "OPTIONS",
  "PATCH",
  "PROPFIND",
  "M-SEARCH",
  "FOO",
  "get",
  "X".repeat(40),
);
const rawSegment = fc.oneof(
  segment,
  fc.constantFrom(
    " ..",
    "%20..",
    "\t..",
    "%09..",
    "..%20",
    "%C2%A0..",
    "%E2%80%83..",
    "..%5c",
    "..\\",
    "",
    ".env",
    ".git",
    "%2e%2e%2f.env",
    "main.ts",
  ),
);
const rawRequestShape = fc.record({
  method: rawMethod,
  path: fc.tuple(
    fc.constantFrom("/", "/events/", "/send/", "/interrupt/", "/tools/", "/static/", "/metrics"),
    fc.array(rawSegment, { maxLength: 3 }),
  ).map(([prefix, parts]) => prefix + parts.join("/")),
  host: fc.constantFrom(
    "own",
    "localhost",
    "[::1]",
    "attacker.example",
    "",
    "a b",
    "127.0.0.1@attacker.example",
    "x".repeat(300),
    undefined,
  ),
  transferEncoding: fc.constantFrom(undefined, "chunked", "gzip, chunked"),
  body: fc.oneof(printable, fc.constant('{"mime_type":"text/plain","data":"hi"}')),
});

Deno.test({
  name: "random raw-socket requests (methods, paths, Host, codings): no crash, no leak, no 5xx",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using h = fuzzTarget();
    const port = Number(new URL(h.baseUrl).port);
    const owner = await h.open("owner");
    const ownerUpstream = await h.fake.connection(0);
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(rawRequestShape, async (shape) => {
        const host = shape.host === "own" ? `127.0.0.1:${port}` : shape.host;
        const body = new TextEncoder().encode(shape.body);
        const framing = shape.transferEncoding
          ? `Transfer-Encoding: ${shape.transferEncoding}\r\n`
          : `Content-Length: ${body.length}\r\n`;
        const payload = shape.transferEncoding
          ? `${body.length.toString(16)}\r\n${shape.body}\r\n0\r\n\r\n`
          : shape.body;
        const head = `${shape.method} ${shape.path} HTTP/1.1\r\n` +
          (host === undefined ? "" : `Host: ${host}\r\n`) +
          `X-Session-Token: ${owner.token}\r\n${framing}Connection: close\r\n\r\n`;
        const response = await rawRequest(port, head + payload, 5000);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const what = `${JSON.stringify(head)} → ${response.status} ${response.body.slice(0, 200)}`;
        assert.ok(response.status >= 200, what);
        assert.ok(response.status < 500 || response.status === 501, what);
        assert.doesNotMatch(response.body, /startService|GOOGLE_API_KEY|\[core\]/, what);
        if (["attacker.example", "a b", "127.0.0.1@attacker.example"].includes(host ?? "")) {
          assert.ok(response.status === 421 || response.status === 400, `another host: ${what}`);
        }
        const type = response.headers.get("content-type") ?? "";
        // Deno answers what it cannot parse with a bare 400 of its own.
        if (response.status >= 400 && response.body !== "" && !/^HEAD$/i.test(shape.method)) {
          assert.match(type, /application\/json/, what);
          assert.equal(typeof JSON.parse(response.body).error, "string", what);
        }
      }),
      { numRuns: 400 },
    );
    console.log(`raw answers: ${[...statuses].map(([s, n]) => `${s} ×${n}`).join(", ")}`);
    for (const connection of h.fake.connections.slice(1)) {
      assert.deepEqual(connection.received, [], "a fuzzed request reached another agent");
    }
    const metrics = await (await fetch(`${h.baseUrl}/metrics`)).text();
    assert.doesNotMatch(metrics, /method="(FOO|PROPFIND|M-SEARCH|get|XXXX)/);

    const response = await h.send("owner", { mime_type: "text/plain", data: "still works?" }, {
      "X-Session-Token": owner.token,
    });
    assert.equal(response.status, 200);
    await response.body?.cancel();
    const seen = ownerUpstream.received.length;
    ownerUpstream.text("yes");
    assert.equal((await owner.sse.nextJson()).data, "yes");
    assert.ok(seen >= 1);
  },
});

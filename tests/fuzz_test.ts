import assert from "node:assert/strict";
import fc from "fast-check";
import { startHarness } from "./service_harness.ts";

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
    await using h = startHarness({
      RATE_LIMIT_CLIENT_RPS: "100000",
      MAX_SESSIONS_PER_CLIENT: "1000",
    });
    const owner = await h.open("owner");
    const ownerUpstream = await h.fake.connection(0);
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(request, async ({ method, path, headers, body }) => {
        let response: Response;
        try {
          response = await fetch(h.baseUrl + path, {
            method,
            headers,
            body: method === "GET" || method === "HEAD" ? undefined : body,
            redirect: "manual",
          });
        } catch {
          return; // the client itself refused to send it (e.g. a malformed URL)
        }
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

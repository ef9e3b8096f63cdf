import assert from "node:assert/strict";
import fc from "fast-check";
import { toBase64 } from "./fake_live_server.ts";
import { startHarness } from "./service_harness.ts";

/**
 * Headers that differ from one answer to the next (checked apart), and
 * `Connection`, which Deno's server sets to `close` when a refused streamed
 * body was left unread: the transport's, not the app's.
 */
const UNSTABLE = new Set(["date", "x-request-id", "connection"]);
/**
 * The security headers that govern documents: the chain puts them on every
 * answer, the lane only on its refusals (not on its `sent`, see send_fast_lane.ts).
 */
const DOCUMENT_HEADERS = [
  "content-security-policy",
  "cross-origin-opener-policy",
  "origin-agent-cluster",
  "permissions-policy",
  "referrer-policy",
  "x-dns-prefetch-control",
  "x-download-options",
  "x-frame-options",
  "x-permitted-cross-domain-policies",
  "x-xss-protection",
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const body = fc.oneof(
  {
    arbitrary: fc.constant({ mime_type: "audio/pcm", data: toBase64(new Uint8Array(1280)) }),
    weight: 12,
  },
  fc.uint8Array({ minLength: 2, maxLength: 64 }).filter((b) => b.length % 2 === 0)
    .map((b) => ({ mime_type: "audio/pcm", data: toBase64(b) })),
  fc.constant({ mime_type: "audio/pcm", data: toBase64(new Uint8Array(3)) }),
  fc.constant({ mime_type: "audio/pcm", data: "not base64!" }),
  fc.string({ minLength: 1, maxLength: 40 }).map((data) => ({ mime_type: "text/plain", data })),
  fc.constant({ mime_type: "text/plain", data: "   " }),
  fc.constant({ mime_type: "image/jpeg", data: toBase64(new Uint8Array([1, 2, 3, 4])) }),
  fc.constant({ mime_type: "image/png", data: "AAAA" }),
  fc.constant({ mime_type: "audio/pcm", data: "A".repeat(4100) }), // over MAX_BODY_BYTES
  fc.json(),
  fc.string({ maxLength: 20 }),
).map((b) => typeof b === "string" ? b : JSON.stringify(b));

const request = fc.record({
  id: fc.oneof(
    { arbitrary: fc.constant("owned"), weight: 8 },
    fc.constantFrom("stranger", "bad$id"),
  ),
  auth: fc.oneof(
    { arbitrary: fc.constant("token"), weight: 7 },
    fc.constantFrom("cookie", "wrong", "none"),
  ),
  body,
  // Mostly absent, so that about half the requests are the page's own and are sent.
  lastEventId: fc.constantFrom(null, null, null, null, "0", "1", "-1", "x", "99999999999999999"),
  requestId: fc.constantFrom(null, "from-the-proxy-1", "not valid!"),
  origin: fc.constantFrom(null, null, null, null, "own", "https://evil.example"),
  fetchSite: fc.constantFrom(null, null, null, null, "same-origin", "cross-site"),
});

Deno.test({
  name: "the fast lane and the middleware chain answer the same request the same way",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using h = startHarness({
      MAX_BODY_BYTES: "4096",
      RATE_LIMIT_CLIENT_RPS: "100000",
      RATE_LIMIT_SESSION_RPS: "100000",
      AUDIO_SECONDS_PER_MINUTE: "100000",
      IMAGE_FRAMES_PER_SECOND: "100000",
    });
    const owner = await h.open("owned", { isAudio: true });
    await h.fake.connection(0);
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = { "Content-Type": "application/json" };
        if (r.auth === "token") headers["X-Session-Token"] = owner.token;
        if (r.auth === "cookie") headers.Cookie = owner.cookie;
        if (r.auth === "wrong") headers["X-Session-Token"] = "not-the-token";
        if (r.lastEventId !== null) headers["Last-Event-ID"] = r.lastEventId;
        if (r.requestId !== null) headers["X-Request-Id"] = r.requestId;
        if (r.origin !== null) headers.Origin = r.origin === "own" ? h.baseUrl : r.origin;
        if (r.fetchSite !== null) headers["Sec-Fetch-Site"] = r.fetchSite;
        const url = `${h.baseUrl}/send/${encodeURIComponent(r.id)}`;
        const bytes = new TextEncoder().encode(r.body);
        // With a Content-Length the lane takes the request; a streamed body is the chain's.
        const lane = await fetch(url, { method: "POST", headers, body: bytes });
        const chain = await fetch(url, {
          method: "POST",
          headers,
          body: ReadableStream.from([bytes]),
        });
        const [laneText, chainText] = [await lane.text(), await chain.text()];
        const what = `${r.id} ${r.auth} ${r.body.slice(0, 60)}`;
        assert.equal(lane.status, chain.status, `${what}: ${laneText} / ${chainText}`);
        assert.equal(laneText, chainText, what);
        for (const response of [lane, chain]) {
          const requestId = response.headers.get("x-request-id") ?? "";
          if (r.requestId === "from-the-proxy-1") assert.equal(requestId, r.requestId);
          else assert.match(requestId, UUID);
        }
        const laneHeaders = stableHeaders(lane);
        const chainHeaders = stableHeaders(chain);
        if (lane.ok) {
          // Each went its own way: the lane's `sent` leaves out what governs
          // documents, and only that.
          sent++;
          assert.equal(laneHeaders["content-security-policy"], undefined, "the lane answered");
          assert.ok(chainHeaders["content-security-policy"], "the chain answered");
          for (const name of DOCUMENT_HEADERS) delete chainHeaders[name];
          for (const name of DOCUMENT_HEADERS) delete laneHeaders[name];
          chainHeaders["content-length"] = laneHeaders["content-length"];
        }
        assert.deepEqual(laneHeaders, chainHeaders, `${what} → ${lane.status}`);
      }),
      { numRuns: 200 },
    );
    assert.ok(sent > 20, `only ${sent} requests were sent`);
  },
});

function stableHeaders(response: Response): Record<string, string> {
  return Object.fromEntries([...response.headers].filter(([name]) => !UNSTABLE.has(name)));
}

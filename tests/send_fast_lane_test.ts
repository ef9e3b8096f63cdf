import assert from "node:assert/strict";
import { toBase64 } from "./fake_live_server.ts";
import { startHarness } from "./service_harness.ts";

const chunk = () => ({ mime_type: "audio/pcm", data: toBase64(new Uint8Array(1280)) });

Deno.test("an audio chunk's answer carries the API's security headers and a request id, and is counted", async () => {
  await using h = startHarness();
  const { token } = await h.open("lane", { isAudio: true });
  const upstream = await h.fake.connection(0);
  const sent = await h.send("lane", chunk(), { "X-Session-Token": token });
  assert.equal(sent.status, 200);
  assert.deepEqual(await sent.json(), { status: "sent" });
  assert.equal(sent.headers.get("content-type"), "application/json");
  assert.equal(sent.headers.get("x-content-type-options"), "nosniff");
  assert.equal(sent.headers.get("cross-origin-resource-policy"), "same-origin");
  assert.equal(sent.headers.get("cache-control"), "no-store");
  assert.match(sent.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
  // Document headers stay on documents: a JSON answer to fetch() is not one.
  assert.equal(sent.headers.get("content-security-policy"), null);
  const audio = await upstream.nextRealtimeInput();
  assert.equal(audio.realtimeInput.audio.data, chunk().data);

  const traced = await h.send("lane", chunk(), {
    "X-Session-Token": token,
    "X-Request-Id": "from-the-proxy-42",
  });
  assert.equal(traced.headers.get("x-request-id"), "from-the-proxy-42");
  await traced.body?.cancel();
  const metrics = await (await fetch(`${h.baseUrl}/metrics`)).text();
  const line = metrics.split("\n").find((l) =>
    l.startsWith("http_requests_total{") && l.includes('route="/send/:session_id"') &&
    l.includes('status="200"')
  );
  assert.equal(line?.split(" ").at(-1), "2", String(line));
});

Deno.test("the lane's refusals carry every security header, as the chain's do", async () => {
  await using h = startHarness({ RATE_LIMIT_SESSION_RPS: "1" });
  const { token } = await h.open("lane-refusal", { isAudio: true });
  const auth = { "X-Session-Token": token };
  const bad = await h.send("lane-refusal", { mime_type: "audio/pcm", data: "not base64!" }, auth);
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error, /base64/);
  assert.match(bad.headers.get("content-security-policy") ?? "", /frame-ancestors 'none'/);
  assert.equal(bad.headers.get("x-frame-options"), "DENY");
  let limited: Response | undefined;
  for (let i = 0; i < 5 && !limited; i++) {
    const response = await h.send("lane-refusal", chunk(), auth);
    if (response.status === 429) limited = response;
    else await response.body?.cancel();
  }
  assert.ok(limited, "the session limit answered 429");
  assert.ok(Number(limited.headers.get("retry-after")) >= 1);
  assert.ok(limited.headers.get("content-security-policy"));
  assert.match((await limited.json()).error, /Too many requests/);
});

Deno.test("requests the lane leaves to the chain get the chain's answers", async () => {
  await using h = startHarness({ ALLOWED_ORIGINS: "https://app.example" });
  const { token } = await h.open("lane-cors", { isAudio: true });
  const upstream = await h.fake.connection(0);
  // Cross-origin: the chain's CORS middleware answers.
  const cors = await h.send("lane-cors", chunk(), {
    "X-Session-Token": token,
    Origin: "https://app.example",
  });
  assert.equal(cors.status, 200);
  assert.equal(cors.headers.get("access-control-allow-origin"), "https://app.example");
  await cors.body?.cancel();
  const badId = await h.send("lane-cors", chunk(), {
    "X-Session-Token": token,
    Origin: "https://app.example",
    "Last-Event-ID": "-1",
  });
  assert.equal(badId.status, 400);
  assert.match((await badId.json()).error, /Invalid `Last-Event-ID`/);
  // No Content-Length (a streamed body): the chain's body limit counts it.
  const body = new TextEncoder().encode(JSON.stringify(chunk()));
  const streamed = await fetch(`${h.baseUrl}/send/lane-cors`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Session-Token": token },
    body: ReadableStream.from([body]),
  });
  assert.equal(streamed.status, 200);
  assert.ok(streamed.headers.get("content-security-policy"), "answered by the chain");
  await streamed.body?.cancel();
  // A wrong token: the chain's 404 (as for an unknown id), and nothing reaches the agent.
  const stranger = await h.send("lane-cors", chunk(), { "X-Session-Token": "not-the-token" });
  assert.equal(stranger.status, 404);
  await stranger.body?.cancel();
  await upstream.nextRealtimeInput();
  await upstream.nextRealtimeInput();
  assert.equal(upstream.received.filter((m) => "realtimeInput" in m).length, 0);
});

Deno.test("behind a trusted TLS proxy the lane's answers carry HSTS", async () => {
  await using h = startHarness({ TRUST_PROXY: "1" });
  const { token } = await h.open("lane-tls", { isAudio: true });
  const sent = await h.send("lane-tls", chunk(), {
    "X-Session-Token": token,
    "X-Forwarded-Proto": "https",
  });
  assert.ok(sent.ok, `${sent.status}`); // 202 if the agent's connection is not up yet
  assert.match(sent.headers.get("strict-transport-security") ?? "", /max-age=\d+/);
  await sent.body?.cancel();
});

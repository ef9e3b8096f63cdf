import assert from "node:assert/strict";
import { toBase64 } from "./fake_live_server.ts";
import { startHarness } from "./service_harness.ts";

/** The value of one sample line of a Prometheus text exposition, or 0. */
function sample(metrics: string, name: string): number {
  const line = metrics.split("\n").find((l) => l.startsWith(name + " "));
  return line ? Number(line.slice(name.length + 1)) : 0;
}

async function scrape(baseUrl: string, headers: HeadersInit = {}): Promise<string> {
  const response = await fetch(`${baseUrl}/metrics`, { headers });
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  return await response.text();
}

Deno.test("metrics move as a conversation runs: sessions, bytes, audio, tokens, cost, latency", async () => {
  await using h = startHarness({ PRICE_INPUT_PER_MTOK: "2", PRICE_OUTPUT_PER_MTOK: "10" });
  const before = await scrape(h.baseUrl);
  assert.equal(sample(before, 'live_sessions_active{mode="audio"}'), 0);

  const { sse, token } = await h.open("metered", { isAudio: true });
  const upstream = await h.fake.connection(0);
  const speech = { mime_type: "audio/pcm", data: toBase64(new Uint8Array(32_000)) };
  const sent = await h.send("metered", speech, { "X-Session-Token": token });
  assert.equal(sent.status, 200);
  await sent.body?.cancel();
  await upstream.nextRealtimeInput();
  upstream.audio(new Uint8Array(48_000));
  upstream.turnComplete();
  upstream.usage(1000, 500);
  await sse.nextJson("usage");

  const during = await scrape(h.baseUrl);
  assert.equal(sample(during, 'live_sessions_active{mode="audio"}'), 1);
  assert.equal(sample(during, 'live_sessions_started_total{mode="audio"}'), 1);
  assert.equal(sample(during, 'live_upstream_connects_total{kind="new"}'), 1);
  assert.equal(sample(during, 'live_audio_seconds_total{direction="in"}'), 1);
  assert.equal(sample(during, 'live_audio_seconds_total{direction="out"}'), 1);
  assert.equal(sample(during, 'live_tokens_total{direction="in"}'), 1000);
  assert.equal(sample(during, 'live_tokens_total{direction="out"}'), 500);
  assert.equal(sample(during, "live_estimated_cost_usd_total"), 0.007);
  assert.ok(sample(during, "live_post_bytes_total") > 42_000);
  assert.ok(sample(during, "live_sse_bytes_total") > 64_000, "the audio answer went out as SSE");
  assert.equal(sample(during, 'live_first_output_seconds_count{input="audio"}'), 1);
  assert.equal(sample(during, 'live_relay_seconds_count{direction="up"}'), 1);
  assert.match(during, /http_request_duration_seconds_bucket\{.*route="\/send\/:session_id"/);

  upstream.close(1011, "Internal error encountered.");
  await h.fake.connection(1);
  const after = await scrape(h.baseUrl);
  assert.equal(sample(after, 'live_upstream_failures_total{cause="dropped"}'), 1);
  assert.equal(sample(after, 'live_upstream_connects_total{kind="new"}'), 2);
});

Deno.test("a session's end is counted by reason", async () => {
  await using h = startHarness({ SESSION_IDLE_TIMEOUT_MS: "200" });
  const { sse } = await h.open("ends");
  await h.fake.connection(0);
  await sse.ended();
  const metrics = await scrape(h.baseUrl);
  assert.equal(sample(metrics, 'live_sessions_ended_total{reason="idle"}'), 1);
  assert.equal(sample(metrics, 'live_sessions_active{mode="text"}'), 0);
});

Deno.test("METRICS_TOKEN alone opens /metrics, even behind an access token", async () => {
  await using h = startHarness({
    METRICS_TOKEN: "scraper-secret",
    ACCESS_TOKEN: "a-long-shared-secret",
  });
  const denied = await fetch(`${h.baseUrl}/metrics`);
  assert.equal(denied.status, 401);
  assert.match((await denied.json()).error, /METRICS_TOKEN/);
  const wrong = await fetch(`${h.baseUrl}/metrics`, {
    headers: { Authorization: "Bearer a-long-shared-secret" },
  });
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();
  await scrape(h.baseUrl, { Authorization: "Bearer scraper-secret" });
});

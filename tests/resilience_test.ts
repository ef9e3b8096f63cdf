import assert from "node:assert/strict";
import { startHarness } from "./service_harness.ts";
import { SseClient } from "./sse_client.ts";

const text = (data: string) => ({ mime_type: "text/plain", data });
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("every setup enables resumption and sliding-window compression from config", async () => {
  await using h = startHarness({ CONTEXT_TRIGGER_TOKENS: "32000", CONTEXT_TARGET_TOKENS: "16000" });
  await h.open("setup", { isAudio: true });
  const { setup } = await h.fake.connection(0);
  assert.deepEqual(setup.sessionResumption, {});
  assert.deepEqual(setup.contextWindowCompression, {
    triggerTokens: "32000",
    slidingWindow: { targetTokens: "16000" },
  });
});

Deno.test("on goAway the agent resumes with the latest handle and the page notices nothing", async () => {
  await using h = startHarness();
  const { sse, token } = await h.open("goaway");
  const first = await h.fake.connection(0);
  first.sessionResumptionUpdate("handle-1");
  first.sessionResumptionUpdate("handle-not-resumable", false);
  first.text("before ");
  first.goAway("5s");
  const second = await h.fake.connection(1);
  assert.deepEqual(second.setup.sessionResumption, { handle: "handle-1" });
  assert.equal((await first.closed).code, 1005, "the old connection is closed once replaced");

  const response = await h.send("goaway", text("after"), { "X-Session-Token": token });
  assert.equal(response.status, 200);
  await response.body?.cancel();
  assert.equal(await second.nextText(), "after");
  second.text("resumed");
  assert.equal((await sse.nextJson()).data, "before ");
  assert.equal((await sse.nextJson()).data, "resumed");
  assert.equal(first.received.length, 0);
});

Deno.test("an abrupt 1011 close reconnects with the handle; what was posted meanwhile arrives in order", async () => {
  let refuse = false;
  await using h = startHarness({}, {
    admit: () => refuse ? { delayMs: 300 } : undefined,
  });
  const { sse, token } = await h.open("abrupt");
  const first = await h.fake.connection(0);
  first.sessionResumptionUpdate("handle-A");
  await delay(20);
  refuse = true; // the replacement takes a while to set up
  first.close(1011, "Internal error encountered.");
  await delay(20);
  for (const word of ["one", "two", "three"]) {
    const response = await h.send("abrupt", text(word), { "X-Session-Token": token });
    assert.deepEqual(await response.json(), { status: "queued" }, "waiting for the replacement");
  }
  const second = await h.fake.connection(1);
  assert.deepEqual(second.setup.sessionResumption, { handle: "handle-A" });
  const got = [];
  for (let i = 0; i < 3; i++) got.push(await second.nextText());
  assert.deepEqual(got, ["one", "two", "three"]);
  second.text("still here");
  assert.deepEqual(await sse.nextJson(), { mime_type: "text/plain", data: "still here" });
});

Deno.test("a 1008 close is fatal at once: a readable error and no retry storm", async () => {
  await using h = startHarness();
  const { sse, token } = await h.open("policy");
  const first = await h.fake.connection(0);
  first.close(1008, "Quota exceeded for quota metric 'Live sessions'.");
  const error = await sse.nextJson("error");
  assert.equal(error.fatal, true);
  assert.match(error.error, /Quota exceeded/);
  await delay(300);
  assert.equal(h.fake.setups.length, 1);
  const response = await h.send("policy", text("hello?"), { "X-Session-Token": token });
  assert.equal(response.status, 503);
  assert.match((await response.json()).error, /Quota exceeded/);
});

Deno.test("lasting trouble is told once as a non-fatal error, then the conversation goes on", async () => {
  await using h = startHarness({}, {
    admit: (_setup, attempt) =>
      attempt >= 1 && attempt <= 3
        ? { close: { code: 1011, reason: "The service is currently unavailable." } }
        : undefined,
  });
  const { sse, token } = await h.open("flaky");
  const first = await h.fake.connection(0);
  first.close(1011, "Internal error encountered.");
  const warning = await sse.nextJson("error");
  assert.deepEqual(warning, {
    error: "Reconnecting to Gemini: The connection to Gemini ended: The service is currently " +
      "unavailable.",
    fatal: false,
    kind: "reconnecting",
  });
  const response = await h.send("flaky", text("queued"), { "X-Session-Token": token });
  assert.equal(response.status, 202, "accepted, not yet sent");
  assert.deepEqual(await response.json(), { status: "queued" });
  const next = await h.fake.connection(1);
  assert.equal(h.fake.setups.length, 5);
  assert.equal(await next.nextText(), "queued");
  next.text("back");
  assert.equal((await sse.nextJson()).data, "back", "no second warning came before the answer");
});

Deno.test("text posted while Gemini is away is answered 202 queued, and named as lost if it never comes back", async () => {
  let refuse = false;
  await using h = startHarness({ LIVE_CONNECT_TIMEOUT_MS: "300" }, {
    admit: (_setup, attempt) =>
      attempt === 0
        ? undefined
        : refuse
        ? { close: { code: 1008, reason: "API key not valid." } }
        : { delayMs: 60_000 },
  });
  const { sse, token } = await h.open("outage");
  const first = await h.fake.connection(0);
  const sent = await h.send("outage", text("on the line"), { "X-Session-Token": token });
  assert.deepEqual([sent.status, await sent.json()], [200, { status: "sent" }]);
  first.close(1011, "Internal error encountered.");
  await first.closed;
  const queued = await h.send("outage", text("while away"), { "X-Session-Token": token });
  assert.deepEqual([queued.status, await queued.json()], [202, { status: "queued" }]);
  // A body without Content-Length takes the middleware chain instead of the fast lane.
  const streamed = await fetch(`${h.baseUrl}/send/outage`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Session-Token": token },
    body: ReadableStream.from([new TextEncoder().encode(JSON.stringify(text("and this")))]),
  });
  assert.deepEqual([streamed.status, await streamed.json()], [202, { status: "queued" }]);
  refuse = true;
  const error = await sse.nextWhere((e) => e.event === "error", 5000);
  const { error: message, fatal } = JSON.parse(error.data);
  assert.equal(fatal, true);
  assert.match(message, /2 messages you sent were not delivered/);
});

Deno.test("a setup that never completes is given up on and tried again", async () => {
  await using h = startHarness({ LIVE_CONNECT_TIMEOUT_MS: "200" }, {
    admit: (_setup, attempt) => attempt === 0 ? { delayMs: 60_000 } : undefined,
  });
  const { sse } = await h.open("slow");
  const upstream = await h.fake.connection(0);
  assert.equal(h.fake.setups.length, 2);
  upstream.text("hello");
  assert.equal((await sse.nextJson()).data, "hello");
});

Deno.test("a page that reconnects with Last-Event-ID gets exactly what it missed, in order", async () => {
  await using h = startHarness();
  const { sse, token } = await h.open("replay");
  const upstream = await h.fake.connection(0);
  upstream.text("1", "2", "3");
  const seen = [];
  for (let i = 0; i < 3; i++) seen.push(await sse.next());
  assert.deepEqual(seen.map((e) => e.id), ["1", "2", "3"]);
  await sse.close();
  await delay(30);
  upstream.text("4", "5");
  upstream.turnComplete();
  await delay(30);

  const again = await SseClient.open(`${h.baseUrl}/events/replay`, {
    "X-Session-Token": token,
    "Last-Event-ID": "2",
  });
  const session = await again.next();
  assert.equal(session.event, "session");
  assert.equal(session.id, "2");
  const replayed = [];
  for (let i = 0; i < 4; i++) replayed.push(await again.next());
  assert.deepEqual(replayed.map((e) => [e.id, JSON.parse(e.data).data ?? "end"]), [
    ["3", "3"],
    ["4", "4"],
    ["5", "5"],
    ["6", "end"],
  ]);
  await assert.rejects(again.next(150), /no event in time/);
  assert.equal(h.fake.connections.length, 1, "same upstream session");
  await again.close();
});

Deno.test("a page's POSTs say what it received (Last-Event-ID): the rest is replayed, the received let go", async () => {
  await using h = startHarness();
  const { sse, token } = await h.open("acked");
  const upstream = await h.fake.connection(0);
  upstream.text("1", "2", "3");
  for (let i = 0; i < 3; i++) await sse.next();
  const post = async (lastEventId: string) => {
    const response = await h.send("acked", text("hi"), {
      "X-Session-Token": token,
      "Last-Event-ID": lastEventId,
    });
    return { status: response.status, body: await response.json() };
  };
  assert.deepEqual(await post("2"), { status: 200, body: { status: "sent" } });
  assert.deepEqual(
    await post("99"),
    { status: 200, body: { status: "sent" } },
    "not sent yet: ignored",
  );
  assert.deepEqual(await post("two"), {
    status: 400,
    body: { error: "Invalid `Last-Event-ID`: use the id of an event of this session" },
  });
  await sse.close();
  await delay(30);
  upstream.text("4");
  await delay(30);

  const again = await SseClient.open(`${h.baseUrl}/events/acked`, {
    "X-Session-Token": token,
    "Last-Event-ID": "2",
  });
  assert.equal((await again.next()).event, "session");
  assert.deepEqual([(await again.next()).id, (await again.next()).id], ["3", "4"]);
  await again.close();
  await delay(30);
  // The page said it had event 2: a page asking for it again is told it is gone.
  const older = await SseClient.open(`${h.baseUrl}/events/acked`, {
    "X-Session-Token": token,
    "Last-Event-ID": "1",
  });
  assert.equal((await older.next()).event, "session");
  assert.equal((await older.next()).event, "error");
  assert.equal(h.fake.connections.length, 1, "the session went on throughout");
  await older.close();
});

Deno.test("too old a Last-Event-ID gets a clear error and a fresh turn, not silent loss", async () => {
  await using h = startHarness({ REPLAY_EVENTS: "3" });
  const { sse, token } = await h.open("old");
  const upstream = await h.fake.connection(0);
  upstream.text("a");
  assert.equal((await sse.next()).id, "1");
  await sse.close();
  await delay(30);
  upstream.text("b", "c", "d", "e", "f");
  await delay(30);
  const again = await SseClient.open(`${h.baseUrl}/events/old?last_event_id=1`, {
    "X-Session-Token": token,
  });
  assert.equal((await again.next()).event, "session");
  const error = await again.next();
  assert.equal(error.event, "error");
  assert.deepEqual(JSON.parse(error.data), {
    error: "Some of the agent's output was lost while this page was disconnected",
    fatal: false,
  });
  assert.deepEqual(await again.nextJson(), { turn_complete: true, interrupted: false });
  upstream.text("live");
  assert.equal((await again.nextJson()).data, "live");
  await again.close();
});

Deno.test("a page that stops reading is cut off instead of growing memory, and can resume", async () => {
  await using h = startHarness({ STREAM_BUFFER_BYTES: "65536", REPLAY_BYTES: "1048576" });
  // A voice session: the agent's audio is what fills the stalled stream.
  const response = await fetch(`${h.baseUrl}/events/stall?is_audio=true`);
  const token = response.headers.get("set-cookie")!.match(/=([^;]+)/)![1];
  const upstream = await h.fake.connection(0);
  const chunk = new Uint8Array(48_000);
  // Far more than the kernel's socket buffers and the stream's cap together.
  for (let i = 0; i < 400; i++) upstream.audio(chunk);
  await delay(500);
  const reader = response.body!.getReader();
  let failed = false;
  try {
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
  } catch {
    failed = true;
  }
  assert.ok(failed, "the stalled stream was dropped");
  const again = await SseClient.open(`${h.baseUrl}/events/stall?is_audio=true`, {
    "X-Session-Token": token,
  });
  assert.equal((await again.next()).event, "session");
  upstream.text("after the stall");
  const next = await again.nextWhere((e) => e.data.includes("after the stall"), 10_000);
  assert.ok(next);
  await again.close();
});

Deno.test("an idle session ends with a clear event and its upstream closes", async () => {
  await using h = startHarness({ SESSION_IDLE_TIMEOUT_MS: "300" });
  const { sse } = await h.open("idle");
  const upstream = await h.fake.connection(0);
  const error = await sse.nextJson("error", 3000);
  assert.equal(error.fatal, false);
  assert.match(error.error, /ended after 0 s without activity|without activity/);
  await sse.ended();
  await upstream.closed;
});

Deno.test("a session ends at its maximum length even while busy", async () => {
  await using h = startHarness({ SESSION_MAX_DURATION_MS: "400" });
  const { sse, token } = await h.open("max");
  await h.fake.connection(0);
  const timer = setInterval(() => {
    h.send("max", text("busy"), { "X-Session-Token": token })
      .then((r) => r.body?.cancel(), () => {}); // the last may meet the closing server
  }, 50);
  try {
    const error = await sse.nextJson("error", 3000);
    assert.match(error.error, /maximum length/);
    await sse.ended();
  } finally {
    clearInterval(timer);
  }
});

Deno.test("Stop cuts the current reply for the page at once; the next turn flows", async () => {
  await using h = startHarness();
  const { sse, token } = await h.open("stop");
  const upstream = await h.fake.connection(0);
  upstream.text("a long ");
  assert.equal((await sse.nextJson()).data, "a long ");
  const response = await fetch(`${h.baseUrl}/interrupt/stop`, {
    method: "POST",
    headers: { "X-Session-Token": token },
  });
  assert.deepEqual(await response.json(), { status: "interrupted" });
  assert.deepEqual(await sse.nextJson(), { interrupted: true });
  upstream.text("answer that goes on");
  upstream.turnComplete();
  assert.deepEqual(await sse.nextJson(), { turn_complete: true, interrupted: false });
  upstream.text("next turn");
  assert.equal((await sse.nextJson()).data, "next turn");
  const stranger = await fetch(`${h.baseUrl}/interrupt/stop`, { method: "POST" });
  assert.equal(stranger.status, 401);
  await stranger.body?.cancel();
});

Deno.test("a page coming back after a restart gets a new session that says so, ids going on", async () => {
  await using h = startHarness();
  const sse = await SseClient.open(`${h.baseUrl}/events/reborn`, { "Last-Event-ID": "41" });
  const session = await sse.next();
  assert.equal(session.event, "session");
  assert.equal(session.id, "41");
  const notice = await sse.next();
  assert.equal(notice.id, "42");
  assert.match(JSON.parse(notice.data).error, /could not be continued/);
  await sse.close();
});

Deno.test("shutdown tells every page to reconnect, closes upstreams cleanly, and ends in time", async () => {
  await using h = startHarness({ SHUTDOWN_TIMEOUT_MS: "2000" });
  const { sse, token } = await h.open("bye");
  const upstream = await h.fake.connection(0);
  // A POST whose body is still arriving when the shutdown starts.
  let finish!: () => void;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"mime_type":"text/plain",'));
      finish = () => {
        controller.enqueue(new TextEncoder().encode('"data":"last words"}'));
        controller.close();
      };
    },
  });
  const inFlight = fetch(`${h.baseUrl}/send/bye`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Session-Token": token },
    body,
  });
  await delay(50);
  const started = Date.now();
  const shutdown = h.shutdown();
  await delay(50);
  finish();
  await shutdown;
  assert.ok(Date.now() - started < 2000);
  const error = JSON.parse((await sse.nextWhere((e) => e.event === "error")).data);
  assert.deepEqual(error, {
    error: "The server is restarting; this page reconnects in a moment",
    fatal: false,
  });
  await sse.ended();
  const answered = await inFlight;
  assert.equal(answered.status, 503);
  assert.match((await answered.json()).error, /restarting/);
  assert.equal(answered.headers.get("retry-after"), "2");
  assert.equal((await upstream.closed).code, 1005);
});

Deno.test("readiness turns 503 while draining, so a load balancer stops sending sessions", async () => {
  await using h = startHarness({ ACCESS_TOKEN: "a-long-shared-secret" });
  const health = await fetch(`${h.baseUrl}/healthz`);
  assert.deepEqual(await health.json(), { status: "ok" });
  const ready = await fetch(`${h.baseUrl}/readyz`);
  assert.equal(ready.status, 200);
  assert.deepEqual(await ready.json(), { status: "ready", sessions: 0 });
  // A request still arriving keeps the server up while it drains.
  let finish!: () => void;
  const slow = fetch(`${h.baseUrl}/send/none`, {
    method: "POST",
    headers: { Authorization: "Bearer a-long-shared-secret" },
    body: new ReadableStream({
      start(controller) {
        controller.enqueue(new Uint8Array([123]));
        finish = () => controller.close();
      },
    }),
  });
  await delay(50);
  const shutdown = h.shutdown();
  const draining = await fetch(`${h.baseUrl}/readyz`);
  assert.equal(draining.status, 503);
  assert.equal((await draining.json()).status, "draining");
  finish();
  await (await slow).body?.cancel();
  await shutdown;
});

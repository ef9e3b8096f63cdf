import assert from "node:assert/strict";
import type { FunctionResponse, LiveServerMessage } from "@google/genai";
import { AgentError } from "./agent_error.ts";
import type { AgentEvent } from "./agent_event.ts";
import type { Dial, LinkHandlers, LiveLink } from "./live_link.ts";
import { ResilientLiveSession } from "./resilient_live_session.ts";
import { type FunctionTool, functionTool } from "./function_tool.ts";
import { z } from "zod";
import type { RetryPolicy } from "./retry_delay.ts";

/** What one fake connection was given, and whether the session closed it. */
class FakeLink implements LiveLink {
  readonly received: string[] = [];
  closed = false;
  /** Makes sends throw, as a real link does once its socket has closed. */
  broken = false;

  sendText(text: string): void {
    this.#take(`text:${text}`);
  }

  sendAudio(base64Pcm: string): void {
    this.#take(`audio:${base64Pcm}`);
  }

  sendVideo(base64Jpeg: string): void {
    this.#take(`video:${base64Jpeg}`);
  }

  sendToolResponse(functionResponses: FunctionResponse[]): void {
    this.#take(`tool:${JSON.stringify(functionResponses)}`);
  }

  #take(input: string): void {
    if (this.broken) throw new AgentError("The Live connection has closed", { fatal: false });
    this.received.push(input);
  }

  close(): void {
    this.closed = true;
  }
}

/** One call of the fake dial, settled and driven by the test. */
class FakeDialAttempt {
  readonly link = new FakeLink();
  readonly #connecting = Promise.withResolvers<LiveLink>();

  constructor(readonly handle: string | undefined, readonly handlers: LinkHandlers) {}

  get promise(): Promise<LiveLink> {
    return this.#connecting.promise;
  }

  /** Hands the link over, as once `setupComplete` came. */
  async open(): Promise<FakeLink> {
    this.#connecting.resolve(this.link);
    await settle();
    return this.link;
  }

  async fail(error: unknown): Promise<void> {
    this.#connecting.reject(error);
    await settle();
  }

  message(message: object): void {
    this.handlers.onMessage(message as LiveServerMessage);
  }

  closeFromServer(code: number, reason = ""): void {
    this.handlers.onClose(code, reason);
  }
}

/** A {@link Dial} that records each call and leaves it pending for the test. */
class FakeDial {
  readonly attempts: FakeDialAttempt[] = [];

  readonly dial: Dial = (handle, handlers) => {
    const attempt = new FakeDialAttempt(handle, handlers);
    this.attempts.push(attempt);
    return attempt.promise;
  };

  get handles(): Array<string | undefined> {
    return this.attempts.map((attempt) => attempt.handle);
  }

  /** The `index`th dial (0-based), waiting for it to be made. */
  async nth(index: number): Promise<FakeDialAttempt> {
    await waitFor(() => this.attempts.length > index, `dial #${index + 1}`);
    return this.attempts[index];
  }
}

const retry: RetryPolicy = { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 3 };

function start(
  options: { maxQueuedBytes?: number; resumeHandle?: string; onResumable?: (h: string) => void } =
    {},
) {
  const fake = new FakeDial();
  const events: AgentEvent[] = [];
  const session = new ResilientLiveSession({
    dial: fake.dial,
    onEvent: (event) => events.push(event),
    retry,
    maxQueuedBytes: options.maxQueuedBytes ?? 1 << 20,
    random: () => 0.5,
    resumeHandle: options.resumeHandle,
    onResumable: options.onResumable,
  });
  const ofType = <T extends AgentEvent["type"]>(type: T) =>
    events.filter((event): event is Extract<AgentEvent, { type: T }> => event.type === type);
  return { fake, events, session, ofType };
}

/** Lets pending promise callbacks and zero-delay timers run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Longer than any retry delay of {@link retry}. */
function sleep(ms = 40): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 1000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(1);
  }
}

function resumable(handle: string): object {
  return { sessionResumptionUpdate: { resumable: true, newHandle: handle } };
}

const goAway = { goAway: { timeLeft: "10s" } };

function modelText(text: string): object {
  return { serverContent: { modelTurn: { parts: [{ text }] } } };
}

Deno.test("input given before the first connection opens is delivered in order once it opens", async () => {
  const { fake, session } = start();
  const first = await fake.nth(0);
  assert.equal(first.handle, undefined);
  session.sendText("hello");
  session.sendAudio("AAAA");
  session.sendText("world");
  assert.deepEqual(first.link.received, []);
  const link = await first.open();
  assert.deepEqual(link.received, ["text:hello", "audio:AAAA", "text:world"]);
  session.sendText("later");
  assert.deepEqual(link.received, ["text:hello", "audio:AAAA", "text:world", "text:later"]);
  session.close();
});

Deno.test("server messages reach onEvent as agent events", async () => {
  const { fake, events, session } = start();
  const first = await fake.nth(0);
  await first.open();
  first.message({ serverContent: { modelTurn: { parts: [{ text: "Hi" }] }, turnComplete: true } });
  assert.deepEqual(events, [{ type: "text", text: "Hi" }, { type: "turn_complete" }]);
  session.close();
});

Deno.test("a reconnect resumes with the newest resumable handle", async () => {
  const { fake, session } = start();
  const first = await fake.nth(0);
  await first.open();
  first.message(resumable("h1"));
  first.message(resumable("h2"));
  first.message({ sessionResumptionUpdate: { resumable: false, newHandle: "h3" } });
  first.message({ sessionResumptionUpdate: { resumable: true } });
  first.closeFromServer(1011, "Internal error");
  assert.equal((await fake.nth(1)).handle, "h2");
  session.close();
});

Deno.test("goAway dials a successor with the handle while the old connection keeps answering", async () => {
  const { fake, events, session } = start();
  const first = await fake.nth(0);
  await first.open();
  first.message(resumable("h1"));
  first.message(goAway);
  assert.equal(fake.attempts.length, 2, "no successor dialled at goAway");
  assert.equal(fake.attempts[1].handle, "h1");
  first.message(modelText("still here"));
  assert.deepEqual(events, [{ type: "text", text: "still here" }]);
  assert.equal(first.link.closed, false);
  session.close();
});

Deno.test("input given after goAway waits for the successor", async () => {
  const { fake, session } = start();
  const first = await fake.nth(0);
  await first.open();
  session.sendText("before");
  first.message(resumable("h1"));
  first.message(goAway);
  session.sendText("after");
  session.sendAudio("BBBB");
  assert.deepEqual(first.link.received, ["text:before"]);
  const successor = await (await fake.nth(1)).open();
  assert.deepEqual(successor.received, ["text:after", "audio:BBBB"]);
  assert.deepEqual(first.link.received, ["text:before"]);
  session.close();
});

Deno.test("the old connection is closed once its successor opens", async () => {
  const { fake, events, session } = start();
  const first = await fake.nth(0);
  await first.open();
  first.message(resumable("h1"));
  first.message(goAway);
  await settle();
  assert.equal(first.link.closed, false);
  await (await fake.nth(1)).open();
  assert.equal(first.link.closed, true);
  // What the replaced connection still says is no longer the conversation.
  first.message(modelText("stale"));
  first.closeFromServer(1000);
  await sleep();
  assert.deepEqual(events, []);
  assert.equal(fake.attempts.length, 2);
  session.close();
});

Deno.test("the old connection ending while its successor connects causes no extra dial", async () => {
  const { fake, events, session } = start();
  const first = await fake.nth(0);
  await first.open();
  first.message(resumable("h1"));
  first.message(goAway);
  first.closeFromServer(1000, "");
  await sleep();
  assert.equal(fake.attempts.length, 2);
  session.sendText("queued");
  const successor = await fake.attempts[1].open();
  assert.deepEqual(successor.received, ["text:queued"]);
  assert.deepEqual(events, []);
  session.close();
});

Deno.test("a goAway that comes while still connecting leads to a successor", async () => {
  const { fake, session } = start();
  const first = await fake.nth(0);
  session.sendText("question");
  // The SDK passes on messages that came with setupComplete before the dial resolves.
  first.message(resumable("h0"));
  first.message(goAway);
  await first.open();
  const second = await fake.nth(1);
  assert.equal(second.handle, "h0");
  assert.deepEqual(first.link.received, [], "input went to a connection about to go away");
  const successor = await second.open();
  assert.deepEqual(successor.received, ["text:question"]);
  assert.equal(first.link.closed, true);
  session.close();
});

Deno.test("an abrupt non-fatal close redials at once with the handle", async () => {
  const { fake, events, session } = start();
  const first = await fake.nth(0);
  await first.open();
  first.message(resumable("h1"));
  first.closeFromServer(1011, "Internal error");
  await settle();
  assert.equal(fake.attempts.length, 2, "did not redial at once");
  assert.equal(fake.attempts[1].handle, "h1");
  session.sendText("while away");
  const link = await fake.attempts[1].open();
  assert.deepEqual(link.received, ["text:while away"]);
  assert.deepEqual(events, []);
  session.close();
});

Deno.test("input given as the connection breaks is delivered after reconnecting", async () => {
  const { fake, session } = start();
  const first = await fake.nth(0);
  const link = await first.open();
  first.message(resumable("h1"));
  link.broken = true;
  session.sendText("lost?");
  session.sendAudio("CCCC");
  first.closeFromServer(1006, "");
  const successor = await (await fake.nth(1)).open();
  assert.equal(fake.attempts[1].handle, "h1");
  assert.deepEqual(successor.received, ["text:lost?", "audio:CCCC"]);
  session.close();
});

Deno.test("a fatal close ends the session without redialing", async () => {
  const { fake, events, session } = start();
  const first = await fake.nth(0);
  await first.open();
  first.message(resumable("h1"));
  first.closeFromServer(1008, "Policy violation");
  await sleep();
  assert.equal(fake.attempts.length, 1);
  assert.equal(events.length, 1);
  const [closed] = events;
  assert.equal(closed.type, "closed");
  assert.ok(closed.type === "closed" && closed.fatal);
  assert.match(closed.message, /Policy violation/);
  assert.throws(() => session.sendText("anyone?"), (error) => {
    return error instanceof AgentError && error.fatal;
  });
});

Deno.test("a dial refused with a fatal error ends the session", async () => {
  const { fake, events, session } = start();
  session.sendText("hello");
  await (await fake.nth(0)).fail(new AgentError("API key not valid", { fatal: true }));
  await sleep();
  assert.deepEqual(events, [{
    type: "closed",
    message: "API key not valid. 1 message you sent was not delivered",
    fatal: true,
    kind: "misconfigured",
  }]);
  assert.equal(fake.attempts.length, 1);
  assert.throws(() => session.sendText("again"), AgentError);
});

Deno.test("a fatal refusal of a resumed dial drops the handle and dials afresh", async () => {
  const { fake, ofType, session } = start();
  const first = await fake.nth(0);
  await first.open();
  first.message(resumable("expired"));
  first.closeFromServer(1011, "Internal error");
  const resumed = await fake.nth(1);
  assert.equal(resumed.handle, "expired");
  await resumed.fail(new AgentError("Gemini refused the session: invalid handle", { fatal: true }));
  const fresh = await fake.nth(2);
  assert.equal(fresh.handle, undefined);
  assert.deepEqual(ofType("closed"), []);
  await fresh.open();
  session.sendText("still there?");
  assert.deepEqual(fresh.link.received, ["text:still there?"]);
  session.close();
});

Deno.test("a dial that rejects with a plain error is retried", async () => {
  const { fake, ofType, session } = start();
  await (await fake.nth(0)).fail(new TypeError("fetch failed"));
  const second = await fake.nth(1);
  assert.deepEqual(ofType("closed"), []);
  session.sendText("hi");
  await second.open();
  assert.deepEqual(second.link.received, ["text:hi"]);
  session.close();
});

Deno.test("repeated transient failures warn once, from the second attempt", async () => {
  const { fake, ofType, session } = start();
  const first = await fake.nth(0);
  await first.open();
  first.closeFromServer(1011, "Internal error");
  // The first attempt follows the drop at once and may well succeed: no need to worry anyone.
  await fake.nth(1);
  assert.deepEqual(ofType("warning"), [], "warned before the first attempt failed");
  const unreachable = new AgentError("Cannot reach Gemini: timeout", { fatal: false });
  await fake.attempts[1].fail(unreachable);
  assert.equal(ofType("warning").length, 1, "no warning once a second attempt is needed");
  assert.match(ofType("warning")[0].message, /Reconnecting.*Cannot reach Gemini: timeout/);
  await (await fake.nth(2)).fail(unreachable);
  await fake.nth(3);
  assert.equal(ofType("warning").length, 1);
  session.close();
});

Deno.test("after maxAttempts failed reconnects the session ends, non-fatal, naming the attempts", async () => {
  const { fake, ofType, session } = start();
  const first = await fake.nth(0);
  await first.open();
  first.closeFromServer(1011, "Internal error");
  const unreachable = new AgentError("Cannot reach Gemini: timeout", { fatal: false });
  for (let attempt = 1; attempt <= retry.maxAttempts; attempt++) {
    assert.deepEqual(ofType("closed"), [], `gave up before attempt ${attempt}`);
    await (await fake.nth(attempt)).fail(unreachable);
  }
  await sleep();
  assert.equal(fake.attempts.length, 1 + retry.maxAttempts, "redials after the drop");
  const closed = ofType("closed");
  assert.equal(closed.length, 1);
  assert.equal(closed[0].fatal, false);
  assert.match(closed[0].message, /3 retries/);
  assert.match(closed[0].message, /Cannot reach Gemini: timeout/);
  assert.equal(closed[0].kind, "unreachable");
  assert.throws(() => session.sendText("hello?"), AgentError);
});

Deno.test("a dial's low-level detail travels apart from its sentence, in the warning and the end", async () => {
  const { fake, ofType, session } = start();
  const first = await fake.nth(0);
  await first.open();
  first.closeFromServer(1011, "Internal error");
  const unreachable = new AgentError("Cannot reach Gemini: check the network or proxy", {
    fatal: false,
    detail: "getaddrinfo ENOTFOUND generativelanguage.googleapis.com",
  });
  for (let attempt = 1; attempt <= retry.maxAttempts; attempt++) {
    await (await fake.nth(attempt)).fail(unreachable);
  }
  await sleep();
  const [warning] = ofType("warning");
  assert.equal(
    warning.message,
    "Reconnecting to Gemini: Cannot reach Gemini: check the network or proxy",
  );
  assert.equal(warning.kind, "reconnecting");
  assert.equal(warning.detail, unreachable.detail);
  const [closed] = ofType("closed");
  assert.equal(
    closed.message,
    "Cannot reach Gemini: check the network or proxy (gave up after 3 retries)",
  );
  assert.equal(closed.detail, unreachable.detail);
  session.close();
});

Deno.test("input queued while Gemini is away is answered `queued`, and named as lost when retries give up", async () => {
  const { fake, ofType, session } = start();
  const first = await fake.nth(0);
  await first.open();
  assert.equal(session.sendText("on the line"), "sent");
  first.closeFromServer(1011, "Internal error");
  assert.equal(session.sendText("first"), "queued");
  assert.equal(session.sendText("second"), "queued");
  assert.equal(session.sendAudio("AAAA"), "queued");
  const unreachable = new AgentError("Cannot reach Gemini: timeout", { fatal: false });
  for (let attempt = 1; attempt <= retry.maxAttempts; attempt++) {
    await (await fake.nth(attempt)).fail(unreachable);
  }
  await sleep();
  const [closed] = ofType("closed");
  assert.match(closed.message, /3 retries/);
  assert.match(closed.message, /2 messages you sent were not delivered, nor was the audio/);
});

Deno.test("retries after a failed attempt back off, longer each time", async () => {
  const { fake, session } = start();
  const first = await fake.nth(0);
  await first.open();
  first.closeFromServer(1011, "Internal error");
  const unreachable = new AgentError("Cannot reach Gemini", { fatal: false });
  // With this jitter attempt 2 waits 5 ms × 0.75 ≈ 4 ms and attempt 3 waits 10 ms × 0.75 ≈ 8 ms.
  let failedAt = performance.now();
  await (await fake.nth(1)).fail(unreachable);
  assert.equal(fake.attempts.length, 2, "the second attempt did not wait");
  await fake.nth(2);
  assert.ok(performance.now() - failedAt >= 3, "the second attempt came too soon");
  failedAt = performance.now();
  await fake.attempts[2].fail(unreachable);
  await fake.nth(3);
  assert.ok(performance.now() - failedAt >= 7, "the third attempt came too soon");
  session.close();
});

Deno.test("a successful reconnect restores the full retry budget", async () => {
  const { fake, ofType, session } = start();
  const first = await fake.nth(0);
  await first.open();
  const unreachable = new AgentError("Cannot reach Gemini", { fatal: false });
  first.closeFromServer(1011, "Internal error");
  await (await fake.nth(1)).fail(unreachable);
  await (await fake.nth(2)).fail(unreachable);
  const back = await fake.nth(3);
  await back.open();
  back.closeFromServer(1011, "Internal error");
  await settle();
  assert.equal(fake.attempts.length, 5, "the first retry after a recovery was not immediate");
  for (let index = 4; index < 4 + retry.maxAttempts - 1; index++) {
    await (await fake.nth(index)).fail(unreachable);
  }
  assert.deepEqual(ofType("closed"), [], "gave up without a full budget");
  assert.equal(ofType("warning").length, 2, "one warning per outage");
  session.close();
});

Deno.test("reconnecting without a handle after earlier input warns the conversation is forgotten", async () => {
  const { fake, ofType, session } = start();
  const first = await fake.nth(0);
  await first.open();
  session.sendText("remember 42");
  first.closeFromServer(1011, "Internal error");
  const second = await fake.nth(1);
  assert.equal(second.handle, undefined);
  await second.open();
  const warnings = ofType("warning");
  assert.equal(warnings.length, 1);
  assert.match(warnings[0].message, /no longer remembers/);
  session.close();
});

Deno.test("reconnecting with a handle does not warn", async () => {
  const { fake, events, session } = start();
  const first = await fake.nth(0);
  await first.open();
  session.sendText("remember 42");
  first.message(resumable("h1"));
  first.closeFromServer(1011, "Internal error");
  await (await fake.nth(1)).open();
  assert.deepEqual(events, []);
  session.close();
});

Deno.test("reconnecting before anything was said does not warn", async () => {
  const { fake, events, session } = start();
  const first = await fake.nth(0);
  await first.open();
  first.closeFromServer(1011, "Internal error");
  await (await fake.nth(1)).open();
  assert.deepEqual(events, []);
  session.close();
});

Deno.test("input queued while reconnecting is bounded", async () => {
  const { fake, session } = start({ maxQueuedBytes: 10 });
  session.sendText("12345");
  session.sendAudio("67890");
  assert.throws(() => session.sendText("x"), (error) => {
    return error instanceof AgentError && !error.fatal;
  });
  const link = await (await fake.nth(0)).open();
  assert.deepEqual(link.received, ["text:12345", "audio:67890"]);
  // The bound is on what waits, not on what an open connection takes.
  session.sendText("y".repeat(100));
  assert.equal(link.received.length, 3);
  session.close();
});

Deno.test("room in the queue comes back once it is delivered", async () => {
  const { fake, session } = start({ maxQueuedBytes: 10 });
  session.sendText("1234567890");
  const first = await fake.nth(0);
  await first.open();
  first.closeFromServer(1011, "Internal error");
  session.sendText("abcdefghij");
  const link = await (await fake.nth(1)).open();
  assert.deepEqual(link.received, ["text:abcdefghij"]);
  session.close();
});

Deno.test("sending after the session ended throws", async () => {
  const { fake, session } = start();
  await (await fake.nth(0)).open();
  session.close();
  assert.throws(() => session.sendText("hello"), AgentError);
  assert.throws(() => session.sendAudio("AAAA"), AgentError);
});

Deno.test("close() closes the connections and reports nothing", async () => {
  const { fake, events, session } = start();
  const first = await fake.nth(0);
  await first.open();
  first.message(resumable("h1"));
  first.message(goAway);
  const successor = await (await fake.nth(1)).open();
  assert.equal(successor.closed, false);
  session.close();
  assert.equal(successor.closed, true);
  assert.equal(first.link.closed, true);
  fake.attempts[1].message(modelText("too late"));
  fake.attempts[1].closeFromServer(1011, "Internal error");
  await sleep();
  assert.deepEqual(events, []);
  assert.equal(fake.attempts.length, 2);
});

Deno.test("close() closes a connection that is draining after goAway", async () => {
  const { fake, events, session } = start();
  const first = await fake.nth(0);
  await first.open();
  first.message(goAway);
  await fake.nth(1);
  session.close();
  assert.equal(first.link.closed, true);
  assert.deepEqual(events, []);
});

Deno.test("a dial that completes after close() has its connection closed", async () => {
  const { fake, events, session } = start();
  const first = await fake.nth(0);
  session.sendText("never sent");
  session.close();
  const link = await first.open();
  assert.equal(link.closed, true);
  assert.deepEqual(link.received, []);
  assert.deepEqual(events, []);
});

Deno.test("close() while waiting to retry stops the retries", async () => {
  const { fake, events, session } = start();
  const first = await fake.nth(0);
  await first.open();
  first.closeFromServer(1011, "Internal error");
  await (await fake.nth(1)).fail(new AgentError("Cannot reach Gemini", { fatal: false }));
  session.close();
  await sleep();
  assert.equal(fake.attempts.length, 2);
  assert.deepEqual(events.filter((event) => event.type === "closed"), []);
});

Deno.test({
  name: "close() while waiting to retry leaves no timer holding the process open",
  // The ops sanitizer fails the test if a retry timer is still pending at its end.
  sanitizeOps: true,
  fn: async () => {
    const { fake, session } = start();
    const first = await fake.nth(0);
    await first.open();
    first.closeFromServer(1011, "Internal error");
    await (await fake.nth(1)).fail(new AgentError("Cannot reach Gemini", { fatal: false }));
    session.close();
  },
});

Deno.test({
  name: "a transcript cut off by a dropped connection does not run into the next one",
  fn: async () => {
    const { fake, ofType, session } = start();
    const first = await fake.nth(0);
    await first.open();
    first.message(resumable("h1"));
    first.message({ serverContent: { inputTranscription: { text: "Hello wor" } } });
    first.closeFromServer(1011, "Internal error");
    const second = await fake.nth(1);
    await second.open();
    second.message({ serverContent: { inputTranscription: { text: "What time" } } });
    const transcripts = ofType("transcript");
    assert.equal(transcripts.at(-1)?.text, "What time");
    session.close();
  },
});

Deno.test("camera frames queue with the rest while reconnecting and keep their place", async () => {
  const { fake, session } = start();
  session.sendText("look");
  session.sendVideo("/9j/frame1");
  session.sendAudio("AAAA");
  const first = await fake.nth(0);
  await first.open();
  assert.deepEqual(first.link.received, ["text:look", "video:/9j/frame1", "audio:AAAA"]);
  session.close();
});

function startWithTools(tools: FunctionTool[]) {
  const fake = new FakeDial();
  const events: AgentEvent[] = [];
  const session = new ResilientLiveSession({
    dial: fake.dial,
    onEvent: (event) => events.push(event),
    retry,
    maxQueuedBytes: 1 << 20,
    random: () => 0.5,
    tools: { tools },
  });
  return { fake, events, session };
}

const echo = functionTool({
  name: "echo",
  description: "Says it back.",
  parameters: z.object({ text: z.string() }),
  handler: ({ text }) => text,
});

function toolCall(...calls: Array<{ id: string; name: string; args: object }>): object {
  return { toolCall: { functionCalls: calls } };
}

Deno.test("a toolCall runs the agent's function and answers on the same connection", async () => {
  const { fake, events, session } = startWithTools([echo]);
  const first = await fake.nth(0);
  const link = await first.open();
  first.message(toolCall({ id: "c1", name: "echo", args: { text: "hi" } }));
  await waitFor(() => link.received.length > 0, "the tool response");
  assert.deepEqual(link.received, [
    `tool:${JSON.stringify([{ id: "c1", name: "echo", response: { output: "hi" } }])}`,
  ]);
  assert.deepEqual(
    events.map((event) => event.type === "tool" && event.status),
    ["running", "done"],
  );
  session.close();
});

Deno.test("a tool result whose connection dropped goes to the successor", async () => {
  const { tool, release } = (() => {
    let release!: (value: string) => void;
    const tool = functionTool({
      name: "later",
      description: "Answers later.",
      parameters: z.object({}),
      handler: () => new Promise<string>((resolve) => release = resolve),
    });
    return { tool, release: (value: string) => release(value) };
  })();
  const { fake, session } = startWithTools([tool]);
  const first = await fake.nth(0);
  await first.open();
  first.message(resumable("h1"));
  first.message(toolCall({ id: "c1", name: "later", args: {} }));
  first.closeFromServer(1011, "Internal error");
  release("done");
  const second = await fake.nth(1);
  const link = await second.open();
  assert.deepEqual(link.received, [
    `tool:${JSON.stringify([{ id: "c1", name: "later", response: { output: "done" } }])}`,
  ]);
  session.close();
});

Deno.test("confirmTool answers a call awaiting confirmation; closing drops it", async () => {
  const guarded = functionTool({ ...echo, requiresConfirmation: true });
  const { fake, events, session } = startWithTools([guarded]);
  const first = await fake.nth(0);
  const link = await first.open();
  first.message(toolCall({ id: "c1", name: "echo", args: { text: "x" } }));
  assert.equal(session.confirmTool("nope", true), false);
  assert.equal(session.confirmTool("c1", false), true);
  await waitFor(() => link.received.length > 0, "the refusal");
  assert.match(link.received[0], /The user declined to run `echo`/);
  first.message(toolCall({ id: "c2", name: "echo", args: { text: "y" } }));
  session.close();
  assert.equal(session.confirmTool("c2", true), false);
  assert.equal(events.filter((event) => event.type === "tool").length, 3);
});

Deno.test("a session given a stored handle continues that conversation and reports newer handles", async () => {
  const reported: string[] = [];
  const { fake, events, session } = start({
    resumeHandle: "stored-7",
    onResumable: (handle) => reported.push(handle),
  });
  const first = await fake.nth(0);
  assert.equal(first.handle, "stored-7");
  await first.open();
  first.message({ sessionResumptionUpdate: { newHandle: "h-8", resumable: true } });
  first.message({ sessionResumptionUpdate: { newHandle: "h-8", resumable: true } });
  first.message({ sessionResumptionUpdate: { newHandle: "h-9", resumable: false } });
  assert.deepEqual(reported, ["h-8"]);
  assert.deepEqual(events, []);
  session.close();
});

Deno.test("a stored handle the service no longer knows starts afresh with a warning", async () => {
  const { fake, ofType, session } = start({ resumeHandle: "expired" });
  await (await fake.nth(0)).fail(new AgentError("handle unknown", { fatal: true }));
  const second = await fake.nth(1);
  assert.equal(second.handle, undefined);
  await second.open();
  assert.match(ofType("warning")[0].message, /no longer remembers/);
  session.close();
});

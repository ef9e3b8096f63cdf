import assert from "node:assert/strict";
import { type Context, Hono } from "hono";
import { InFlightRequests } from "./in_flight_requests.ts";

/** An app whose `/wait` handler runs until the test lets it finish. */
function appWithGate(inFlight: InFlightRequests) {
  const gates: Array<PromiseWithResolvers<void>> = [];
  const app = new Hono().use(inFlight.middleware);
  app.get("/wait", async (c) => {
    const gate = Promise.withResolvers<void>();
    gates.push(gate);
    await gate.promise;
    return c.text("done");
  });
  app.get("/fail", () => {
    throw new Error("handler failed");
  });
  app.onError((_error, c) => c.text("failed", 500));
  return { app, gates };
}

/** Lets pending promise callbacks run. */
function tick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

Deno.test("a request is counted while its handler runs and not after", async () => {
  const inFlight = new InFlightRequests();
  const { app, gates } = appWithGate(inFlight);
  assert.equal(inFlight.count, 0);
  const response = app.request("/wait");
  await tick();
  assert.equal(inFlight.count, 1);
  gates[0].resolve();
  assert.equal(await (await response).text(), "done");
  assert.equal(inFlight.count, 0);
});

Deno.test("concurrent requests are each counted", async () => {
  const inFlight = new InFlightRequests();
  const { app, gates } = appWithGate(inFlight);
  const responses = [app.request("/wait"), app.request("/wait"), app.request("/wait")];
  await tick();
  assert.equal(inFlight.count, 3);
  gates[1].resolve();
  await responses[1];
  assert.equal(inFlight.count, 2);
  gates[0].resolve();
  gates[2].resolve();
  await Promise.all(responses);
  assert.equal(inFlight.count, 0);
});

Deno.test("a request whose handler throws is no longer counted", async () => {
  const inFlight = new InFlightRequests();
  const { app } = appWithGate(inFlight);
  const response = await app.request("/fail");
  assert.equal(response.status, 500);
  assert.equal(inFlight.count, 0);
});

Deno.test("the middleware stops counting a request when the next handler rejects", async () => {
  const inFlight = new InFlightRequests();
  const failure = new Error("downstream failed");
  await assert.rejects(
    inFlight.middleware({} as Context, () => Promise.reject(failure)),
    failure,
  );
  assert.equal(inFlight.count, 0);
});

Deno.test("settled() resolves true at once when no request is in flight", async () => {
  const inFlight = new InFlightRequests();
  // A zero timeout would lose a race against any deferral.
  assert.equal(await inFlight.settled(0), true);
});

Deno.test("settled() resolves true when the last request finishes", async () => {
  const inFlight = new InFlightRequests();
  const { app, gates } = appWithGate(inFlight);
  const responses = [app.request("/wait"), app.request("/wait")];
  await tick();
  let settled: boolean | undefined;
  const waiting = inFlight.settled(10_000).then((value) => (settled = value));
  gates[0].resolve();
  await responses[0];
  await tick();
  assert.equal(settled, undefined, "settled before the last request finished");
  gates[1].resolve();
  await responses[1];
  await waiting;
  assert.equal(settled, true);
});

Deno.test("settled() resolves false when requests outlast the timeout", async () => {
  const inFlight = new InFlightRequests();
  const { app, gates } = appWithGate(inFlight);
  const response = app.request("/wait");
  await tick();
  const started = performance.now();
  assert.equal(await inFlight.settled(20), false);
  assert.ok(performance.now() - started >= 15, "settled() gave up too early");
  assert.equal(inFlight.count, 1);
  gates[0].resolve();
  await response;
});

Deno.test("every caller of settled() is told when the last request finishes", async () => {
  const inFlight = new InFlightRequests();
  const { app, gates } = appWithGate(inFlight);
  const response = app.request("/wait");
  await tick();
  const waiting = [inFlight.settled(10_000), inFlight.settled(10_000)];
  gates[0].resolve();
  await response;
  assert.deepEqual(await Promise.all(waiting), [true, true]);
});

Deno.test("track() counts work done outside the chain until it settles, failed or not", async () => {
  const inFlight = new InFlightRequests();
  const gate = Promise.withResolvers<void>();
  const done = inFlight.track(() => gate.promise.then(() => "answered"));
  assert.equal(inFlight.count, 1);
  const settled = inFlight.settled(1000);
  gate.resolve();
  assert.equal(await done, "answered");
  assert.equal(await settled, true);
  await assert.rejects(inFlight.track(() => Promise.reject(new Error("refused"))), /refused/);
  assert.equal(inFlight.count, 0);
});

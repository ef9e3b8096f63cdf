import assert from "node:assert/strict";
import { Hono } from "hono";
import { errorResponse } from "./error_response.ts";
import { hostGuard, type HostOptions } from "./host_guard.ts";
import { createLogger } from "../observability/logger.ts";

const LOOPBACK = ["127.0.0.1", "localhost", "[::1]"];

function app(options: HostOptions): Hono {
  const logger = createLogger("error");
  return new Hono()
    .onError((error, c) => errorResponse(error, c, logger))
    .use(hostGuard(options))
    .all("*", (c) => c.json({ status: "reached" }));
}

Deno.test("a request naming another host answers JSON 421 and reaches no route", async () => {
  const guarded = app({ allowedHosts: LOOPBACK, trustProxy: false });
  const refused = await guarded.request("http://attacker.example:8000/events/x");
  assert.equal(refused.status, 421);
  assert.match((await refused.json()).error, /attacker\.example:8000/);
  const spoofed = await guarded.request("http://127.0.0.1:8000/x", {
    headers: { Host: "attacker.example" },
  });
  assert.equal(spoofed.status, 421);
  await spoofed.body?.cancel();
  const own = await guarded.request("http://127.0.0.1:8000/x", { headers: { Host: "127.0.0.1" } });
  assert.deepEqual(await own.json(), { status: "reached" });
  const probe = await guarded.request("http://10.0.0.7:8000/healthz");
  assert.equal(probe.status, 200, "health probes by any address");
  await probe.body?.cancel();
  const open = app({ allowedHosts: undefined, trustProxy: false });
  assert.equal((await open.request("http://attacker.example/x")).status, 200);
});

Deno.test("behind a trusted proxy, X-Forwarded-Host is the name checked", async () => {
  const proxied = app({ allowedHosts: ["agent.example.com"], trustProxy: true });
  const ok = await proxied.request("http://upstream:8000/x", {
    headers: { "X-Forwarded-Host": "agent.example.com" },
  });
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
  const rebound = await proxied.request("http://upstream:8000/x", {
    headers: { "X-Forwarded-Host": "attacker.example" },
  });
  assert.equal(rebound.status, 421);
  await rebound.body?.cancel();
  const direct = app({ allowedHosts: ["agent.example.com"], trustProxy: false });
  const ignored = await direct.request("http://attacker.example/x", {
    headers: { "X-Forwarded-Host": "agent.example.com" },
  });
  assert.equal(ignored.status, 421, "X-Forwarded-Host counts only from a trusted proxy");
  await ignored.body?.cancel();
});

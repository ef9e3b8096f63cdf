import assert from "node:assert/strict";
import { Hono } from "hono";
import { errorResponse } from "./error_response.ts";
import { createLogger } from "../observability/logger.ts";
import { methodGuard } from "./method_guard.ts";

function app(): { app: Hono; opened: string[] } {
  const logger = createLogger("error");
  const opened: string[] = [];
  const app = new Hono().onError((error, c) => errorResponse(error, c, logger));
  app.use(methodGuard(() => app.routes, { noHead: ["/events/:id"] }));
  app.get("/events/:id", (c) => {
    opened.push(c.req.param("id"));
    return c.text("stream");
  });
  app.post("/send/:id", (c) => c.json({ status: "sent" }));
  app.get("/static/*", (c) => c.text("asset"));
  return { app, opened };
}

Deno.test("HEAD on a route whose GET has effects answers 405 and runs nothing", async () => {
  const { app: guarded, opened } = app();
  const head = await guarded.request("/events/abc", { method: "HEAD" });
  assert.equal(head.status, 405);
  assert.equal(head.headers.get("allow"), "GET");
  assert.deepEqual(opened, []);
  assert.equal((await guarded.request("/static/a.js", { method: "HEAD" })).status, 200);
  assert.equal((await guarded.request("/events/abc")).status, 200);
  assert.deepEqual(opened, ["abc"]);
});

Deno.test("other methods on known paths get 405 with Allow; unknown paths are left to 404", async () => {
  const { app: guarded } = app();
  for (const method of ["PUT", "DELETE", "PATCH", "GET", "FOO"]) {
    const response = await guarded.request("/send/abc", { method });
    assert.equal(response.status, 405, method);
    assert.equal(response.headers.get("allow"), "POST");
    assert.match((await response.json()).error, /takes POST/);
  }
  const put = await guarded.request("/static/a.js", { method: "PUT" });
  assert.equal(put.headers.get("allow"), "GET, HEAD");
  await put.body?.cancel();
  assert.equal((await guarded.request("/nowhere", { method: "PUT" })).status, 404);
});

import assert from "node:assert/strict";
import { Hono } from "hono";
import { bodyCodingGuard } from "./body_coding_guard.ts";
import { errorResponse } from "./error_response.ts";
import { createLogger } from "../observability/logger.ts";

const logger = createLogger("error");
const app = new Hono()
  .onError((error, c) => errorResponse(error, c, logger))
  .use(bodyCodingGuard())
  .post("/send", async (c) => c.json({ body: await c.req.text() }));

Deno.test("a body in a transfer or content coding the service does not undo is refused", async () => {
  const cases: [Record<string, string>, number][] = [
    [{ "Transfer-Encoding": "gzip, chunked" }, 501],
    [{ "Transfer-Encoding": "deflate,chunked" }, 501],
    [{ "Content-Encoding": "gzip" }, 415],
    [{ "Content-Encoding": "br" }, 415],
  ];
  for (const [headers, status] of cases) {
    const response = await app.request("/send", { method: "POST", headers, body: "x" });
    assert.equal(response.status, status, JSON.stringify(headers));
    assert.match((await response.json()).error, /is not supported; send it unencoded/);
  }
});

Deno.test("plain chunked and identity bodies pass", async () => {
  const cases: Record<string, string>[] = [
    { "Transfer-Encoding": "chunked" },
    { "Content-Encoding": "identity" },
    {},
  ];
  for (const headers of cases) {
    const response = await app.request("/send", { method: "POST", headers, body: "x" });
    assert.deepEqual(await response.json(), { body: "x" });
  }
});

import assert from "node:assert/strict";
import { Hono } from "hono";
import { HttpError } from "../http_error.ts";
import { bearerTokenGuard } from "./bearer_token_guard.ts";

const app = new Hono()
  .onError((error, c) => {
    const { status, headers = {} } = error as HttpError;
    return c.json({ error: error.message }, { status, headers });
  })
  .get("/metrics", bearerTokenGuard("scraper-secret", "Metrics need a token"), (c) => c.text("ok"));

Deno.test("only the right bearer token opens the route; the refusals say why in WWW-Authenticate", async () => {
  const answers = await Promise.all(
    [undefined, "Basic abc", "Bearer a b", "Bearer wrong", "bearer scraper-secret"].map((auth) =>
      app.request("/metrics", { headers: auth ? { Authorization: auth } : {} })
    ),
  );
  assert.deepEqual(answers.map((r) => [r.status, r.headers.get("www-authenticate")]), [
    [401, 'Bearer realm=""'],
    [400, 'Bearer error="invalid_request"'],
    [400, 'Bearer error="invalid_request"'],
    [401, 'Bearer error="invalid_token"'],
    [200, null],
  ]);
  assert.deepEqual(await answers[0].json(), { error: "Metrics need a token" });
});

import assert from "node:assert/strict";
import { Hono } from "hono";
import { accessControl } from "./access_control.ts";
import { HttpError } from "../http_error.ts";

const TOKEN = "a-long-shared-secret";
/** The cookie earlier versions set for {@link TOKEN}: logins must survive an upgrade. */
const COOKIE = "access=3XqFwGhjfTuUBBxlNCNHGVRkj87z9KVWP1yzaa0ONvo";

function app() {
  const access = accessControl({ accessToken: TOKEN, isHttps: () => false });
  const app = new Hono()
    .onError((error, c) => c.json({ error: error.message }, (error as HttpError).status as 401))
    .post("/login", access.login)
    .use(access.middleware)
    .get("/api", async (c) => c.json({ granted: await access.check(c).then(() => true) }));
  return app;
}

Deno.test("the login cookie is the HMAC of the token, the same value as before", async () => {
  const response = await app().request("/login", {
    method: "POST",
    body: JSON.stringify({ token: TOKEN }),
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get("set-cookie") ?? "", new RegExp(`^${COOKIE};`));
});

Deno.test("a cookie presented at once after start is let through, not refused", async () => {
  // The first request comes before the cookie's value is derived.
  const response = await app().request("/api", { headers: { Cookie: COOKIE } });
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { granted: true });
  const wrong = await app().request("/api", { headers: { Cookie: "access=forged" } });
  assert.equal(wrong.status, 401);
});

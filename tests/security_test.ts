import assert from "node:assert/strict";
import { startService } from "../main.ts";
import { toBase64 } from "./fake_live_server.ts";
import { startHarness } from "./service_harness.ts";
import { rawRequest } from "./raw_http.ts";
import { SseClient } from "./sse_client.ts";

const text = (data: string) => ({ mime_type: "text/plain", data });
const audioSeconds = (seconds: number) => ({
  mime_type: "audio/pcm",
  data: toBase64(new Uint8Array(Math.round(seconds * 32_000))),
});

Deno.test("a public HOST without access control refuses to start, naming the fixes", () => {
  assert.throws(
    () => startService({ HOST: "0.0.0.0", PORT: "0", LOG_LEVEL: "error" }),
    /ACCESS_TOKEN.*TRUSTED_USER_HEADER.*ALLOW_PUBLIC=1/,
  );
  assert.throws(
    () => startService({ HOST: "0.0.0.0", ACCESS_TOKEN: "short", LOG_LEVEL: "error" }),
    /at least 16 characters/,
  );
});

Deno.test("a public HOST starts with ACCESS_TOKEN or with ALLOW_PUBLIC=1, and serves as set", async () => {
  const cases = [
    { env: { ACCESS_TOKEN: "a-long-shared-secret" }, page: 302 },
    { env: { ALLOW_PUBLIC: "1" }, page: 200 },
  ];
  for (const { env, page } of cases) {
    const service = startService({ HOST: "0.0.0.0", PORT: "0", LOG_LEVEL: "error", ...env });
    try {
      assert.equal(service.server.addr.hostname, "0.0.0.0");
      const base = `http://127.0.0.1:${service.server.addr.port}`;
      const health = await fetch(`${base}/healthz`);
      assert.equal(health.status, 200);
      await health.body?.cancel();
      // The token is asked for (a redirect to /login); without one the page is public.
      const response = await fetch(`${base}/`, { redirect: "manual" });
      assert.equal(response.status, page, JSON.stringify(env));
      await response.body?.cancel();
    } finally {
      await service.shutdown();
    }
  }
});

Deno.test("with ACCESS_TOKEN the page asks for it once, then a cookie (not the token) admits", async () => {
  const secret = "a-long-shared-secret";
  await using h = startHarness({ ACCESS_TOKEN: secret });
  const page = await fetch(`${h.baseUrl}/`, { redirect: "manual" });
  assert.equal(page.status, 302);
  assert.equal(page.headers.get("location"), "/login");
  await page.body?.cancel();
  const login = await fetch(`${h.baseUrl}/login`);
  assert.equal(login.status, 200);
  assert.match(await login.text(), /id="loginForm"/);

  const denied = await fetch(`${h.baseUrl}/events/x`);
  assert.equal(denied.status, 401);
  assert.match((await denied.json()).error, /access token is required/);

  const wrong = await fetch(`${h.baseUrl}/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token: "not-the-secret-at-all" }),
  });
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();
  const right = await fetch(`${h.baseUrl}/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token: secret }),
  });
  assert.equal(right.status, 200);
  await right.body?.cancel();
  const setCookie = right.headers.get("set-cookie")!;
  assert.match(setCookie, /^access=[\w-]+; /);
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  assert.ok(!setCookie.includes(secret), "the cookie does not carry the secret");
  const cookie = setCookie.split(";")[0];

  const admitted = await fetch(`${h.baseUrl}/`, { headers: { Cookie: cookie } });
  assert.equal(admitted.status, 200);
  await admitted.body?.cancel();
  const sse = await SseClient.open(`${h.baseUrl}/events/cookie-ok`, { Cookie: cookie });
  assert.equal((await sse.next()).event, "session");
  await sse.close();
  const api = await SseClient.open(`${h.baseUrl}/events/bearer-ok`, {
    Authorization: `Bearer ${secret}`,
  });
  assert.equal((await api.next()).event, "session");
  await api.close();
});

Deno.test("with TRUSTED_USER_HEADER only requests carrying it get in", async () => {
  await using h = startHarness({ TRUSTED_USER_HEADER: "X-Forwarded-User" });
  const denied = await fetch(`${h.baseUrl}/`);
  assert.equal(denied.status, 401);
  assert.match((await denied.json()).error, /X-Forwarded-User/);
  const page = await fetch(`${h.baseUrl}/`, { headers: { "X-Forwarded-User": "ada" } });
  assert.equal(page.status, 200);
  await page.body?.cancel();
});

Deno.test("POSTs from another site's page are refused and reach no agent", async () => {
  await using h = startHarness();
  const { token } = await h.open("csrf");
  const upstream = await h.fake.connection(0);
  const auth = { "X-Session-Token": token };
  const evil = await h.send("csrf", text("hi"), { ...auth, Origin: "https://evil.example" });
  assert.equal(evil.status, 403);
  assert.match((await evil.json()).error, /evil\.example/);
  const crossSite = await h.send("csrf", text("hi"), { ...auth, "Sec-Fetch-Site": "cross-site" });
  assert.equal(crossSite.status, 403);
  await crossSite.body?.cancel();
  const own = await h.send("csrf", text("mine"), {
    ...auth,
    Origin: h.baseUrl,
    "Sec-Fetch-Site": "same-origin",
  });
  assert.equal(own.status, 200);
  await own.body?.cancel();
  assert.equal(await upstream.nextText(), "mine");
});

Deno.test("CORS stays closed unless ALLOWED_ORIGINS opens it, and never with *", async () => {
  {
    await using h = startHarness();
    const preflight = await fetch(`${h.baseUrl}/send/x`, {
      method: "OPTIONS",
      headers: { Origin: "https://app.example", "Access-Control-Request-Method": "POST" },
    });
    assert.equal(preflight.headers.get("access-control-allow-origin"), null);
    await preflight.body?.cancel();
  }
  await using h = startHarness({ ALLOWED_ORIGINS: "https://app.example" });
  const allowed = await fetch(`${h.baseUrl}/send/x`, {
    method: "OPTIONS",
    headers: { Origin: "https://app.example", "Access-Control-Request-Method": "POST" },
  });
  assert.equal(allowed.headers.get("access-control-allow-origin"), "https://app.example");
  assert.equal(allowed.headers.get("access-control-allow-credentials"), "true");
  await allowed.body?.cancel();
  const other = await fetch(`${h.baseUrl}/send/x`, {
    method: "OPTIONS",
    headers: { Origin: "https://other.example", "Access-Control-Request-Method": "POST" },
  });
  assert.notEqual(other.headers.get("access-control-allow-origin"), "https://other.example");
  assert.notEqual(other.headers.get("access-control-allow-origin"), "*");
  await other.body?.cancel();
  assert.throws(() => startService({ ALLOWED_ORIGINS: "*", PORT: "0" }), /ALLOWED_ORIGINS/);
});

Deno.test("pages and errors carry a strict CSP and the other security headers", async () => {
  await using h = startHarness();
  const page = await fetch(`${h.baseUrl}/`);
  await page.body?.cancel();
  const csp = page.headers.get("content-security-policy") ?? "";
  for (const directive of ["default-src 'self'", "script-src 'self'", "connect-src 'self'"]) {
    assert.ok(csp.includes(directive), `${directive} in ${csp}`);
  }
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(page.headers.get("x-content-type-options"), "nosniff");
  assert.equal(page.headers.get("referrer-policy"), "no-referrer");
  const permissions = page.headers.get("permissions-policy") ?? "";
  for (const feature of ["microphone", "camera", "display-capture"]) {
    assert.match(permissions, new RegExp(`${feature}=\\(self\\)`));
  }
  assert.equal(page.headers.get("strict-transport-security"), null, "no HSTS over plain HTTP");
  const error = await fetch(`${h.baseUrl}/send/x`, { method: "POST" });
  assert.ok(error.headers.get("content-security-policy"));
  await error.body?.cancel();
});

Deno.test("behind a trusted TLS proxy, HSTS is sent and cookies are Secure", async () => {
  await using h = startHarness({ TRUST_PROXY: "1" });
  const response = await fetch(`${h.baseUrl}/events/proxied`, {
    headers: { "X-Forwarded-Proto": "https" },
  });
  assert.match(response.headers.get("strict-transport-security") ?? "", /max-age=\d+/);
  assert.match(response.headers.get("set-cookie") ?? "", /Secure/);
  await response.body?.cancel();
});

Deno.test("TLS_CERT and TLS_KEY make the server speak HTTPS", async () => {
  const dir = await Deno.makeTempDir();
  // A CA and a leaf certificate for localhost signed by it, as a real deployment has.
  const openssl = async (...args: string[]) => {
    const { success } = await new Deno.Command("openssl", { args, cwd: dir, stderr: "null" })
      .output();
    assert.ok(success, `openssl ${args[0]}`);
  };
  await openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=Test CA",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
  );
  await openssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    "/CN=localhost",
    "-keyout",
    "key.pem",
    "-out",
    "leaf.csr",
  );
  await Deno.writeTextFile(`${dir}/leaf.ext`, "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  await openssl(
    "x509",
    "-req",
    "-in",
    "leaf.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "1",
    "-extfile",
    "leaf.ext",
    "-out",
    "cert.pem",
  );
  const service = startService({
    PORT: "0",
    LOG_LEVEL: "error",
    TLS_CERT: `${dir}/cert.pem`,
    TLS_KEY: `${dir}/key.pem`,
  });
  const client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(`${dir}/ca.pem`)] });
  try {
    const response = await fetch(`https://localhost:${service.server.addr.port}/`, { client });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("strict-transport-security") ?? "", /max-age/);
    await response.body?.cancel();
  } finally {
    client.close();
    await service.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("text and audio limits answer 413 with the limit named", async () => {
  await using h = startHarness({ MAX_TEXT_CHARS: "10", MAX_AUDIO_SECONDS_PER_POST: "1" });
  const { token } = await h.open("limits");
  const auth = { "X-Session-Token": token };
  const long = await h.send("limits", text("x".repeat(11)), auth);
  assert.equal(long.status, 413);
  assert.match((await long.json()).error, /limit is 10/);
  const speech = await h.send("limits", audioSeconds(1.5), auth);
  assert.equal(speech.status, 413);
  assert.match((await speech.json()).error, /1\.5 s of audio/);
  const ok = await h.send("limits", audioSeconds(0.5), auth);
  assert.ok(ok.ok, `${ok.status}`);
  await ok.body?.cancel();
});

Deno.test("too much audio per minute gets 429 with Retry-After", async () => {
  await using h = startHarness({ AUDIO_SECONDS_PER_MINUTE: "2" });
  const { token } = await h.open("audio-rate");
  const auth = { "X-Session-Token": token };
  for (let i = 0; i < 2; i++) {
    const ok = await h.send("audio-rate", audioSeconds(1), auth);
    assert.ok(ok.ok, `${ok.status}`); // 202 while the agent's connection is set up
    await ok.body?.cancel();
  }
  const limited = await h.send("audio-rate", audioSeconds(1), auth);
  assert.equal(limited.status, 429);
  assert.ok(Number(limited.headers.get("retry-after")) >= 1);
  assert.match((await limited.json()).error, /2 s of audio per minute/);
});

Deno.test("request floods from one client or on one session get 429 with Retry-After", async () => {
  await using h = startHarness({ RATE_LIMIT_SESSION_RPS: "3", RATE_LIMIT_CLIENT_RPS: "1000" });
  const { token } = await h.open("flood");
  const statuses = [];
  for (let i = 0; i < 10; i++) {
    const response = await h.send("flood", text(`m${i}`), { "X-Session-Token": token });
    statuses.push(response.status);
    if (response.status === 429) assert.ok(response.headers.get("retry-after"));
    await response.body?.cancel();
  }
  // 200 sent, or 202 queued while the agent's connection is set up.
  assert.deepEqual(statuses.slice(0, 6).map((s) => s === 200 || s === 202), Array(6).fill(true));
  assert.ok(statuses.includes(429));

  await using c = startHarness({ RATE_LIMIT_CLIENT_RPS: "2" });
  const seen = [];
  for (let i = 0; i < 8; i++) {
    const response = await fetch(`${c.baseUrl}/send/nobody`, { method: "POST" });
    seen.push(response.status);
    await response.body?.cancel();
  }
  assert.ok(seen.includes(429), seen.join());
});

Deno.test("session caps: overall 503, per client 429", async () => {
  await using h = startHarness({ MAX_SESSIONS: "3", MAX_SESSIONS_PER_CLIENT: "2" });
  await h.open("c1");
  await h.open("c2");
  const third = await fetch(`${h.baseUrl}/events/c3`);
  assert.equal(third.status, 429);
  assert.match((await third.json()).error, /at most 2/);
  await using g = startHarness({ MAX_SESSIONS: "1" });
  await g.open("only");
  const full = await fetch(`${g.baseUrl}/events/second`);
  assert.equal(full.status, 503);
  assert.match((await full.json()).error, /capacity/);
});

Deno.test("a session that spends its token budget ends politely", async () => {
  await using h = startHarness({ SESSION_TOKEN_BUDGET: "100" });
  const { sse } = await h.open("budget");
  const upstream = await h.fake.connection(0);
  upstream.usage(30, 30);
  assert.equal((await sse.nextJson("usage")).total_tokens, 60);
  upstream.usage(30, 30);
  const error = await sse.nextJson("error");
  assert.match(error.error, /budget of 100 tokens/);
  await sse.ended();
  await upstream.closed;
});

Deno.test("the API key never reaches the page, even when Gemini's reason quotes it", async () => {
  const key = "AIzaSECRET-test-key-0123456789";
  await using h = startHarness({ GOOGLE_API_KEY: key }, { apiKey: key });
  const { sse } = await h.open("secret");
  const upstream = await h.fake.connection(0);
  upstream.close(1008, `denied for wss://x/ws?key=${key}`);
  const error = await sse.nextWhere((e) => e.event === "error", 5000);
  assert.ok(!error.data.includes(key), error.data);
  assert.match(error.data, /redacted/);
});

Deno.test("no spelling of a path above static/ reaches a file there, over a raw socket", async () => {
  await using h = startHarness();
  const port = Number(new URL(h.baseUrl).port);
  // What fetch would normalize away is written as is: spaces, tabs, dots, slashes.
  const paths = [
    "/static/%20../main.ts",
    "/static/ ../main.ts",
    "/static/%09../main.ts",
    "/static/\t../main.ts",
    "/static/%0b../main.ts",
    "/static/%C2%A0../main.ts",
    "/static/%E2%80%83../main.ts",
    "/static/%E3%80%80../main.ts",
    "/static/%EF%BB%BF../main.ts",
    "/static/..%20/main.ts",
    "/static/..%20%20/main.ts",
    "/static/%20..%20/main.ts",
    "/static/js/%20../%20../main.ts",
    "/static/../main.ts",
    "/static/js/../../main.ts",
    "/static/%2e%2e/main.ts",
    "/static/.%2e/main.ts",
    "/static/%2e%2e%2fmain.ts",
    "/static/..%2fmain.ts",
    "/static/..%5cmain.ts",
    "/static/..\\main.ts",
    "/static//../main.ts",
    "/static/js//..//..//main.ts",
    "/static/%252e%252e/main.ts",
    "/static/..;/main.ts",
    "/static/%20../deno.json",
    "/static/%20../.git/config",
    "/static/%20../.env",
    "/static/js/app.js%20",
    "/static/js/app.js ",
  ];
  for (const path of paths) {
    const response = await rawRequest(
      port,
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
    );
    assert.ok(
      response.status === 404 || response.status === 400,
      `${path} → ${response.status}`,
    );
    assert.doesNotMatch(response.body, /startService|"imports"|\[core\]|GOOGLE_API_KEY/, path);
  }
  const page = await rawRequest(
    port,
    `GET /static/js/app.js HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
  );
  assert.equal(page.status, 200, "the real assets are still served");
});

Deno.test("made-up methods and paths add no /metrics series: labels come from a fixed set", async () => {
  await using h = startHarness();
  const port = Number(new URL(h.baseUrl).port);
  const seriesCount = async () => {
    const text = await (await fetch(`${h.baseUrl}/metrics`)).text();
    return {
      text,
      count: text.split("\n").filter((l) => l.startsWith("http_requests_total{")).length,
    };
  };
  await (await fetch(`${h.baseUrl}/healthz`)).body?.cancel();
  await (await fetch(`${h.baseUrl}/static/js/app.js`)).body?.cancel();
  const before = await seriesCount();
  for (let i = 0; i < 60; i++) {
    await rawRequest(
      port,
      `MADEUP${i} /nowhere/${i} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
    );
    await rawRequest(
      port,
      `X${i} /events/s${i} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
    );
  }
  const after = await seriesCount();
  assert.doesNotMatch(after.text, /MADEUP|method="X\d|nowhere/);
  assert.ok(after.count - before.count <= 4, `${after.count - before.count} new series`);
  assert.match(after.text, /http_requests_total\{[^}]*method="other"[^}]*route="other"/);
  assert.match(after.text, /http_requests_total\{[^}]*method="GET"[^}]*route="\/healthz"/);
  assert.match(after.text, /http_requests_total\{[^}]*method="GET"[^}]*route="\/static\/\*"/);
});

Deno.test("DNS rebinding: a request naming another host gets 421 on every route, the /send fast lane included", async () => {
  await using h = startHarness();
  const port = Number(new URL(h.baseUrl).port);
  const { token } = await h.open("rebind");
  const upstream = await h.fake.connection(0);
  const evil = `attacker.example:${port}`;
  const body = JSON.stringify(text("from the rebinding page"));
  const requests = [
    `GET /events/stolen HTTP/1.1\r\nHost: ${evil}\r\nOrigin: http://${evil}\r\n`,
    `GET /static/js/app.js HTTP/1.1\r\nHost: ${evil}\r\n`,
    `GET / HTTP/1.1\r\nHost: ${evil}\r\n`,
    `GET /metrics HTTP/1.1\r\nHost: ${evil}\r\n`,
    `POST /send/rebind HTTP/1.1\r\nHost: ${evil}\r\nX-Session-Token: ${token}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n`,
    `GET http://${evil}/events/stolen HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`,
  ];
  for (const head of requests) {
    const response = await rawRequest(
      port,
      `${head}Connection: close\r\n\r\n${head.startsWith("POST") ? body : ""}`,
    );
    assert.equal(response.status, 421, head);
    assert.match(JSON.parse(response.body).error, /attacker\.example/);
  }
  assert.equal(h.fake.connections.length, 1, "no session was opened");
  const own = await h.send("rebind", text("mine"), { "X-Session-Token": token });
  assert.equal(own.status, 200);
  await own.body?.cancel();
  assert.equal(await upstream.nextText(), "mine");

  await using named = startHarness({ ALLOWED_HOSTS: "agent.example.com" });
  const namedPort = Number(new URL(named.baseUrl).port);
  const listed = await rawRequest(
    namedPort,
    `GET /healthz HTTP/1.1\r\nHost: agent.example.com\r\nConnection: close\r\n\r\n`,
  );
  assert.equal(listed.status, 200);
  const page = await rawRequest(
    namedPort,
    `GET / HTTP/1.1\r\nHost: agent.example.com:${namedPort}\r\nConnection: close\r\n\r\n`,
  );
  assert.equal(page.status, 200);
  const loopback = await fetch(`${named.baseUrl}/`);
  assert.equal(loopback.status, 421, "ALLOWED_HOSTS replaces the loopback default");
  await loopback.body?.cancel();
});

Deno.test("HEAD /events/:id opens no session; other methods on known routes get 405 with Allow", async () => {
  await using h = startHarness();
  const port = Number(new URL(h.baseUrl).port);
  const head = await rawRequest(
    port,
    `HEAD /events/probe HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
  );
  assert.equal(head.status, 405);
  assert.equal(head.headers.get("allow"), "GET");
  // The rightful page still gets its id, and the probe held no Live connection.
  const { sse } = await h.open("probe");
  assert.equal((await h.fake.connection(0)).isOpen, true);
  assert.equal(h.fake.connections.length, 1);
  await sse.close();
  for (
    const [method, path, allow] of [
      ["PUT", "/send/probe", "POST"],
      ["DELETE", "/events/probe", "GET"],
      ["PATCH", "/interrupt/probe", "POST"],
      ["PROPFIND", "/", "GET, HEAD"],
      ["POST", "/static/js/app.js", "GET, HEAD"],
    ]
  ) {
    const response = await rawRequest(
      port,
      `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    );
    assert.equal(response.status, 405, `${method} ${path}`);
    assert.equal(response.headers.get("allow"), allow);
    assert.equal(typeof JSON.parse(response.body).error, "string");
  }
});

Deno.test("strangers posting to a session's id use up only their own limit, not the page's", async () => {
  await using h = startHarness({ RATE_LIMIT_SESSION_RPS: "2", RATE_LIMIT_CLIENT_RPS: "1000" });
  const { token } = await h.open("victim");
  const upstream = await h.fake.connection(0);
  const statuses = new Set<number>();
  for (let i = 0; i < 20; i++) {
    for (const path of ["/send/victim", "/interrupt/victim", "/tools/victim/call-1"]) {
      const stranger = await fetch(`${h.baseUrl}${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Session-Token": `guess-${i}` },
        body: JSON.stringify(text("let me in")),
      });
      statuses.add(stranger.status);
      await stranger.body?.cancel();
    }
  }
  assert.deepEqual([...statuses], [404], "an unknown id's answer, never 429 or 403");
  const nobody = await h.send("nobody", text("x"), { "X-Session-Token": "guess" });
  assert.equal(nobody.status, 404);
  const unknownError = (await nobody.json()).error;
  const wrong = await h.send("victim", text("x"), { "X-Session-Token": "guess" });
  assert.equal(
    (await wrong.json()).error.replace("victim", "nobody"),
    unknownError,
    "a wrong token and an unknown id read the same",
  );
  const own = await h.send("victim", text("mine"), { "X-Session-Token": token });
  assert.equal(own.status, 200, await own.clone().text());
  await own.body?.cancel();
  assert.equal(await upstream.nextText(), "mine");
});

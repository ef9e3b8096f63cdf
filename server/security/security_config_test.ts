import assert from "node:assert/strict";
import { securityConfig } from "./security_config.ts";

Deno.test("loopback hosts need no access control", () => {
  for (const HOST of [undefined, "127.0.0.1", "127.1.2.3", "localhost", "::1"]) {
    assert.equal(securityConfig({ HOST }).accessToken, undefined);
  }
});

Deno.test("a public host needs an access token, a trusted header or ALLOW_PUBLIC=1", () => {
  assert.throws(() => securityConfig({ HOST: "0.0.0.0" }), /Refusing to listen on 0\.0\.0\.0/);
  assert.throws(() => securityConfig({ HOST: "192.0.2.1", ALLOW_PUBLIC: "yes" }), /Refusing/);
  assert.equal(
    securityConfig({ HOST: "0.0.0.0", ACCESS_TOKEN: "0123456789abcdef" }).accessToken,
    "0123456789abcdef",
  );
  assert.equal(
    securityConfig({ HOST: "::", TRUSTED_USER_HEADER: " X-User " }).trustedUserHeader,
    "X-User",
  );
  assert.doesNotThrow(() => securityConfig({ HOST: "0.0.0.0", ALLOW_PUBLIC: "1" }));
});

Deno.test("ALLOWED_ORIGINS takes origins only, never * or paths", () => {
  assert.deepEqual(
    securityConfig({ ALLOWED_ORIGINS: "https://a.example, http://b.example:8080" }).allowedOrigins,
    ["https://a.example", "http://b.example:8080"],
  );
  assert.throws(() => securityConfig({ ALLOWED_ORIGINS: "*" }), /ALLOWED_ORIGINS/);
  assert.throws(() => securityConfig({ ALLOWED_ORIGINS: "https://a.example/app" }), /origins/);
});

Deno.test("TLS needs both files; limits default sensibly and reject nonsense", () => {
  assert.throws(() => securityConfig({ TLS_CERT: "cert.pem" }), /TLS_CERT.*TLS_KEY/);
  assert.deepEqual(securityConfig({ TLS_CERT: "c.pem", TLS_KEY: "k.pem" }).tls, {
    certFile: "c.pem",
    keyFile: "k.pem",
  });
  const defaults = securityConfig({});
  assert.equal(defaults.audioSecondsPerMinute, 75, "above real time (60 s a minute)");
  assert.equal(defaults.maxSessionsPerClient, 10);
  assert.throws(() => securityConfig({ MAX_SESSIONS: "0" }), /MAX_SESSIONS.*at least 1/);
  assert.throws(() => securityConfig({ RATE_LIMIT_CLIENT_RPS: "fast" }), /RATE_LIMIT_CLIENT_RPS/);
});

Deno.test("a loopback HOST answers to loopback names only, unless ALLOWED_HOSTS says more", () => {
  assert.deepEqual(securityConfig({}).allowedHosts, ["127.0.0.1", "localhost", "[::1]"]);
  assert.deepEqual(securityConfig({ HOST: "::1" }).allowedHosts, [
    "127.0.0.1",
    "localhost",
    "[::1]",
  ]);
  assert.ok(securityConfig({ HOST: "127.0.0.2" }).allowedHosts?.includes("127.0.0.2"));
  assert.deepEqual(
    securityConfig({ ALLOWED_HOSTS: "Agent.Example.com, agent.example.com:8443" }).allowedHosts,
    ["agent.example.com", "agent.example.com:8443"],
  );
  assert.equal(securityConfig({ ALLOWED_HOSTS: "*" }).allowedHosts, undefined);
  assert.equal(securityConfig({ HOST: "0.0.0.0", ALLOW_PUBLIC: "1" }).allowedHosts, undefined);
  assert.throws(() => securityConfig({ ALLOWED_HOSTS: "https://a.example" }), /ALLOWED_HOSTS/);
});

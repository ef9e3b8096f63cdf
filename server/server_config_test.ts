import assert from "node:assert/strict";
import { serverConfig } from "./server_config.ts";

function assertRangeError(
  env: Record<string, string>,
  variable: string,
): void {
  assert.throws(
    () => serverConfig(env),
    (error: unknown) => error instanceof RangeError && error.message.includes(variable),
  );
}

Deno.test("an empty environment gives the documented defaults", () => {
  const config = serverConfig({});
  assert.equal(config.port, 8000);
  assert.equal(config.host, "127.0.0.1");
  assert.equal(config.sessionGraceMs, 30_000);
  assert.equal(config.maxBodyBytes, 1_048_576);
  assert.equal(config.logLevel, "info");
});

Deno.test("empty variables count as unset", () => {
  const config = serverConfig({
    PORT: "",
    HOST: "",
    SESSION_GRACE_MS: "",
    MAX_BODY_BYTES: "",
    LOG_LEVEL: "",
  });
  assert.equal(config.port, 8000);
  assert.equal(config.host, "127.0.0.1");
  assert.equal(config.sessionGraceMs, 30_000);
  assert.equal(config.maxBodyBytes, 1_048_576);
  assert.equal(config.logLevel, "info");
});

Deno.test("environment variables override the defaults", () => {
  const config = serverConfig({
    PORT: "9000",
    HOST: "0.0.0.0",
    SESSION_GRACE_MS: "5000",
    MAX_BODY_BYTES: "2048",
    LOG_LEVEL: "debug",
  });
  assert.equal(config.port, 9000);
  assert.equal(config.host, "0.0.0.0");
  assert.equal(config.sessionGraceMs, 5000);
  assert.equal(config.maxBodyBytes, 2048);
  assert.equal(config.logLevel, "debug");
});

Deno.test("PORT 0 (any free port) is accepted", () => {
  assert.equal(serverConfig({ PORT: "0" }).port, 0);
});

Deno.test("LOG_LEVEL is case-insensitive", () => {
  assert.equal(serverConfig({ LOG_LEVEL: "WARN" }).logLevel, "warn");
});

for (const port of ["abc", "70000", "-1", "80.5"]) {
  Deno.test(`PORT "${port}" is a RangeError naming PORT`, () => {
    assertRangeError({ PORT: port }, "PORT");
  });
}

Deno.test("the RangeError quotes the bad value", () => {
  assert.throws(() => serverConfig({ PORT: "70000" }), /"70000"/);
});

Deno.test("a bad LOG_LEVEL is a RangeError naming LOG_LEVEL", () => {
  assertRangeError({ LOG_LEVEL: "verbose" }, "LOG_LEVEL");
});

Deno.test("bad SESSION_GRACE_MS or MAX_BODY_BYTES are RangeErrors naming them", () => {
  assertRangeError({ SESSION_GRACE_MS: "soon" }, "SESSION_GRACE_MS");
  assertRangeError({ MAX_BODY_BYTES: "10" }, "MAX_BODY_BYTES");
});

Deno.test("REDIS_URL turns on the shared session store; anything but a Redis URL is refused", () => {
  assert.equal(serverConfig({}).redisUrl, undefined);
  assert.equal(
    serverConfig({ REDIS_URL: "redis://cache:6379/0" }).redisUrl,
    "redis://cache:6379/0",
  );
  assertRangeError({ REDIS_URL: "cache:6379" }, "REDIS_URL");
});

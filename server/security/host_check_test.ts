import assert from "node:assert/strict";
import { hostAllowed } from "./host_check.ts";

const LOOPBACK = ["127.0.0.1", "localhost", "[::1]"];

Deno.test("loopback names pass with any port; other names, and malformed ones, do not", () => {
  for (const host of ["127.0.0.1:8000", "localhost", "LOCALHOST.:8000", "[::1]:8000", "[::1]"]) {
    assert.ok(hostAllowed(host, LOOPBACK), host);
  }
  for (
    const host of [
      "attacker.example:8000",
      "127.0.0.1.attacker.example",
      "localhost..",
      "127.0.0.1@attacker.example",
      "127.0.0.1:8000/x",
      "a b",
      "",
      "[::1]:80:80",
      "127.0.0.1:123456",
    ]
  ) {
    assert.ok(!hostAllowed(host, LOOPBACK), host);
  }
  assert.ok(hostAllowed("agent.example.com:8443", ["agent.example.com:8443"]));
  assert.ok(!hostAllowed("agent.example.com:8000", ["agent.example.com:8443"]));
});

import assert from "node:assert/strict";
import { createSessionToken, tokensMatch } from "./session_token.ts";

Deno.test("a session token is base64url with no padding", () => {
  for (let i = 0; i < 200; i++) {
    assert.match(createSessionToken(), /^[A-Za-z0-9_-]+$/);
  }
});

Deno.test("a session token carries at least 128 random bits (43+ chars)", () => {
  const token = createSessionToken();
  assert.ok(token.length >= 43, `token has only ${token.length} chars`);
});

Deno.test("session tokens are distinct across many calls", () => {
  const tokens = new Set<string>();
  for (let i = 0; i < 2000; i++) tokens.add(createSessionToken());
  assert.equal(tokens.size, 2000);
});

Deno.test("session tokens use the whole alphabet over many calls", () => {
  // Catches a constant or low-entropy generator that still looks well formed.
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    for (const char of createSessionToken()) seen.add(char);
  }
  assert.ok(seen.size > 60, `only ${seen.size} distinct characters`);
  assert.ok(seen.has("-") || seen.has("_"));
});

Deno.test("tokensMatch accepts an equal token that arrived as another string", () => {
  const token = createSessionToken();
  // Built afresh from its characters, as a header's value is: equal, not the same string.
  const presented = String.fromCharCode(...[...token].map((c) => c.charCodeAt(0)));
  assert.equal(tokensMatch(presented, token), true);
  assert.equal(tokensMatch(presented, createSessionToken()), false);
  assert.equal(tokensMatch("", ""), true);
});

Deno.test("tokensMatch refuses a token differing in one character", () => {
  assert.equal(tokensMatch("abcdef", "abcdeg"), false);
  assert.equal(tokensMatch("Xbcdef", "abcdef"), false);
});

Deno.test("tokensMatch refuses a prefix or an extension of the token", () => {
  assert.equal(tokensMatch("abc", "abcdef"), false);
  assert.equal(tokensMatch("abcdef", "abc"), false);
  assert.equal(tokensMatch("", "abc"), false);
  assert.equal(tokensMatch("abc", ""), false);
});

Deno.test("tokensMatch refuses tokens that differ only by trailing NUL", () => {
  assert.equal(tokensMatch("abc\0", "abc"), false);
  assert.equal(tokensMatch("abc", "abc\0"), false);
});

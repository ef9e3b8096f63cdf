import assert from "node:assert/strict";
import { redactSecrets } from "./redact_secrets.ts";

Deno.test("a key in a URL parameter is redacted even when it is not known", () => {
  assert.equal(
    redactSecrets("GET wss://h/ws?alt=1&key=AIzaXYZ&x=2 failed", []),
    "GET wss://h/ws?alt=1&key=[redacted]&x=2 failed",
  );
  assert.equal(redactSecrets("?access_token=abc.def", []), "?access_token=[redacted]");
});

Deno.test("known secrets are redacted wherever they appear", () => {
  assert.equal(
    redactSecrets("bad key AIzaSECRET (AIzaSECRET)", ["AIzaSECRET"]),
    "bad key [redacted] ([redacted])",
  );
  assert.equal(redactSecrets("nothing here", ["AIzaSECRET"]), "nothing here");
});

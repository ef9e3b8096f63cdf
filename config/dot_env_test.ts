import assert from "node:assert/strict";
import { withDotEnv } from "./dot_env.ts";

Deno.test("variables set in the environment win over the .env file", () => {
  assert.deepEqual(withDotEnv({ PORT: "9000" }, "PORT=8000"), {
    PORT: "9000",
  });
});

Deno.test("the .env file fills in variables the environment lacks", () => {
  assert.deepEqual(
    withDotEnv({ PORT: "9000" }, "PORT=8000\nHOST=0.0.0.0\nGOOGLE_API_KEY=k"),
    { PORT: "9000", HOST: "0.0.0.0", GOOGLE_API_KEY: "k" },
  );
});

Deno.test("comments and blank lines in .env are ignored", () => {
  assert.deepEqual(
    withDotEnv(
      {},
      "# a comment\n\nA=1\n  # indented comment\nB=2 # trailing\n",
    ),
    { A: "1", B: "2" },
  );
});

Deno.test("quoted values in .env lose their quotes and keep their spaces", () => {
  assert.deepEqual(
    withDotEnv(
      {},
      'DOUBLE="Answer in French."\nSINGLE=\'a # not a comment\'\nEMPTY=""',
    ),
    { DOUBLE: "Answer in French.", SINGLE: "a # not a comment", EMPTY: "" },
  );
});

Deno.test("an empty .env file leaves the environment as it is", () => {
  assert.deepEqual(withDotEnv({ A: "1" }, ""), { A: "1" });
});

Deno.test("the given environment is not modified", () => {
  const env = { A: "1" };
  withDotEnv(env, "B=2");
  assert.deepEqual(env, { A: "1" });
});

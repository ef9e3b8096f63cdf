import assert from "node:assert/strict";
import { startTaskFlags } from "./relay_process.ts";

Deno.test("the service is benchmarked with the flags between `run` and the script", () => {
  assert.deepEqual(
    startTaskFlags("deno run  --allow-net --v8-flags=--max-semi-space-size=8 main.ts "),
    ["--allow-net", "--v8-flags=--max-semi-space-size=8"],
  );
  assert.deepEqual(startTaskFlags("deno run main.ts"), []);
});

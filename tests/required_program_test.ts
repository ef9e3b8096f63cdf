import assert from "node:assert/strict";
import { programPath, type RequiredProgram, skipWithout } from "./required_program.ts";

const missing: RequiredProgram = {
  name: "nothing",
  envVar: "NOTHING_PATH_FOR_TEST",
  candidates: ["/nonexistent/bin/nothing"],
  debianPackage: "nothing-pkg",
  tests: "imaginary tests",
};

function withCi<T>(value: string | undefined, fn: () => T): T {
  const before = Deno.env.get("CI");
  if (value === undefined) Deno.env.delete("CI");
  else Deno.env.set("CI", value);
  try {
    return fn();
  } finally {
    if (before === undefined) Deno.env.delete("CI");
    else Deno.env.set("CI", before);
  }
}

Deno.test("a missing program skips its tests on a laptop but fails them in CI", () => {
  assert.equal(withCi(undefined, () => skipWithout(missing)), true);
  assert.throws(
    () => withCi("true", () => skipWithout(missing)),
    /CI=true but no nothing.*nothing-pkg/,
  );
});

Deno.test("a program is found through its variable before the usual places", () => {
  const found = { ...missing, envVar: "REQUIRED_PROGRAM_TEST_PATH" };
  Deno.env.set(found.envVar, Deno.execPath());
  try {
    assert.equal(programPath(found), Deno.execPath());
    assert.equal(withCi("true", () => skipWithout(found)), false);
  } finally {
    Deno.env.delete(found.envVar);
  }
});

import assert from "node:assert/strict";
import { convertUnitsTool } from "./convert_units_tool.ts";

const signal = new AbortController().signal;
type Unit = Parameters<typeof convertUnitsTool.handler>[0]["from"];
const convert = (value: number, from: Unit, to: Unit) =>
  (convertUnitsTool.handler({ value, from, to }, { signal }) as { result: number }).result;

Deno.test("convert_units converts lengths and masses exactly", () => {
  assert.equal(convert(1, "mi", "km"), 1.609344);
  assert.equal(convert(12, "in", "ft"), 1);
  assert.equal(convert(10, "km", "mi"), 6.213711922);
  assert.equal(convert(1, "lb", "g"), 453.59237);
  assert.equal(convert(14, "lb", "st"), 1);
  assert.equal(convert(0.1 + 0.2, "m", "m"), 0.3);
});

Deno.test("convert_units converts temperatures", () => {
  assert.equal(convert(100, "celsius", "fahrenheit"), 212);
  assert.equal(convert(-40, "fahrenheit", "celsius"), -40);
  assert.equal(convert(0, "kelvin", "celsius"), -273.15);
  assert.equal(convert(-459.67, "fahrenheit", "kelvin"), 0);
});

Deno.test("convert_units refuses mixed kinds and temperatures below absolute zero", () => {
  assert.throws(() => convert(1, "kg", "m"), /Cannot convert mass \(kg\) to length \(m\)/);
  assert.throws(() => convert(-300, "celsius", "kelvin"), /below absolute zero/);
});

Deno.test("convert_units' schema accepts only known units", () => {
  assert.equal(
    convertUnitsTool.parameters.safeParse({ value: 1, from: "parsec", to: "m" }).success,
    false,
  );
});

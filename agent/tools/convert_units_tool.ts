import { z } from "zod";
import { functionTool } from "../function_tool.ts";

type Kind = "length" | "mass" | "temperature";

/** Each unit's kind and, for length and mass, its size in metres or kilograms. */
const UNITS = {
  mm: { kind: "length", factor: 0.001 },
  cm: { kind: "length", factor: 0.01 },
  m: { kind: "length", factor: 1 },
  km: { kind: "length", factor: 1000 },
  in: { kind: "length", factor: 0.0254 },
  ft: { kind: "length", factor: 0.3048 },
  yd: { kind: "length", factor: 0.9144 },
  mi: { kind: "length", factor: 1609.344 },
  mg: { kind: "mass", factor: 1e-6 },
  g: { kind: "mass", factor: 0.001 },
  kg: { kind: "mass", factor: 1 },
  t: { kind: "mass", factor: 1000 },
  oz: { kind: "mass", factor: 0.028349523125 },
  lb: { kind: "mass", factor: 0.45359237 },
  st: { kind: "mass", factor: 6.35029318 },
  celsius: { kind: "temperature", factor: 1 },
  fahrenheit: { kind: "temperature", factor: 1 },
  kelvin: { kind: "temperature", factor: 1 },
} as const satisfies Record<string, { kind: Kind; factor: number }>;

type Unit = keyof typeof UNITS;
const UNIT_NAMES = Object.keys(UNITS) as [Unit, ...Unit[]];

const Parameters = z.object({
  value: z.number().describe("The amount to convert."),
  from: z.enum(UNIT_NAMES).describe("Unit of the amount."),
  to: z.enum(UNIT_NAMES).describe(
    "Unit to convert to, of the same kind (length, mass or temperature).",
  ),
});

/**
 * A tool that converts an amount between units of length (mm … mi), mass
 * (mg … st) or temperature (celsius, fahrenheit, kelvin), offline and exactly,
 * rather than leaving the arithmetic to the model.
 *
 * @example
 * ```ts
 * await convertUnitsTool.handler(
 *   { value: 10, from: "km", to: "mi" },
 *   { signal: new AbortController().signal },
 * );
 * // { value: 10, from: "km", to: "mi", result: 6.213711922 }
 * ```
 */
export const convertUnitsTool = functionTool({
  name: "convert_units",
  description: "Converts an amount between units of length, mass or temperature. Units: " +
    UNIT_NAMES.join(", ") + ".",
  parameters: Parameters,
  handler: ({ value, from, to }) => {
    const source = UNITS[from];
    const target = UNITS[to];
    if (source.kind !== target.kind) {
      throw new RangeError(
        `Cannot convert ${source.kind} (${from}) to ${target.kind} (${to})`,
      );
    }
    const result = source.kind === "temperature"
      ? fromKelvin(toKelvin(value, from), to)
      : value * source.factor / target.factor;
    // Ten significant digits hide floating-point noise (0.30000000000000004).
    return { value, from, to, result: Number(result.toPrecision(10)) };
  },
});

function toKelvin(value: number, unit: Unit): number {
  const kelvin = unit === "celsius"
    ? value + 273.15
    : unit === "fahrenheit"
    ? (value - 32) * 5 / 9 + 273.15
    : value;
  if (kelvin < -1e-9) throw new RangeError(`${value} ${unit} is below absolute zero`);
  return kelvin;
}

function fromKelvin(kelvin: number, unit: Unit): number {
  if (unit === "celsius") return kelvin - 273.15;
  if (unit === "fahrenheit") return (kelvin - 273.15) * 9 / 5 + 32;
  return kelvin;
}

/**
 * Reads a whole-number setting, or `fallback` when it is unset or empty.
 *
 * @throws {RangeError} naming the variable when the value is not a whole
 *   number from `min` to `max`.
 *
 * @example
 * ```ts
 * envInteger({ PORT: "9000" }, "PORT", 8000, 0, 65535); // 9000
 * ```
 */
export function envInteger(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new RangeError(
      `Cannot read config: \`${name}\` must be a whole number ${range}, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

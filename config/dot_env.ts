import { parseEnv } from "node:util";

/**
 * The environment with a `.env` file's values filled in under it: variables
 * already set win, as with `deno run --env-file`. The compiled binary has no
 * `--env-file`, so `main.ts` reads `.env` from the working directory this way.
 *
 * @example
 * ```ts
 * withDotEnv({ PORT: "9000" }, "PORT=8000\nHOST=0.0.0.0");
 * // { PORT: "9000", HOST: "0.0.0.0" }
 * ```
 */
export function withDotEnv(
  env: Record<string, string>,
  dotEnv: string,
): Record<string, string> {
  return { ...(parseEnv(dotEnv) as Record<string, string>), ...env };
}

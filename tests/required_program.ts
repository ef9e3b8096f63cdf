/**
 * Finds programs that some tests need (Chromium, nginx). Without one, those
 * tests skip with a message on a developer's machine, and fail in CI
 * (`CI=true`), where `.ci/run` installs them.
 *
 * @module
 */

/** A program a group of tests needs. */
export interface RequiredProgram {
  /** What to call it in messages, e.g. "Chromium". */
  name: string;
  /** Environment variable that points at another binary, e.g. `CHROMIUM_PATH`. */
  envVar: string;
  /** Where Debian and friends install it. */
  candidates: string[];
  /** The Debian package that provides it. */
  debianPackage: string;
  /** Which tests skip without it, e.g. "browser tests". */
  tests: string;
}

/** Path of the program's binary, from its variable or the usual places. */
export function programPath(program: RequiredProgram): string | undefined {
  const paths = [Deno.env.get(program.envVar), ...program.candidates].filter(Boolean) as string[];
  return paths.find((path) => {
    try {
      return Deno.statSync(path).isFile;
    } catch {
      return false;
    }
  });
}

/**
 * True when the tests must skip: the program is missing and this is not CI.
 *
 * @throws {Error} when the program is missing in CI.
 */
export function skipWithout(program: RequiredProgram): boolean {
  if (programPath(program)) return false;
  const install = `install Debian's ${program.debianPackage} or set ${program.envVar}`;
  if (Deno.env.get("CI") === "true") {
    throw new Error(`CI=true but no ${program.name} found: ${install} (see .ci/run)`);
  }
  console.warn(`Skipping ${program.tests}: no ${program.name} found (${install}).`);
  return true;
}

/**
 * A minimal Dockerfile parser, so tests can check the Dockerfile where Docker
 * cannot build: instructions grouped by stage, continuation lines joined,
 * comments and parser directives dropped, exec forms checked to be JSON.
 *
 * @module
 */

/** One instruction, e.g. `{ keyword: "USER", args: "65532:65532", line: 12 }`. */
export interface DockerInstruction {
  /** Upper case. */
  keyword: string;
  /** Everything after the keyword, continuation lines joined. */
  args: string;
  /** 1-based line where it starts. */
  line: number;
}

/** One build stage: its `FROM` and what follows up to the next `FROM`. */
export interface DockerStage {
  image: string;
  /** The `AS` name, if any. */
  name?: string;
  instructions: DockerInstruction[];
}

const KEYWORDS = new Set([
  "ADD",
  "ARG",
  "CMD",
  "COPY",
  "ENTRYPOINT",
  "ENV",
  "EXPOSE",
  "FROM",
  "HEALTHCHECK",
  "LABEL",
  "ONBUILD",
  "RUN",
  "SHELL",
  "STOPSIGNAL",
  "USER",
  "VOLUME",
  "WORKDIR",
]);

/** Instructions whose arguments, in exec form, must be a JSON array of strings. */
const EXEC_FORM = new Set(["CMD", "ENTRYPOINT", "RUN", "SHELL", "VOLUME"]);

/**
 * Splits a Dockerfile into stages.
 *
 * @throws {SyntaxError} on an unknown instruction, an instruction before the
 *   first `FROM` other than `ARG`, or an exec form that is not a JSON array.
 *
 * @example
 * ```ts
 * const [stage] = parseDockerfile("FROM debian AS base\nUSER 1000\n");
 * stage.name; // "base"
 * ```
 */
export function parseDockerfile(text: string): DockerStage[] {
  const stages: DockerStage[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let logical = lines[i].trim();
    if (logical === "" || logical.startsWith("#")) continue;
    // A trailing backslash continues the instruction; comment lines inside
    // it are dropped, as Docker does.
    while (logical.endsWith("\\") && i + 1 < lines.length) {
      const next = lines[++i].trim();
      logical = logical.slice(0, -1) + (next.startsWith("#") ? "\\" : ` ${next}`);
    }
    const match = /^(\S+)\s*(.*)$/s.exec(logical)!;
    const keyword = match[1].toUpperCase();
    const args = match[2].trim();
    if (!KEYWORDS.has(keyword)) {
      throw new SyntaxError(
        `Cannot parse Dockerfile: line ${start}: unknown instruction \`${keyword}\``,
      );
    }
    checkExecForm(keyword, args, start);
    if (keyword === "FROM") {
      const from = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new SyntaxError(`Cannot parse Dockerfile: line ${start}: bad FROM`);
      stages.push({ image: from[1], name: from[2], instructions: [] });
    } else if (stages.length === 0) {
      if (keyword !== "ARG") {
        throw new SyntaxError(`Cannot parse Dockerfile: line ${start}: ${keyword} before FROM`);
      }
    } else {
      stages.at(-1)!.instructions.push({ keyword, args, line: start });
    }
  }
  return stages;
}

/** The JSON array of an exec-form instruction, or `undefined` for shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith("[")) return undefined;
  const parsed = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === "string")) {
    throw new SyntaxError("not an array of strings");
  }
  return parsed;
}

function checkExecForm(keyword: string, args: string, line: number): void {
  const form = keyword === "HEALTHCHECK" ? args.replace(/^(?:--\S+\s+)*CMD\s+/, "") : args;
  if (!EXEC_FORM.has(keyword) && keyword !== "HEALTHCHECK") return;
  try {
    execForm(form);
  } catch (error) {
    throw new SyntaxError(
      `Cannot parse Dockerfile: line ${line}: ${keyword} exec form is not a JSON array of ` +
        `strings (${(error as Error).message})`,
    );
  }
}

import type { FunctionDeclaration } from "@google/genai";
import { z } from "zod";

/** What a tool's handler gets besides its arguments: nothing secret, only a way to stop. */
export interface ToolContext {
  /** Aborts when the call times out, is cancelled by Gemini, or the conversation ends. */
  signal: AbortSignal;
}

/**
 * A function the agent may call mid-conversation, in the spirit of ADK's
 * `FunctionTool`: a name, a description the model reads, a zod schema of the
 * arguments and an async handler. The handler gets the parsed arguments and
 * an {@link ToolContext}; whatever JSON value it returns goes back to the
 * model, and what it throws goes back as an error the model can read.
 */
export interface FunctionTool<Schema extends z.ZodObject = z.ZodObject> {
  /** Letters, digits, `_`, `.`, `:` and `-`, starting with a letter or `_` (at most 128). */
  name: string;
  /** What the tool does and when to use it; the model decides from this. */
  description: string;
  /** The arguments, as a zod object; its `.describe()` texts reach the model too. */
  parameters: Schema;
  /** Runs the call. Declared as a method so tools of any schema fit one `FunctionTool[]`. */
  handler(args: z.output<Schema>, context: ToolContext): unknown;
  /** How long the handler may run before the call fails with a timeout; default 10 s. */
  timeoutMs?: number;
  /** The page asks the user before each call; a refusal goes back to the model. */
  requiresConfirmation?: boolean;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;

/**
 * Defines a function tool, checking its name and schema at once and typing
 * the handler's arguments from the schema.
 *
 * @throws {TypeError} when the name is not one the Live API accepts.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * const dice = functionTool({
 *   name: "roll_dice",
 *   description: "Rolls dice with the given number of sides.",
 *   parameters: z.object({ sides: z.number().int().min(2).max(100) }),
 *   handler: ({ sides }) => ({ rolled: 1 + Math.floor(Math.random() * sides) }),
 * });
 * ```
 */
export function functionTool<Schema extends z.ZodObject>(
  tool: FunctionTool<Schema>,
): FunctionTool<Schema> {
  if (!NAME.test(tool.name)) {
    throw new TypeError(
      `Cannot define tool: \`name\` must be 1 to 128 of A-Z, a-z, 0-9, _ . : - ` +
        `starting with a letter or _, got ${JSON.stringify(tool.name)}`,
    );
  }
  if (tool.timeoutMs !== undefined && !(tool.timeoutMs > 0)) {
    throw new TypeError(`Cannot define tool \`${tool.name}\`: \`timeoutMs\` must be positive`);
  }
  return tool;
}

/**
 * The Live API's declaration of a tool: its name, description and the JSON
 * Schema of its arguments (from zod, as the input the model must produce).
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * functionDeclaration({
 *   name: "echo",
 *   description: "Says it back.",
 *   parameters: z.object({ text: z.string() }),
 *   handler: ({ text }) => text,
 * });
 * // { name: "echo", description: "Says it back.", parametersJsonSchema: { type: "object", … } }
 * ```
 */
export function functionDeclaration(tool: FunctionTool): FunctionDeclaration {
  const { $schema: _, ...schema } = z.toJSONSchema(tool.parameters, { io: "input" });
  return { name: tool.name, description: tool.description, parametersJsonSchema: schema };
}

import assert from "node:assert/strict";
import { z } from "zod";
import { functionDeclaration, functionTool } from "./function_tool.ts";

Deno.test("a tool's zod schema becomes the Live API's JSON Schema declaration", () => {
  const tool = functionTool({
    name: "book_table",
    description: "Books a table.",
    parameters: z.object({
      guests: z.number().int().min(1).describe("How many people."),
      time: z.string(),
      terrace: z.boolean().default(false),
    }),
    handler: () => "booked",
  });
  assert.deepEqual(functionDeclaration(tool), {
    name: "book_table",
    description: "Books a table.",
    parametersJsonSchema: {
      type: "object",
      properties: {
        guests: {
          type: "integer",
          minimum: 1,
          maximum: Number.MAX_SAFE_INTEGER,
          description: "How many people.",
        },
        time: { type: "string" },
        terrace: { type: "boolean", default: false },
      },
      // A defaulted argument is optional for the model.
      required: ["guests", "time"],
    },
  });
});

Deno.test("a tool without parameters declares an empty object", () => {
  const tool = functionTool({
    name: "ping",
    description: "Pings.",
    parameters: z.object({}),
    handler: () => "pong",
  });
  assert.deepEqual(functionDeclaration(tool).parametersJsonSchema, {
    type: "object",
    properties: {},
  });
});

Deno.test("a name the Live API would refuse is refused when the tool is defined", () => {
  for (const name of ["", "1st", "has space", "x".repeat(129)]) {
    assert.throws(
      () => functionTool({ name, description: "", parameters: z.object({}), handler: () => 0 }),
      (error: Error) => error instanceof TypeError && /`name`/.test(error.message),
      name,
    );
  }
  assert.throws(
    () =>
      functionTool({
        name: "t",
        description: "",
        parameters: z.object({}),
        handler: () => 0,
        timeoutMs: 0,
      }),
    /`timeoutMs` must be positive/,
  );
});

/**
 * Function tools that tests give their agents.
 *
 * @module
 */
import { z } from "zod";
import { functionTool } from "../agent/function_tool.ts";

/** A tool with a side effect, so it asks the user before it runs. */
export const deleteNoteTool = functionTool({
  name: "delete_note",
  description: "Deletes a note.",
  parameters: z.object({ title: z.string() }),
  requiresConfirmation: true,
  handler: ({ title }) => `deleted ${title}`,
});

import assert from "node:assert/strict";
import { continuationContext } from "./continuation_context.ts";
import { conversationMarkdown } from "./conversation_markdown.ts";
import type { Conversation } from "./history_store.ts";
import { conversationTitle } from "./history_store.ts";

const conversation: Conversation = {
  id: "s1",
  title: "What is Deno?",
  startedAt: 0,
  updatedAt: 60_000,
  turns: [
    { role: "user", text: "What is Deno?", at: 0 },
    {
      role: "model",
      text: "A runtime.",
      at: 1000,
      sources: [
        { title: "deno [docs]", uri: "https://docs.deno.com/a b" },
        { title: "bad", uri: "javascript:alert(1)" },
      ],
      tools: [{ name: "search", args: { q: "deno" }, status: "done", result: { hits: 1 } }],
    },
  ],
};

Deno.test("the Markdown export has the title, each turn, sources as http(s) links only, and tools", () => {
  assert.equal(
    conversationMarkdown(conversation),
    [
      "# What is Deno?",
      "",
      "Conversation `s1`, 1970-01-01T00:00:00.000Z to 1970-01-01T00:01:00.000Z.",
      "",
      "## You (1970-01-01T00:00:00.000Z)",
      "",
      "What is Deno?",
      "",
      "## Agent (1970-01-01T00:00:01.000Z)",
      "",
      "A runtime.",
      "",
      "Sources:",
      "",
      "- [deno \\[docs\\]](<https://docs.deno.com/a%20b>)",
      "- bad (javascript:alert(1))",
      "",
      "Tools:",
      "",
      '- `search({"q":"deno"})` done: `{"hits":1}`',
      "",
    ].join("\n"),
  );
});

Deno.test("a continued conversation carries the newest turns, bounded in turns and characters", () => {
  const long: Conversation = {
    ...conversation,
    turns: Array.from({ length: 30 }, (_, i) => ({
      role: i % 2 ? "model" as const : "user" as const,
      text: `turn ${i} `.repeat(20),
      at: i,
    })),
  };
  const context = continuationContext(long, { maxTurns: 4, maxChars: 300 });
  assert.match(context, /^This conversation continues an earlier one/);
  const lines = context.split("\n").filter((line) => /^(User|Agent): /.test(line));
  assert.ok(lines.length <= 4);
  assert.match(lines.at(-1)!, /^Agent: turn 29/);
  assert.ok(lines.join("").length <= 300 + 4 * "Agent: ".length);
});

Deno.test("a title is the first question on one line, cut at a word", () => {
  assert.equal(conversationTitle("  What\nis   Deno? "), "What is Deno?");
  const title = conversationTitle("word ".repeat(40));
  assert.ok(title.length <= 80 && title.endsWith("word…"), title);
});

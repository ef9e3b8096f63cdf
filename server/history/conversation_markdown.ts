import type { Conversation, Turn } from "./history_store.ts";

/**
 * A conversation as Markdown, for export: a heading with its title, then
 * each turn under who spoke and when, the agent's sources as links and its
 * tool calls with their arguments and results. Only http(s) sources become
 * links.
 *
 * @example
 * ```ts
 * conversationMarkdown({
 *   id: "s1", title: "Hi", startedAt: 0, updatedAt: 0,
 *   turns: [{ role: "user", text: "Hi", at: 0 }],
 * }); // "# Hi\n\n…"
 * ```
 */
export function conversationMarkdown(conversation: Conversation): string {
  const lines = [
    `# ${oneLine(conversation.title) || "Conversation"}`,
    "",
    `Conversation \`${conversation.id}\`, ${iso(conversation.startedAt)} to ` +
    `${iso(conversation.updatedAt)}.`,
  ];
  for (const turn of conversation.turns) lines.push("", ...turnMarkdown(turn));
  return `${lines.join("\n")}\n`;
}

function turnMarkdown(turn: Turn): string[] {
  const lines = [`## ${turn.role === "user" ? "You" : "Agent"} (${iso(turn.at)})`, ""];
  if (turn.text) lines.push(turn.text);
  if (turn.sources?.length) {
    lines.push("", "Sources:", "");
    for (const source of turn.sources) {
      const title = escapeLinkText(oneLine(source.title) || source.uri);
      lines.push(
        /^https?:\/\//i.test(source.uri)
          ? `- [${title}](<${source.uri.replace(/[<>\s]/g, encodeURIComponent)}>)`
          : `- ${title} (${oneLine(source.uri)})`,
      );
    }
  }
  if (turn.tools?.length) {
    lines.push("", "Tools:", "");
    for (const tool of turn.tools) {
      const result = tool.result === undefined
        ? ""
        : `: \`${oneLine(JSON.stringify(tool.result))}\``;
      lines.push(
        `- \`${tool.name}(${oneLine(JSON.stringify(tool.args))})\` ${tool.status}${result}`,
      );
    }
  }
  return lines;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function escapeLinkText(text: string): string {
  return text.replace(/[\\[\]]/g, "\\$&");
}

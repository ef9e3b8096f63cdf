import type { Conversation } from "./history_store.ts";

/** How much of an earlier conversation a continued one carries. */
export interface ContinuationLimits {
  /** The last this many turns at most. */
  maxTurns: number;
  /** This many characters of turns at most (the newest kept, the oldest kept cut). */
  maxChars: number;
}

/** Defaults: the last 20 turns, 8,000 characters (about 2,000 tokens). */
export const CONTINUATION_LIMITS: ContinuationLimits = { maxTurns: 20, maxChars: 8000 };

/**
 * What a new Live session is told of the conversation it continues, added to
 * its system instruction: the newest turns of the transcript, bounded by
 * `limits`, with a line saying what they are.
 *
 * @example
 * ```ts
 * continuationContext({
 *   id: "s1", title: "Hi", startedAt: 0, updatedAt: 0,
 *   turns: [{ role: "user", text: "Hi", at: 0 }],
 * }); // "This conversation continues an earlier one…\n\nUser: Hi"
 * ```
 */
export function continuationContext(
  conversation: Conversation,
  limits: ContinuationLimits = CONTINUATION_LIMITS,
): string {
  const lines: string[] = [];
  let left = limits.maxChars;
  for (const turn of conversation.turns.slice(-limits.maxTurns).reverse()) {
    if (left <= 0) break;
    const speaker = turn.role === "user" ? "User" : "Agent";
    let text = turn.text.replace(/\s+/g, " ").trim();
    if (!text) continue;
    if (text.length > left) text = `…${text.slice(text.length - left + 1)}`;
    left -= text.length;
    lines.unshift(`${speaker}: ${text}`);
  }
  return "This conversation continues an earlier one. The user sees its transcript; the newest " +
    `turns of it follow, for context. Go on from there.\n\n${lines.join("\n")}`;
}

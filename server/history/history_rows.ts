/**
 * Row shapes shared by the SQLite and PostgreSQL stores, and their mapping
 * to and from {@link Turn}s.
 *
 * @module
 */
import { conversationTitle, type Turn, type TurnBatch } from "./history_store.ts";

/** A `turns` row as both databases return it. */
export interface TurnRow {
  role: string;
  text: string;
  at: number | bigint | string;
  sources: string | null;
  tools: string | null;
}

/** A `conversations` row as both databases return it. */
export interface ConversationRow {
  id: string;
  title: string;
  started_at: number | bigint | string;
  updated_at: number | bigint | string;
  turns: number | bigint | string;
}

/** The conversation row a batch creates or updates. */
export function batchConversation(batch: TurnBatch): {
  title: string;
  startedAt: number;
  updatedAt: number;
  turns: number;
} {
  const question = batch.turns.find((turn) => turn.role === "user" && turn.text.trim());
  const times = batch.turns.map((turn) => turn.at);
  return {
    title: question ? conversationTitle(question.text) : "",
    startedAt: Math.min(...times),
    updatedAt: Math.max(...times),
    turns: batch.turns.length,
  };
}

/** The JSON columns of a turn (`null` when it has none). */
export function turnColumns(turn: Turn): { sources: string | null; tools: string | null } {
  return {
    sources: turn.sources?.length ? JSON.stringify(turn.sources) : null,
    tools: turn.tools?.length ? JSON.stringify(turn.tools) : null,
  };
}

/** A stored turn back from its row. */
export function turnFromRow(row: TurnRow): Turn {
  const turn: Turn = {
    role: row.role === "user" ? "user" : "model",
    text: row.text,
    at: Number(row.at),
  };
  if (row.sources) turn.sources = JSON.parse(row.sources);
  if (row.tools) turn.tools = JSON.parse(row.tools);
  return turn;
}

/** A conversation summary back from its row. */
export function summaryFromRow(row: ConversationRow): {
  id: string;
  title: string;
  startedAt: number;
  updatedAt: number;
  turns: number;
} {
  return {
    id: row.id,
    title: row.title,
    startedAt: Number(row.started_at),
    updatedAt: Number(row.updated_at),
    turns: Number(row.turns),
  };
}

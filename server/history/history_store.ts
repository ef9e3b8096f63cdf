/**
 * What conversation history is kept as, and the interface of the databases
 * that keep it (SQLite by default, PostgreSQL for many instances).
 *
 * @module
 */

/** One grounding source of a model turn. */
export interface TurnSource {
  title: string;
  uri: string;
  domain?: string;
}

/** A function tool call of a model turn, as it ended. */
export interface TurnTool {
  name: string;
  args: Record<string, unknown>;
  /** `done`, `error`, `cancelled`, or where it stood when the turn ended. */
  status: string;
  result?: unknown;
}

/** One stored turn: who spoke, what, when (epoch ms), and what the model used. */
export interface Turn {
  role: "user" | "model";
  text: string;
  at: number;
  sources?: TurnSource[];
  tools?: TurnTool[];
}

/** Turns of one conversation written together (one exchange). */
export interface TurnBatch {
  owner: string;
  /** The `session_id` of the conversation's event stream. */
  conversationId: string;
  turns: Turn[];
}

/** A conversation in a listing. */
export interface ConversationSummary {
  id: string;
  /** The first question, shortened. */
  title: string;
  startedAt: number;
  updatedAt: number;
  turns: number;
}

/** A conversation with its turns, oldest first. */
export interface Conversation {
  id: string;
  title: string;
  startedAt: number;
  updatedAt: number;
  turns: Turn[];
}

/**
 * A database of conversations. Every read and deletion names the owner, so
 * no method can reach another owner's conversations.
 */
export interface HistoryStore {
  /** Brings the schema to the newest version; returns the versions applied. */
  migrate(): Promise<number[]>;
  /** Appends batches in order, creating their conversations (titled by the first user turn). */
  append(batches: readonly TurnBatch[]): Promise<void>;
  /** The owner's newest conversations, most recently updated first. */
  list(owner: string, limit: number): Promise<ConversationSummary[]>;
  /** One of the owner's conversations, or `undefined` when the owner has none of that id. */
  read(owner: string, id: string): Promise<Conversation | undefined>;
  /** Deletes one of the owner's conversations; false when there was none. */
  delete(owner: string, id: string): Promise<boolean>;
  /** Deletes every conversation last updated before `cutoff` (epoch ms); returns how many. */
  deleteOlderThan(cutoff: number): Promise<number>;
  close(): Promise<void>;
}

/** Longest title kept, in characters. */
export const TITLE_CHARS = 80;

/**
 * A conversation's title from its first question: one line, at most
 * {@link TITLE_CHARS} characters, cut at a word with an ellipsis.
 *
 * @example
 * ```ts
 * conversationTitle("What is\nDeno?"); // "What is Deno?"
 * ```
 */
export function conversationTitle(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  if (line.length <= TITLE_CHARS) return line;
  const cut = line.slice(0, TITLE_CHARS - 1);
  const space = cut.lastIndexOf(" ");
  return `${space > TITLE_CHARS / 2 ? cut.slice(0, space) : cut}…`;
}

import { DatabaseSync, type StatementSync } from "node:sqlite";
import { dirname } from "node:path";
import { pendingMigrations } from "./history_migrations.ts";
import {
  batchConversation,
  type ConversationRow,
  summaryFromRow,
  turnColumns,
  turnFromRow,
  type TurnRow,
} from "./history_rows.ts";
import type {
  Conversation,
  ConversationSummary,
  HistoryStore,
  TurnBatch,
} from "./history_store.ts";

/**
 * Conversation history in one SQLite file, through Deno's built-in
 * `node:sqlite` (no dependency). The file and its folder are created on
 * first use; the journal is WAL, so reads do not wait for a write.
 *
 * @example
 * ```ts
 * const store = new SqliteHistoryStore(":memory:");
 * await store.migrate();
 * await store.list("browser:abc", 10); // []
 * ```
 */
export class SqliteHistoryStore implements HistoryStore {
  readonly #db: DatabaseSync;
  #statements: Record<string, StatementSync> | undefined;

  /** Opens (creating it and its folder if need be) the file at `path`, or `:memory:`. */
  constructor(path: string) {
    if (path !== ":memory:") Deno.mkdirSync(dirname(path), { recursive: true });
    this.#db = new DatabaseSync(path);
    this.#db.exec(
      "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;",
    );
  }

  migrate(): Promise<number[]> {
    const db = this.#db;
    db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations " +
        "(version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
    );
    const applied: number[] = [];
    db.exec("BEGIN IMMEDIATE");
    try {
      const done = db.prepare("SELECT version FROM schema_migrations").all()
        .map((row) => Number(row.version));
      for (const migration of pendingMigrations(done)) {
        db.exec(migration.sqlite);
        db.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)")
          .run(migration.version, Date.now());
        applied.push(migration.version);
      }
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
    return Promise.resolve(applied);
  }

  append(batches: readonly TurnBatch[]): Promise<void> {
    const { upsert, insertTurn } = this.#prepared();
    this.#db.exec("BEGIN");
    try {
      for (const batch of batches) {
        if (batch.turns.length === 0) continue;
        const row = batchConversation(batch);
        upsert.run(
          batch.owner,
          batch.conversationId,
          row.title,
          row.startedAt,
          row.updatedAt,
          row.turns,
        );
        for (const turn of batch.turns) {
          const { sources, tools } = turnColumns(turn);
          insertTurn.run(
            batch.owner,
            batch.conversationId,
            turn.role,
            turn.text,
            turn.at,
            sources,
            tools,
          );
        }
      }
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#db.exec("ROLLBACK");
      return Promise.reject(error);
    }
    return Promise.resolve();
  }

  list(owner: string, limit: number): Promise<ConversationSummary[]> {
    const rows = this.#prepared().list.all(owner, limit) as unknown as ConversationRow[];
    return Promise.resolve(rows.map(summaryFromRow));
  }

  read(owner: string, id: string): Promise<Conversation | undefined> {
    const { one, turnsOf } = this.#prepared();
    const row = one.get(owner, id) as ConversationRow | undefined;
    if (!row) return Promise.resolve(undefined);
    const turns = (turnsOf.all(owner, id) as unknown as TurnRow[]).map(turnFromRow);
    const { turns: _count, ...summary } = summaryFromRow(row);
    return Promise.resolve({ ...summary, turns });
  }

  delete(owner: string, id: string): Promise<boolean> {
    const { deleteOne, deleteTurns } = this.#prepared();
    this.#db.exec("BEGIN");
    try {
      const { changes } = deleteOne.run(owner, id);
      deleteTurns.run(owner, id);
      this.#db.exec("COMMIT");
      return Promise.resolve(Number(changes) > 0);
    } catch (error) {
      this.#db.exec("ROLLBACK");
      return Promise.reject(error);
    }
  }

  deleteOlderThan(cutoff: number): Promise<number> {
    this.#db.exec("BEGIN");
    try {
      this.#db.prepare(
        "DELETE FROM turns WHERE (owner, conversation_id) IN " +
          "(SELECT owner, id FROM conversations WHERE updated_at < ?)",
      ).run(cutoff);
      const { changes } = this.#db.prepare("DELETE FROM conversations WHERE updated_at < ?")
        .run(cutoff);
      this.#db.exec("COMMIT");
      return Promise.resolve(Number(changes));
    } catch (error) {
      this.#db.exec("ROLLBACK");
      return Promise.reject(error);
    }
  }

  close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
    return Promise.resolve();
  }

  /** Statements prepared once, after the schema exists. */
  #prepared(): Record<string, StatementSync> {
    const db = this.#db;
    return this.#statements ??= {
      upsert: db.prepare(
        `INSERT INTO conversations (owner, id, title, started_at, updated_at, turns)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (owner, id) DO UPDATE SET
           title = CASE WHEN title = '' THEN excluded.title ELSE title END,
           updated_at = max(updated_at, excluded.updated_at),
           turns = turns + excluded.turns`,
      ),
      insertTurn: db.prepare(
        `INSERT INTO turns (owner, conversation_id, role, text, at, sources, tools)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      list: db.prepare(
        `SELECT id, title, started_at, updated_at, turns FROM conversations
         WHERE owner = ? ORDER BY updated_at DESC, id LIMIT ?`,
      ),
      one: db.prepare(
        `SELECT id, title, started_at, updated_at, turns FROM conversations
         WHERE owner = ? AND id = ?`,
      ),
      turnsOf: db.prepare(
        `SELECT role, text, at, sources, tools FROM turns
         WHERE owner = ? AND conversation_id = ? ORDER BY seq`,
      ),
      deleteOne: db.prepare("DELETE FROM conversations WHERE owner = ? AND id = ?"),
      deleteTurns: db.prepare("DELETE FROM turns WHERE owner = ? AND conversation_id = ?"),
    };
  }
}

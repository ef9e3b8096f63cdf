import postgres from "postgres";
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

/** Key of the advisory lock that lets one instance migrate at a time. */
const MIGRATION_LOCK = 0x68697374; // "hist"

/**
 * Conversation history in PostgreSQL, through the `postgres` driver, so that
 * every instance behind a load balancer lists the same conversations.
 * Instances starting together migrate one after the other (advisory lock).
 *
 * @example
 * ```ts ignore
 * const store = new PostgresHistoryStore("postgres://app@127.0.0.1:5432/app");
 * await store.migrate();
 * await store.close();
 * ```
 */
export class PostgresHistoryStore implements HistoryStore {
  readonly #sql: postgres.Sql;

  /** Connects lazily to `url` (`postgres://user:password@host:port/database`). */
  constructor(url: string, { maxConnections = 4 } = {}) {
    this.#sql = postgres(url, {
      max: maxConnections,
      onnotice: () => {},
      // A database that went away fails the write (which is retried), not the process.
      connect_timeout: 5,
      idle_timeout: 60,
    });
  }

  async migrate(): Promise<number[]> {
    return await this.#sql.begin(async (sql) => {
      await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
      await sql`CREATE TABLE IF NOT EXISTS schema_migrations
        (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`;
      const done = await sql<{ version: number }[]>`SELECT version FROM schema_migrations`;
      const applied: number[] = [];
      for (const migration of pendingMigrations(done.map((row) => row.version))) {
        await sql.unsafe(migration.postgres);
        await sql`INSERT INTO schema_migrations (version, applied_at)
          VALUES (${migration.version}, ${Date.now()})`;
        applied.push(migration.version);
      }
      return applied;
    });
  }

  async append(batches: readonly TurnBatch[]): Promise<void> {
    const filled = batches.filter((batch) => batch.turns.length > 0);
    if (filled.length === 0) return;
    await this.#sql.begin(async (sql) => {
      for (const batch of filled) {
        const row = batchConversation(batch);
        await sql`
          INSERT INTO conversations (owner, id, title, started_at, updated_at, turns)
          VALUES (${batch.owner}, ${batch.conversationId}, ${row.title}, ${row.startedAt},
            ${row.updatedAt}, ${row.turns})
          ON CONFLICT (owner, id) DO UPDATE SET
            title = CASE WHEN conversations.title = '' THEN excluded.title
              ELSE conversations.title END,
            updated_at = GREATEST(conversations.updated_at, excluded.updated_at),
            turns = conversations.turns + excluded.turns`;
      }
      const rows = filled.flatMap((batch) =>
        batch.turns.map((turn) => ({
          owner: batch.owner,
          conversation_id: batch.conversationId,
          role: turn.role,
          text: turn.text,
          at: turn.at,
          ...turnColumns(turn),
        }))
      );
      await sql`INSERT INTO turns ${
        sql(rows, "owner", "conversation_id", "role", "text", "at", "sources", "tools")
      }`;
    });
  }

  async list(owner: string, limit: number): Promise<ConversationSummary[]> {
    const rows = await this.#sql<ConversationRow[]>`
      SELECT id, title, started_at, updated_at, turns FROM conversations
      WHERE owner = ${owner} ORDER BY updated_at DESC, id LIMIT ${limit}`;
    return rows.map(summaryFromRow);
  }

  async read(owner: string, id: string): Promise<Conversation | undefined> {
    const [row] = await this.#sql<ConversationRow[]>`
      SELECT id, title, started_at, updated_at, turns FROM conversations
      WHERE owner = ${owner} AND id = ${id}`;
    if (!row) return undefined;
    const turns = await this.#sql<TurnRow[]>`
      SELECT role, text, at, sources, tools FROM turns
      WHERE owner = ${owner} AND conversation_id = ${id} ORDER BY seq`;
    const { turns: _count, ...summary } = summaryFromRow(row);
    return { ...summary, turns: turns.map(turnFromRow) };
  }

  async delete(owner: string, id: string): Promise<boolean> {
    return await this.#sql.begin(async (sql) => {
      const deleted = await sql`DELETE FROM conversations WHERE owner = ${owner} AND id = ${id}`;
      await sql`DELETE FROM turns WHERE owner = ${owner} AND conversation_id = ${id}`;
      return deleted.count > 0;
    });
  }

  async deleteOlderThan(cutoff: number): Promise<number> {
    return await this.#sql.begin(async (sql) => {
      await sql`DELETE FROM turns t USING conversations c
        WHERE c.owner = t.owner AND c.id = t.conversation_id AND c.updated_at < ${cutoff}`;
      const deleted = await sql`DELETE FROM conversations WHERE updated_at < ${cutoff}`;
      return deleted.count;
    });
  }

  async close(): Promise<void> {
    await this.#sql.end({ timeout: 2 });
  }
}

/**
 * The versioned schema of the history database, for both SQLite and
 * PostgreSQL. A migration is never edited once released: changes go in a new
 * version, applied in order at start and recorded in `schema_migrations`.
 *
 * @module
 */

/** One step of the schema, in each database's dialect. */
export interface Migration {
  version: number;
  description: string;
  sqlite: string;
  postgres: string;
}

/** Every migration, oldest first; versions increase by one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "conversations and their turns",
    sqlite: `
      CREATE TABLE conversations (
        owner TEXT NOT NULL,
        id TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        started_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        turns INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (owner, id)
      ) WITHOUT ROWID;
      CREATE INDEX conversations_by_owner ON conversations (owner, updated_at DESC);
      CREATE INDEX conversations_by_age ON conversations (updated_at);
      CREATE TABLE turns (
        seq INTEGER PRIMARY KEY,
        owner TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('user', 'model')),
        text TEXT NOT NULL,
        at INTEGER NOT NULL,
        sources TEXT,
        tools TEXT
      );
      CREATE INDEX turns_by_conversation ON turns (owner, conversation_id, seq);
    `,
    postgres: `
      CREATE TABLE conversations (
        owner TEXT NOT NULL,
        id TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        started_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        turns INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (owner, id)
      );
      CREATE INDEX conversations_by_owner ON conversations (owner, updated_at DESC);
      CREATE INDEX conversations_by_age ON conversations (updated_at);
      CREATE TABLE turns (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        owner TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('user', 'model')),
        text TEXT NOT NULL,
        at BIGINT NOT NULL,
        sources TEXT,
        tools TEXT
      );
      CREATE INDEX turns_by_conversation ON turns (owner, conversation_id, seq);
    `,
  },
];

/** The migrations a database at `applied` versions still needs, in order. */
export function pendingMigrations(applied: Iterable<number>): Migration[] {
  const done = new Set(applied);
  return MIGRATIONS.filter((migration) => !done.has(migration.version));
}

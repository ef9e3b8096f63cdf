/**
 * What conversation history costs: time and bytes per stored turn, database
 * size per 1,000 turns, and listing time with 10,000 conversations stored,
 * for SQLite (a file in a temporary folder) and, when Debian's PostgreSQL is
 * installed, PostgreSQL (a throwaway cluster). Not part of `deno task bench`:
 *
 *     deno run --allow-all bench/history_cost.ts
 *
 * @module
 */
import { PostgresHistoryStore } from "../server/history/postgres_history_store.ts";
import { SqliteHistoryStore } from "../server/history/sqlite_history_store.ts";
import type { HistoryStore, TurnBatch } from "../server/history/history_store.ts";
import { skipPostgresTests, startPostgres } from "../tests/postgres.ts";

const CONVERSATIONS = 10_000;
/** Exchanges (question + answer: two turns) per conversation. */
const EXCHANGES = 3;
const LISTINGS = 200;

/** A typical exchange: a one-line question, a ~700-character answer with three sources. */
function exchange(owner: string, id: string, at: number): TurnBatch {
  return {
    owner,
    conversationId: id,
    turns: [
      { role: "user", text: `What changed in Deno 2 for npm packages? (${id})`, at },
      {
        role: "model",
        text: "Deno 2 reads package.json and node_modules, so most npm packages work as they " +
          "are. ".repeat(8),
        at: at + 900,
        sources: [1, 2, 3].map((n) => ({
          title: `source${n}.example.com`,
          uri: `https://vertexaisearch.cloud.google.com/grounding-api-redirect/${
            "A".repeat(120)
          }${n}`,
        })),
      },
    ],
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function measure(
  name: string,
  store: HistoryStore,
  size: () => Promise<number>,
): Promise<void> {
  await store.migrate();
  const empty = await size();
  // One transaction per exchange, as a session's turn ends (the writer batches more when busy).
  const times: number[] = [];
  let at = Date.now() - CONVERSATIONS * 10_000;
  for (let i = 0; i < CONVERSATIONS; i++) {
    // 10,000 conversations by 100 owners; owner-0 also gets every 100th below.
    const owner = `browser:owner-${i % 100}`;
    for (let e = 0; e < EXCHANGES; e++) {
      const started = performance.now();
      await store.append([exchange(owner, `conv-${i}`, at += 1000)]);
      times.push(performance.now() - started);
    }
  }
  const turns = CONVERSATIONS * EXCHANGES * 2;
  const bytes = await size() - empty;
  const one = CONVERSATIONS / 100;
  const listOne: number[] = [];
  for (let i = 0; i < LISTINGS; i++) {
    const started = performance.now();
    const listed = await store.list(`browser:owner-${i % 100}`, 100);
    listOne.push(performance.now() - started);
    if (listed.length !== 100) throw new Error(`listed ${listed.length}`);
  }
  // One owner holding all 10,000: the worst case of a listing.
  const solo = `browser:solo`;
  for (let i = 0; i < CONVERSATIONS; i += 500) {
    await store.append(
      Array.from({ length: 500 }, (_, j) => exchange(solo, `solo-${i + j}`, at += 10)),
    );
  }
  const listSolo: number[] = [];
  for (let i = 0; i < LISTINGS; i++) {
    const started = performance.now();
    await store.list(solo, 100);
    listSolo.push(performance.now() - started);
  }
  const readTimes: number[] = [];
  for (let i = 0; i < LISTINGS; i++) {
    const started = performance.now();
    await store.read(`browser:owner-${i % 100}`, `conv-${i}`);
    readTimes.push(performance.now() - started);
  }
  console.log(`\n${name}`);
  console.log(
    `  write: one exchange (2 turns) per transaction, median ${median(times).toFixed(3)} ms, ` +
      `p99 ${times.sort((a, b) => a - b)[Math.floor(times.length * 0.99)].toFixed(3)} ms ` +
      `(${(median(times) / 2).toFixed(3)} ms per turn)`,
  );
  console.log(
    `  size: ${(bytes / turns).toFixed(0)} bytes per turn on disk; ` +
      `${(bytes / turns * 1000 / 1024).toFixed(0)} KiB per 1,000 turns ` +
      `(${turns} turns in ${CONVERSATIONS} conversations: ${(bytes / 1048576).toFixed(1)} MiB)`,
  );
  console.log(
    `  list newest 100 of an owner's ${one} (10,000 stored): median ` +
      `${median(listOne).toFixed(3)} ms; of one owner's 10,000: ${median(listSolo).toFixed(3)} ms`,
  );
  console.log(`  read one conversation (6 turns): median ${median(readTimes).toFixed(3)} ms`);
  await store.close();
}

const dir = await Deno.makeTempDir({ prefix: "history_cost_" });
try {
  const path = `${dir}/history.sqlite3`;
  const fileSize = async () => {
    let total = 0;
    for (const suffix of ["", "-wal"]) {
      total += await Deno.stat(path + suffix).then((s) => s.size, () => 0);
    }
    return total;
  };
  const sqlite = new SqliteHistoryStore(path);
  await measure("SQLite (node:sqlite, WAL, synchronous=NORMAL)", sqlite, async () => {
    // What the file holds once the WAL is folded in.
    await Deno.stat(path).catch(() => {});
    return await fileSize();
  });
} finally {
  await Deno.remove(dir, { recursive: true });
}

if (!skipPostgresTests()) {
  await using postgres = await startPostgres();
  const store = new PostgresHistoryStore(postgres.url);
  const { default: postgresJs } = await import("postgres");
  const sql = postgresJs(postgres.url, { onnotice: () => {} });
  await measure(
    "PostgreSQL 15 (postgres 3.4.10; fsync off in this throwaway cluster)",
    store,
    async () => {
      const [row] =
        await sql`SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint AS bytes
        FROM pg_class c WHERE c.relname IN ('conversations', 'turns') AND c.relkind = 'r'`;
      return Number(row.bytes);
    },
  );
  await sql.end();
}

import assert from "node:assert/strict";
import { historyConfig } from "./history_config.ts";

Deno.test("history defaults to a SQLite file kept 30 days; HISTORY_URL picks PostgreSQL; HISTORY=off", () => {
  assert.deepEqual(historyConfig({}), {
    kind: "sqlite",
    path: "data/history.sqlite3",
    retentionDays: 30,
  });
  assert.deepEqual(historyConfig({ HISTORY_PATH: "/var/lib/x.db", HISTORY_RETENTION_DAYS: "0" }), {
    kind: "sqlite",
    path: "/var/lib/x.db",
    retentionDays: 0,
  });
  assert.deepEqual(historyConfig({ HISTORY_URL: "postgres://u@h/db" }), {
    kind: "postgres",
    url: "postgres://u@h/db",
    retentionDays: 30,
  });
  assert.deepEqual(historyConfig({ HISTORY: "off", HISTORY_URL: "nonsense" }), { kind: "off" });
  assert.throws(() => historyConfig({ HISTORY: "maybe" }), /`HISTORY` must be on or off/);
  assert.throws(() => historyConfig({ HISTORY_URL: "mysql://x" }), /`HISTORY_URL`/);
  assert.throws(() => historyConfig({ HISTORY_RETENTION_DAYS: "-1" }), /HISTORY_RETENTION_DAYS/);
});

/**
 * Conversation history in PostgreSQL (Debian's server, started in a
 * temporary folder): two instances behind nginx running deploy/nginx.conf
 * list the same conversations, and a database that is down at first never
 * stops a conversation; its turns are stored once it is up.
 */
import assert from "node:assert/strict";
import { FakeLiveServer } from "./fake_live_server.ts";
import { answerWithSources, eventually, HistoryBrowser } from "./history_client.ts";
import { deployedConfig, startInstance } from "./load_balanced_page.ts";
import { freePort, skipNginxTests, startNginx } from "./nginx.ts";
import { skipPostgresTests, startPostgres } from "./postgres.ts";
import { startHarness } from "./service_harness.ts";

const ignore = skipPostgresTests();
const sanitizers = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  name: "with HISTORY_URL, two instances behind nginx list, read and delete the same conversation",
  ignore: ignore || skipNginxTests(),
  ...sanitizers,
  async fn() {
    await using postgres = await startPostgres();
    const fake = FakeLiveServer.start({ onSession: (c) => void answerWithSources(c) });
    const env = { HISTORY: "on", HISTORY_URL: postgres.url, AGENT: "time_and_units_agent" };
    const instances = [startInstance(fake, env), startInstance(fake, env)];
    const ports = instances.map((s) => s.server.addr.port) as [number, number];
    const listenPort = freePort();
    const nginx = await startNginx(await deployedConfig(listenPort, ports), listenPort);
    try {
      const browser = new HistoryBrowser(nginx.baseUrl);
      await browser.loadPage();
      await browser.ask("shared-conv", "Which instance am I on?");
      // Listings go round robin: both instances must list it.
      await eventually(
        async () => (await browser.list())[0]?.id === "shared-conv",
        10_000,
        "listed through nginx",
      );
      for (const port of ports) {
        browser.baseUrl = `http://127.0.0.1:${port}`;
        const [listed] = await browser.list();
        assert.equal(listed?.id, "shared-conv", `instance on ${port} lists it`);
        assert.equal(listed.title, "Which instance am I on?");
        const read = await (await browser.fetch("/conversations/shared-conv")).json();
        assert.deepEqual(read.turns[1].sources, [
          { title: "example.org", uri: "https://example.org/page" },
        ]);
      }
      const stranger = new HistoryBrowser(nginx.baseUrl);
      await stranger.loadPage();
      assert.deepEqual(await stranger.list(), []);

      browser.baseUrl = `http://127.0.0.1:${ports[0]}`;
      const deleted = await browser.fetch("/conversations/shared-conv", { method: "DELETE" });
      assert.equal(deleted.status, 204);
      browser.baseUrl = `http://127.0.0.1:${ports[1]}`;
      const gone = await browser.fetch("/conversations/shared-conv");
      assert.equal(gone.status, 404, "deleted on one instance, gone on the other");
      await gone.body?.cancel();
      await browser.close();
    } finally {
      await nginx.stop();
      await Promise.all(instances.map((s) => s.shutdown()));
      await fake.close();
    }
  },
});

Deno.test({
  name: "a database that is down never stops the conversation; its turns are stored once it is up",
  ignore,
  ...sanitizers,
  async fn() {
    const port = freePort();
    await using h = startHarness(
      {
        HISTORY: "on",
        HISTORY_URL: `postgres://postgres@127.0.0.1:${port}/postgres`,
        AGENT: "time_and_units_agent",
      },
      { onSession: (c) => void answerWithSources(c) },
    );
    const browser = new HistoryBrowser(h.baseUrl);
    await browser.loadPage();
    // Nothing listens on the database's port: every write fails.
    const sse = await browser.ask("db-down", "Is the database there?");
    await browser.ask("db-down", "Still talking?");
    const listing = await browser.fetch("/conversations");
    assert.equal(listing.status, 503);
    assert.match((await listing.json()).error, /history is unavailable/);
    await eventually(
      async () => {
        const metrics = await (await fetch(`${h.baseUrl}/metrics`)).text();
        return /history_writes_total\{result="failed"\} [1-9]/.test(metrics);
      },
      10_000,
      "failed writes are counted",
    );
    await using _postgres = await startPostgres({ port });
    // Retried with backoff (1 s, 2 s, 4 s, …): both exchanges arrive, in order.
    const [stored] = await eventually(
      async () => {
        const response = await browser.fetch("/conversations");
        if (response.status !== 200) return void await response.body?.cancel();
        const { conversations } = await response.json();
        return conversations[0]?.turns === 4 && conversations;
      },
      30_000,
      "the turns are stored once the database is up",
    );
    assert.equal(stored.title, "Is the database there?");
    const read = await (await browser.fetch("/conversations/db-down")).json();
    assert.deepEqual(read.turns.map((t: { text: string }) => t.text), [
      "Is the database there?",
      "Answer to: Is the database there?",
      "Still talking?",
      "Answer to: Still talking?",
    ]);
    await sse.close();
    await browser.close();
  },
});

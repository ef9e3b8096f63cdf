/**
 * Conversation history end to end with the default store, a SQLite file:
 * the real service (restarted as an operator would), the fake Live API, and
 * browsers told apart by their owner cookies.
 */
import assert from "node:assert/strict";
import { answerWithSources, eventually, HistoryBrowser } from "./history_client.ts";
import { startHarness } from "./service_harness.ts";

const sanitizers = { sanitizeResources: false, sanitizeOps: false };

function startWithHistory(path: string, env: Record<string, string> = {}) {
  return startHarness(
    { HISTORY: "on", HISTORY_PATH: path, AGENT: "time_and_units_agent", ...env },
    { onSession: (c) => void answerWithSources(c) },
  );
}

Deno.test({
  name: "a typed conversation is listed after a restart, reads back and exports with its " +
    "sources, stays invisible to another browser, and is gone after Delete",
  ...sanitizers,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "history_test_" });
    // The folder does not exist yet: the service creates it.
    const path = `${dir}/data/history.sqlite3`;
    try {
      const first = startWithHistory(path);
      const alice = new HistoryBrowser(first.baseUrl);
      await alice.loadPage();
      assert.ok(alice.owner, "the page gives the browser its owner cookie");
      const page = await alice.fetch("/");
      assert.equal(page.headers.getSetCookie().length, 0, "only the first visit sets it");
      await page.body?.cancel();
      await alice.ask("conv-a", "How far is 5 km in miles?");
      await eventually(async () => (await alice.list()).length === 1, 5000, "the turn is stored");
      await alice.close();
      await first[Symbol.asyncDispose]();
      assert.ok((await Deno.stat(path)).isFile);

      await using second = startWithHistory(path);
      // The same browser, with its cookie, comes back to the restarted service.
      const restarted = alice;
      restarted.baseUrl = second.baseUrl;
      const listed = await restarted.list();
      assert.equal(listed.length, 1);
      assert.equal(listed[0].id, "conv-a");
      assert.equal(listed[0].title, "How far is 5 km in miles?");
      assert.equal(listed[0].turns, 2);

      const read = await restarted.fetch("/conversations/conv-a");
      assert.equal(read.status, 200);
      const conversation = await read.json();
      assert.equal(conversation.title, "How far is 5 km in miles?");
      const [question, answer] = conversation.turns;
      assert.equal(question.role, "user");
      assert.equal(question.text, "How far is 5 km in miles?");
      assert.ok(!Number.isNaN(Date.parse(question.at)));
      assert.equal(answer.role, "model");
      assert.equal(answer.text, "Answer to: How far is 5 km in miles?");
      assert.deepEqual(answer.sources, [{ title: "example.org", uri: "https://example.org/page" }]);
      assert.equal(answer.tools.length, 1);
      assert.equal(answer.tools[0].name, "convert_units");
      assert.deepEqual(answer.tools[0].args, { value: 5, from: "km", to: "mi" });
      assert.equal(answer.tools[0].status, "done");
      assert.equal(answer.tools[0].result.result, 3.106855961);

      const markdown = await restarted.fetch("/conversations/conv-a?format=md");
      assert.equal(markdown.headers.get("content-type"), "text/markdown; charset=utf-8");
      const text = await markdown.text();
      assert.match(text, /^# How far is 5 km in miles\?/);
      assert.match(text, /- \[example\.org\]\(<https:\/\/example\.org\/page>\)/);
      assert.match(text, /convert_units/);

      // Another browser sees nothing of it: the same 404 as for an id never used.
      const bob = new HistoryBrowser(second.baseUrl);
      await bob.loadPage();
      assert.notEqual(bob.owner, alice.owner);
      assert.deepEqual(await bob.list(), []);
      for (
        const [method, path] of [
          ["GET", "/conversations/conv-a"],
          ["GET", "/conversations/conv-a?format=md"],
          ["DELETE", "/conversations/conv-a"],
          ["GET", "/conversations/never-used"],
        ]
      ) {
        const response = await bob.fetch(path, { method });
        assert.equal(response.status, 404, `${method} ${path}`);
        assert.match((await response.json()).error, /no conversation/);
      }
      const anonymous = await fetch(`${second.baseUrl}/conversations/conv-a`);
      assert.equal(anonymous.status, 404);
      await anonymous.body?.cancel();

      // Continue: a new session carries the transcript in its instruction;
      // Bob cannot continue Alice's conversation.
      await restarted.ask("conv-c", "And in feet?", "&continue=conv-a");
      const continued = (await second.fake.connection(0)).setup.systemInstruction.parts;
      assert.equal(continued.length, 2);
      assert.match(continued[1].text, /continues an earlier one/);
      assert.match(continued[1].text, /User: How far is 5 km in miles\?\nAgent: Answer to: How/);
      await bob.ask("conv-b", "Hello", "&continue=conv-a");
      assert.equal((await second.fake.connection(1)).setup.systemInstruction.parts.length, 1);

      // Delete: refused cross-site, then gone.
      const crossSite = await restarted.fetch("/conversations/conv-a", {
        method: "DELETE",
        headers: { Origin: "https://evil.example" },
      });
      assert.equal(crossSite.status, 403);
      await crossSite.body?.cancel();
      const deleted = await restarted.fetch("/conversations/conv-a", { method: "DELETE" });
      assert.equal(deleted.status, 204);
      const gone = await restarted.fetch("/conversations/conv-a");
      assert.equal(gone.status, 404);
      await gone.body?.cancel();
      await eventually(
        async () => (await restarted.list()).map((c) => c.id).join() === "conv-c",
        5000,
        "only the continued conversation is left",
      );
      await Promise.all([restarted.close(), bob.close()]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "behind an authenticating proxy, conversations belong to the signed-in user on any device",
  ...sanitizers,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "history_test_" });
    try {
      await using h = startWithHistory(`${dir}/history.sqlite3`, {
        TRUSTED_USER_HEADER: "X-Forwarded-User",
      });
      const laptop = new HistoryBrowser(h.baseUrl, { "X-Forwarded-User": "alice" });
      await laptop.ask("user-conv", "What is Deno?");
      assert.equal(laptop.owner, undefined, "no owner cookie: the user owns it");
      const phone = new HistoryBrowser(h.baseUrl, { "X-Forwarded-User": "alice" });
      await eventually(
        async () => (await phone.list())[0]?.id === "user-conv",
        5000,
        "listed on another device",
      );
      const bob = new HistoryBrowser(h.baseUrl, { "X-Forwarded-User": "bob" });
      assert.deepEqual(await bob.list(), []);
      const read = await bob.fetch("/conversations/user-conv");
      assert.equal(read.status, 404);
      await read.body?.cancel();
      const noUser = await fetch(`${h.baseUrl}/conversations`);
      assert.equal(noUser.status, 401);
      await noUser.body?.cancel();
      await laptop.close();
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

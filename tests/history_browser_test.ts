/**
 * The History panel in a real browser (Chromium via playwright-core), against
 * the real service keeping history in a SQLite file: a typed conversation
 * is listed and opened with its sources, exported, continued, hidden from
 * another browser, and deleted.
 */
import assert from "node:assert/strict";
import { launchChromium, skipBrowserTests } from "./browser.ts";
import { openClient, screenshotBothWidths, waitUntil } from "./browser_page.ts";
import { answerWithSources } from "./history_client.ts";
import { startHarness } from "./service_harness.ts";

Deno.test({
  name: "in a real browser, the History panel lists, opens, exports, continues and deletes a " +
    "conversation that another browser cannot see",
  ignore: skipBrowserTests(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "history_browser_test_" });
    await using h = startHarness(
      { HISTORY: "on", HISTORY_PATH: `${dir}/history.sqlite3` },
      { onSession: (c) => void answerWithSources(c) },
    );
    const browser = await launchChromium();
    try {
      const { page, problems } = await openClient(browser, h.baseUrl);
      await page.waitForSelector("#sendButton:not([disabled])");
      await page.fill("#message", "What is Deno?");
      await page.keyboard.press("Enter");
      await page.locator("#messages .turn.agent .sources a").waitFor();
      // Stored in the background: wait for it, as a person reopening the panel would.
      await waitUntil("the conversation is stored", async () =>
        await page.evaluate<number>(
          `fetch("/conversations").then((r) => r.json()).then((d) => d.conversations.length)`,
        ) === 1);

      await page.click("#historyButton");
      const item = page.locator("#historyDialog .history-item");
      await item.waitFor();
      assert.equal(await item.count(), 1);
      assert.match(await item.textContent() ?? "", /What is Deno\?.*2 turns/);
      await screenshotBothWidths(page, "history-list");

      await item.click();
      const turns = page.locator("#historyDialog .history-turn");
      await turns.first().waitFor();
      assert.equal(await turns.count(), 2);
      assert.equal(await turns.nth(0).locator(".bubble").textContent(), "What is Deno?");
      assert.equal(
        await turns.nth(1).locator(".bubble").textContent(),
        "Answer to: What is Deno?",
      );
      const source = turns.nth(1).locator(".sources a");
      assert.equal(await source.getAttribute("href"), "https://example.org/page");
      assert.equal(await source.getAttribute("rel"), "noopener noreferrer");
      // Read-only: the panel has no input to type into.
      assert.equal(await page.locator("#historyDialog input, #historyDialog textarea").count(), 0);
      await page.setViewportSize({ width: 360, height: 740 });
      const box = await page.locator("#historyDialog").boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 360, `the panel fits 360 px: ${box}`);
      await page.setViewportSize({ width: 1280, height: 800 });
      await screenshotBothWidths(page, "history-conversation");

      const [download] = await Promise.all([
        page.waitForEvent("download", { timeout: 10_000 }),
        page.click("#historyDialog .history-export"),
      ]);
      const exported = await Deno.readTextFile((await download.path())!);
      assert.match(exported, /^# What is Deno\?/);
      assert.match(exported, /\[example\.org\]\(<https:\/\/example\.org\/page>\)/);

      // Another browser (its own cookies) sees no history.
      const other = await openClient(browser, h.baseUrl);
      await other.page.waitForSelector("body[data-state=open]");
      await other.page.click("#historyButton");
      await other.page.locator("#historyDialog .history-empty").waitFor();
      assert.equal(await other.page.locator("#historyDialog .history-item").count(), 0);
      assert.deepEqual(other.problems, []);
      await other.page.close();

      // Continue: a new page and session that says it continues the transcript.
      await page.click("#historyDialog .history-continue");
      await page.waitForURL(/\?continue=/);
      await page.waitForSelector("body[data-state=open]");
      await waitUntil(
        "the note names the conversation",
        async () =>
          /continues from the transcript of “What is Deno\?”/.test(
            await page.textContent("#continueNote") ?? "",
          ),
      );
      const setups = h.fake.setups.filter((s) => s.systemInstruction.parts.length === 2);
      assert.equal(setups.length, 1, "the new Live session carries the transcript");
      assert.match(setups[0].systemInstruction.parts[1].text, /User: What is Deno\?/);

      // Delete asks once; then the list no longer has it.
      await page.click("#historyButton");
      await page.locator("#historyDialog .history-item").first().waitFor();
      let asked = 0;
      page.on("dialog", (dialog) => {
        asked++;
        void dialog.accept();
      });
      await page.click("#historyDialog .history-item");
      await page.click("#historyDialog .history-delete");
      await page.locator("#historyDialog .history-empty").waitFor();
      assert.equal(asked, 1);
      const gone = await page.evaluate<number>(
        `fetch("/conversations/" + ${
          JSON.stringify("")
        } + new URL(location.href).searchParams.get("continue")).then((r) => r.status)`,
      );
      assert.equal(gone, 404);

      await page.click("#historyDialog .history-new");
      await page.waitForURL((url) => url.search === "");
      assert.equal(await page.isHidden("#continueNote"), true);
      assert.deepEqual(problems.filter((p) => !/404/.test(p)), []);
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

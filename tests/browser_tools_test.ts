/**
 * Tool calls in a real browser (Debian's Chromium via playwright-core),
 * against the real service and the fake Live API, under a strict CSP: the
 * compact line of each call, its details, and the Allow/Deny flow.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { AgentCatalog } from "../agent/agent_catalog.ts";
import { timeAndUnitsAgent } from "../agent/time_and_units_agent.ts";
import { launchChromium, skipBrowserTests } from "./browser.ts";
import { openClient, screenshotBothWidths } from "./browser_page.ts";
import { startHarness } from "./service_harness.ts";
import { deleteNoteTool } from "./test_tools.ts";

const ignore = skipBrowserTests();
const browserTest = { ignore, sanitizeResources: false, sanitizeOps: false };

/** The example agent plus a tool that asks the user first. */
const agents: AgentCatalog = {
  guarded_agent: (settings) => {
    const agent = timeAndUnitsAgent(settings);
    return {
      ...agent,
      name: "guarded_agent",
      functionTools: [
        ...agent.functionTools ?? [],
        deleteNoteTool,
      ],
    };
  },
};

Deno.test({
  name: "in a real browser, a tool call shows as an expandable line, and Allow/Deny answer it",
  ...browserTest,
  async fn() {
    await using h = startHarness({ AGENT: "guarded_agent" }, {}, { agents });
    const browser = await launchChromium();
    try {
      const { page, problems } = await openClient(browser, h.baseUrl);
      await page.waitForSelector("body[data-state=open]");
      const upstream = await h.fake.connection(0);

      // A call that runs at once: one compact line, its result a click away.
      upstream.toolCall([{
        id: "c1",
        name: "convert_units",
        args: { value: 5, from: "km", to: "mi" },
      }]);
      const convert = page.locator(".tool-call", { hasText: "convert_units" });
      await convert.and(page.locator("[data-status=done]")).waitFor();
      assert.equal(await convert.locator(".tool-status").textContent(), "Done");
      assert.match(
        await convert.locator(".tool-summary").textContent() ?? "",
        /^value: 5, from: km, to: mi → .*"result":3\.106855961/,
      );
      assert.equal(await convert.locator("pre").first().isVisible(), false, "collapsed at first");
      await convert.locator("summary").click();
      assert.match(
        await convert.locator("pre").nth(1).textContent() ?? "",
        /"result": 3\.106855961/,
      );
      assert.equal((await upstream.nextToolResponse())[0].id, "c1");
      upstream.text("5 km is about 3.1 miles.");
      upstream.turnComplete();
      await page.locator(".turn.agent .bubble", { hasText: "3.1 miles" }).waitFor();

      // A call that needs the user's OK: Allow runs it.
      upstream.toolCall([{ id: "c2", name: "delete_note", args: { title: "groceries" } }]);
      const allowed = page.locator(".tool-call", { hasText: "groceries" });
      await allowed.locator("button.tool-allow").waitFor();
      assert.equal(await allowed.locator(".tool-status").textContent(), "Needs your OK");
      assert.match(await page.textContent("#announcer") ?? "", /wants to run delete_note/);
      await screenshotBothWidths(page, "tool-confirm");
      // By keyboard: focus stays on the call's line when the buttons go.
      await allowed.locator("button.tool-allow").focus();
      await page.keyboard.press("Enter");
      assert.deepEqual(await upstream.nextToolResponse(), [
        {
          id: "c2",
          name: "delete_note",
          response: { output: "deleted groceries" },
          scheduling: "WHEN_IDLE",
        },
      ]);
      await allowed.and(page.locator("[data-status=done]")).waitFor();
      assert.equal(await allowed.locator("button").count(), 0, "the buttons are gone");
      assert.match(
        await focusedToolLine(page) ?? "",
        /^delete_note title: groceries/,
        "focus lost",
      );

      // Deny: the tool does not run and the model hears why.
      upstream.toolCall([{ id: "c3", name: "delete_note", args: { title: "taxes" } }]);
      const denied = page.locator(".tool-call", { hasText: "taxes" });
      await denied.locator("button.tool-deny").click();
      assert.deepEqual(await upstream.nextToolResponse(), [{
        id: "c3",
        name: "delete_note",
        response: { error: "The user declined to run `delete_note`; it was not run." },
        scheduling: "WHEN_IDLE",
      }]);
      await denied.and(page.locator("[data-status=error]")).waitFor();
      assert.match(await focusedToolLine(page) ?? "", /taxes/, "focus was lost after Deny");
      assert.equal(await denied.locator(".tool-status").textContent(), "Failed");
      assert.match(await denied.locator(".tool-summary").textContent() ?? "", /declined/);

      await screenshotBothWidths(page, "tools");
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
    }
  },
});

/** The text of the tool line whose `<summary>` has focus, or null when focus is elsewhere. */
function focusedToolLine(page: Page): Promise<string | null> {
  return page.evaluate<string | null>(
    `(() => {
      const focused = document.activeElement;
      if (focused?.tagName !== "SUMMARY" || !focused.closest(".tool-call")) return null;
      return [focused.querySelector(".tool-name")?.textContent,
        focused.querySelector(".tool-summary")?.textContent].join(" ");
    })()`,
  );
}

/**
 * Failover with shared session state: two instances of the real service
 * with `REDIS_URL` behind nginx running `deploy/nginx.conf`, a real
 * `redis-server`, and the fake Live API. When the instance holding sessions
 * shuts down, their pages reconnect through nginx to the survivor, which
 * resumes the same Gemini conversations from the stored handles and replays
 * what the pages missed, while the other sessions keep talking.
 */
import assert from "node:assert/strict";
import { createLogger } from "../server/observability/logger.ts";
import { RedisSessionStore } from "../server/sessions/redis_session_store.ts";
import { type FakeLiveConnection, FakeLiveServer } from "./fake_live_server.ts";
import {
  deployedConfig,
  nextEvent,
  openPage,
  ownerOf,
  type Page,
  post,
  startInstance,
} from "./load_balanced_page.ts";
import { freePort, skipNginxTests, startNginx } from "./nginx.ts";
import type { Nginx } from "./nginx.ts";
import { skipRedisTests, startRedis } from "./redis.ts";

const ignore = skipNginxTests() || skipRedisTests();

const SESSIONS = 10;

/** Which Live connection each question reached. */
const askedOn = new Map<string, FakeLiveConnection>();

/**
 * The fake agent answers each question in two parts, then gives a resumption
 * handle named after the question, as Gemini hands out a newer handle after
 * each turn.
 */
async function answerQuestions(upstream: FakeLiveConnection): Promise<void> {
  while (upstream.isOpen) {
    const question = await upstream.nextText();
    askedOn.set(question, upstream);
    upstream.text(`answer to ${question}`, " (end)");
    upstream.turnComplete();
    upstream.sessionResumptionUpdate(`handle after ${question}`);
  }
}

/** Asks one question through nginx and reads the whole answer. */
async function converse(nginx: Nginx, page: Page, question: string): Promise<void> {
  const sent = await post(nginx, "/send", page, { mime_type: "text/plain", data: question });
  // 200 sent, or 202 queued while a resumed session's Live connection is set up.
  assert.ok(sent.status === 200 || sent.status === 202, `${sent.status} ${await sent.text()}`);
  const texts = [];
  for (;;) {
    const event = JSON.parse((await nextEvent(page, (e) => e.event === "message")).data);
    if (event.turn_complete) break;
    texts.push(event.data);
  }
  assert.equal(texts.join(""), `answer to ${question} (end)`);
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test({
  name: "with REDIS_URL, sessions of an instance that shuts down resume on the survivor",
  ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async (t) => {
  const redis = await startRedis();
  const fake = FakeLiveServer.start({ onSession: (c) => void answerQuestions(c) });
  const instances = [
    startInstance(fake, { REDIS_URL: redis.url }),
    startInstance(fake, { REDIS_URL: redis.url }),
  ];
  const ports = instances.map((s) => s.server.addr.port) as [number, number];
  const listenPort = freePort();
  const nginx = await startNginx(await deployedConfig(listenPort, ports), listenPort);
  const store = new RedisSessionStore({ url: redis.url, logger: createLogger("error") });
  let pages: Page[] = [];
  try {
    await t.step("10 pages talk through nginx; each session's state reaches Redis", async () => {
      pages = await Promise.all(
        Array.from({ length: SESSIONS }, (_, i) => openPage(nginx, `fo-session-${i}`)),
      );
      await Promise.all(pages.map((p) => converse(nginx, p, `hello ${p.id}`)));
      // Saved off the request path, soon after the turn and its handle.
      const deadline = Date.now() + 3000;
      for (const page of pages) {
        while ((await store.load(page.id))?.handle !== `handle after hello ${page.id}`) {
          assert.ok(Date.now() < deadline, `${page.id}'s handle never reached Redis`);
          await delay(20);
        }
        const stored = (await store.load(page.id))!;
        assert.equal(stored.mode, "text");
        assert.ok(!JSON.stringify(stored).includes(page.token), "the token itself is not stored");
      }
    });

    await t.step(
      "the survivor continues each moved conversation with its stored handle and replays what " +
        "the page missed; the other sessions keep talking",
      async () => {
        const owner = new Map(pages.map((p) => [p.id, ownerOf(instances, p.id)]));
        const counts = [0, 1].map((i) => pages.filter((p) => owner.get(p.id) === i).length);
        const [survivor, goner] = counts[1] >= counts[0] ? [0, 1] : [1, 0];
        const leaving = pages.filter((p) => owner.get(p.id) === goner);
        const staying = pages.filter((p) => owner.get(p.id) === survivor);
        assert.ok(leaving.length >= 2, "two pages to move");
        console.log(`sessions per instance: ${counts.join(" and ")}; ${leaving.length} move`);

        // One page will come back having lost the end of its stream in transit:
        // it presents the id it had before its second question.
        const [lagging] = leaving;
        const lostAfter = lagging.lastEventId;
        await converse(nginx, lagging, `second question ${lagging.id}`);
        const setupsBefore = fake.setups.length;

        const started = performance.now();
        const shutdown = instances[goner].shutdown();
        const [, moved] = await Promise.all([
          Promise.all(staying.map((p) => converse(nginx, p, `still there ${p.id}?`))),
          Promise.all(leaving.map(async (old) => {
            const notice = await nextEvent(old, (e) => e.event === "error");
            assert.match(JSON.parse(notice.data).error, /The server is restarting/);
            await old.sse.ended();
            await shutdown;
            if (old === lagging) {
              // The stored session stays its owner's, as a live one does.
              const stranger = await fetch(`${nginx.baseUrl}/events/${old.id}?is_audio=false`, {
                headers: { "X-Session-Token": "not-the-token", "Last-Event-ID": old.lastEventId },
              });
              assert.equal(stranger.status, 409, await stranger.text());
            }
            const resumeFrom = old === lagging ? lostAfter : old.lastEventId;
            const page = await openPage(nginx, old.id, { ...old, lastEventId: resumeFrom });
            assert.equal(page.token, old.token, "the session keeps its owner's token");
            assert.equal(page.lastEventId, resumeFrom, "the stream resumes where the page was");
            assert.ok(instances[survivor].registry.get(page.id), `${page.id} not on the survivor`);
            return page;
          })),
        ]);
        const movedMs = performance.now() - started;

        // The lagging page gets exactly what it missed, in order: the second
        // answer and the restart notice.
        const replayed = moved[0];
        const expected = [
          `answer to second question ${lagging.id}`,
          " (end)",
          "turn_complete",
          "The server is restarting; this page reconnects in a moment",
        ];
        const got = [];
        for (let i = 0; i < expected.length; i++) {
          const event = await nextEvent(replayed, () => true);
          assert.equal(Number(event.id), Number(lostAfter) + i + 1, "ids go on without a gap");
          const data = JSON.parse(event.data);
          got.push(data.data ?? data.error ?? (data.turn_complete ? "turn_complete" : "?"));
        }
        assert.deepEqual(got, expected);

        await Promise.all(moved.map((p) => converse(nginx, p, `after failover ${p.id}`)));
        for (const page of moved) {
          // Same conversation: the new Live connection was set up with the stored handle,
          // and the text sent after the failover reached that connection.
          const resumed = askedOn.get(`after failover ${page.id}`)!;
          const expectedHandle = page.id === lagging.id
            ? `handle after second question ${page.id}`
            : `handle after hello ${page.id}`;
          assert.equal(resumed.setup.sessionResumption?.handle, expectedHandle);
          assert.ok(
            !page.seen.some((e) => e.event === "error" && /could not be continued/.test(e.data)),
            `${page.id} was told its conversation was lost`,
          );
        }
        const resumedSetups = fake.setups.slice(setupsBefore);
        assert.equal(
          resumedSetups.length,
          leaving.length,
          "one new Live connection per moved page",
        );
        assert.ok(resumedSetups.every((s) => s.sessionResumption?.handle?.startsWith("handle")));

        // The staying sessions kept their Live connections and keep talking.
        await Promise.all(staying.map((p) => converse(nginx, p, `after failover ${p.id}`)));
        for (const page of staying) {
          assert.equal(askedOn.get(`after failover ${page.id}`), askedOn.get(`hello ${page.id}`));
        }
        assert.equal(instances[survivor].registry.size, SESSIONS);
        pages = [...staying, ...moved];
        console.log(
          `failover: ${leaving.length} sessions resumed on the survivor with their Gemini ` +
            `handles ${Math.round(movedMs)} ms after the shutdown began`,
        );
      },
    );
  } finally {
    await Promise.all(pages.map((p) => p.sse.close()));
    await Promise.all(instances.map((s) => s.shutdown()));
    await store.close();
    await nginx.stop();
    await fake.close();
    await redis.stop();
  }
});

/**
 * Two instances of the real service behind nginx running `deploy/nginx.conf`
 * (only its addresses replaced), with the fake Live API upstream: sessions
 * stick to one instance, streams flow through unbuffered, and when an
 * instance shuts down its pages reconnect to the survivor.
 */
import assert from "node:assert/strict";
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
import { freePort, type Nginx, skipNginxTests, startNginx } from "./nginx.ts";

const ignore = skipNginxTests();

const SESSIONS = 20;
/** How long the fake agent waits between the two halves of an answer. */
const SECOND_HALF_AFTER_MS = 500;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** When the fake agent sent the first half of its answer to each question. */
const firstHalfSentAt = new Map<string, number>();

/**
 * The fake agent answers each question in two halves, `SECOND_HALF_AFTER_MS`
 * apart, so a page that gets the first half only with the second would show
 * that something on the way buffers.
 */
async function answerQuestions(upstream: FakeLiveConnection): Promise<void> {
  while (upstream.isOpen) {
    const question = await upstream.nextText();
    firstHalfSentAt.set(question, performance.now());
    upstream.text(`first half for ${question}`);
    await delay(SECOND_HALF_AFTER_MS);
    upstream.text(`, second half for ${question}`);
    upstream.turnComplete();
  }
}

/**
 * Asks one question and reads the answer; returns how long the first half
 * took from the fake agent to the page.
 */
async function converse(nginx: Nginx, page: Page, question: string): Promise<number> {
  const sent = await post(nginx, "/send", page, { mime_type: "text/plain", data: question });
  const answer = await sent.text();
  // 200 sent, or 202 queued while a moved session's new Live connection is set up.
  assert.ok(sent.status === 200 || sent.status === 202, `${sent.status} ${answer}`);
  const first = await nextEvent(page, (e) => e.event === "message");
  const arrivedAt = performance.now();
  assert.equal(JSON.parse(first.data).data, `first half for ${question}`);
  const second = await nextEvent(page, (e) => e.event === "message");
  assert.equal(JSON.parse(second.data).data, `, second half for ${question}`);
  assert.deepEqual(
    JSON.parse((await nextEvent(page, (e) => e.event === "message")).data),
    { turn_complete: true, interrupted: false },
  );
  return arrivedAt - firstHalfSentAt.get(question)!;
}

/**
 * A POST sent straight to an instance whose body is still arriving until
 * `finish()`: it keeps a shutting-down instance draining meanwhile.
 */
function slowUpload(port: number, page: Page): { response: Promise<Response>; finish(): void } {
  const encoder = new TextEncoder();
  let finish!: () => void;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode('{"mime_type":"text/plain",'));
      finish = () => {
        controller.enqueue(encoder.encode('"data":"last words"}'));
        controller.close();
      };
    },
  });
  const response = fetch(`http://127.0.0.1:${port}/send/${page.id}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Session-Token": page.token },
    body,
  });
  // Handled now, so a failure is reported where the test awaits it, not as
  // an unhandled rejection in between.
  response.catch(() => {});
  return { response, finish: () => finish() };
}

Deno.test({
  name: "two instances behind nginx running deploy/nginx.conf",
  ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async (t) => {
  const fake = FakeLiveServer.start({ onSession: (c) => void answerQuestions(c) });
  const instances = [startInstance(fake), startInstance(fake)];
  const ports = instances.map((s) => s.server.addr.port) as [number, number];
  const listenPort = freePort();
  const nginx = await startNginx(await deployedConfig(listenPort, ports), listenPort);
  const pages: Page[] = [];
  let survivorStopped = false;
  try {
    let owner = new Map<string, number>();
    await t.step(
      "20 pages talk at once; each event reaches its page while the turn goes on",
      async () => {
        const started = performance.now();
        pages.push(
          ...await Promise.all(
            Array.from({ length: SESSIONS }, (_, i) => openPage(nginx, `lb-session-${i}`)),
          ),
        );
        const latencies = await Promise.all(pages.map((p) => converse(nginx, p, `hello ${p.id}`)));
        const stop = await post(nginx, "/interrupt", pages[0]);
        assert.deepEqual(await stop.json(), { status: "interrupted" });
        const stopped = await nextEvent(pages[0], (e) => e.event === "message");
        assert.deepEqual(JSON.parse(stopped.data), { interrupted: true });
        console.log(
          `${SESSIONS} sessions through nginx: opened and answered in ${
            Math.round(performance.now() - started)
          } ms; first half reached the page after at most ${
            Math.max(...latencies).toFixed(1)
          } ms (the second half follows ${SECOND_HALF_AFTER_MS} ms later)`,
        );
        // Each event arrives while the turn is still going, not held until its end.
        assert.ok(Math.max(...latencies) < SECOND_HALF_AFTER_MS / 2, `latencies ${latencies}`);
      },
    );

    await t.step(
      "every request of a session, tool confirmations included, reaches the one instance holding it; both hold some",
      async () => {
        owner = new Map(pages.map((p) => [p.id, ownerOf(instances, p.id)]));
        const counts = [0, 1].map((i) => [...owner.values()].filter((o) => o === i).length);
        console.log(`sessions per instance: ${counts.join(" and ")}`);
        assert.ok(counts[0] > 0 && counts[1] > 0, `sessions per instance: ${counts}`);
        // A tool confirmation for a call nobody waits on: the owner answers 404
        // "no call waits"; round robin would send about half to the other instance.
        for (const page of pages) {
          const answer = await post(nginx, "/tools", page, { approved: true }, "no-such-call");
          assert.equal(answer.status, 404, await answer.text());
        }
        const log = await nginx.accessLog();
        for (const page of pages) {
          const [confirmation] = log.filter((r) => r.uri === `/tools/${page.id}/no-such-call`);
          assert.ok(confirmation, `the confirmation of ${page.id} is in the access log`);
          assert.deepEqual(confirmation.upstreams, [`127.0.0.1:${ports[owner.get(page.id)!]}`]);
        }
        for (const page of pages) {
          const requests = log.filter((r) => r.uri.endsWith(`/${page.id}`));
          assert.ok(requests.length >= 1, `requests of ${page.id} missing from the access log`);
          for (const request of requests) {
            assert.deepEqual(request.upstreams, [`127.0.0.1:${ports[owner.get(page.id)!]}`]);
            // A POST that beat its session's Live connection is queued: 202.
            const ok = request.uri.startsWith("/send/") ? ["200", "202"] : ["200"];
            assert.ok(ok.includes(request.status), `${request.uri} → ${request.status}`);
          }
        }
      },
    );

    await t.step("other requests are spread over both instances", async () => {
      for (let i = 0; i < 6; i++) {
        const health = await fetch(`${nginx.baseUrl}/healthz`);
        assert.deepEqual(await health.json(), { status: "ok" });
      }
      const healthUpstreams = new Set(
        (await nginx.accessLog()).filter((r) => r.uri === "/healthz").flatMap((r) => r.upstreams),
      );
      assert.deepEqual([...healthUpstreams].sort(), ports.map((p) => `127.0.0.1:${p}`).sort());
    });

    // Its pages come straight back, as EventSource does. While it drains
    // (held open here by an upload still arriving) it answers 503, and once
    // it is gone connections are refused; either way nginx hands them to the
    // survivor, where each gets a new session that says the old conversation
    // could not be continued.
    await t.step(
      "when an instance shuts down its pages reconnect to the survivor; the others keep talking",
      async () => {
        // The instance holding more sessions leaves, so at least two pages move.
        const counts = [0, 1].map((i) => pages.filter((p) => owner.get(p.id) === i).length);
        const [survivor, goner] = counts[1] >= counts[0] ? [0, 1] : [1, 0];
        const leaving = pages.filter((p) => owner.get(p.id) === goner);
        const staying = pages.filter((p) => owner.get(p.id) === survivor);
        assert.ok(leaving.length >= 2, "two pages to move");
        const [late, ...early] = leaving;
        const moveToSurvivor = async (old: Page) => {
          const page = await openPage(nginx, old.id, old);
          assert.equal(page.lastEventId, old.lastEventId, "ids go on after the last one seen");
          assert.notEqual(page.token, old.token);
          const notice = await nextEvent(page, (e) => e.event === "error");
          assert.match(JSON.parse(notice.data).error, /could not be continued/);
          assert.equal(JSON.parse(notice.data).fatal, false);
          assert.ok(instances[survivor].registry.get(page.id), `${page.id} is not on the survivor`);
          return page;
        };
        const toldToReconnect = (old: Page) =>
          nextEvent(old, (e) => e.event === "error").then(async (error) => {
            assert.deepEqual(JSON.parse(error.data), {
              error: "The server is restarting; this page reconnects in a moment",
              fatal: false,
            });
            await old.sse.ended();
          });

        const upload = slowUpload(ports[goner], late);
        await delay(100);
        const shutdownStarted = performance.now();
        const shutdown = instances[goner].shutdown();
        let movedMs = 0;
        const [movedEarly] = await Promise.all([
          Promise.all(early.map((old) => toldToReconnect(old).then(() => moveToSurvivor(old))))
            .then(
              (moved) => (movedMs = performance.now() - shutdownStarted, moved),
            ),
          Promise.all(staying.map((p) => converse(nginx, p, `still there ${p.id}?`))),
          toldToReconnect(late),
        ]);
        upload.finish();
        await (await upload.response).body?.cancel();
        await shutdown;
        const shutdownMs = performance.now() - shutdownStarted;
        const movedLate = await moveToSurvivor(late);

        pages.splice(0, pages.length, ...staying, ...movedEarly, movedLate);
        await Promise.all(pages.map((p) => converse(nginx, p, `after failover ${p.id}`)));
        assert.equal(instances[survivor].registry.size, SESSIONS);
        // The staying sessions kept their Live connections; each moved one has a new one.
        assert.equal(fake.connections.length, SESSIONS + leaving.length);

        await Promise.all(pages.map((p) => p.sse.close()));
        await instances[survivor].shutdown();
        survivorStopped = true;
        // nginx logs a stream once it ends: every reconnect ended on the
        // survivor, the first after the draining instance answered 503.
        await delay(100);
        const reconnects = (await nginx.accessLog()).filter((r) =>
          leaving.some((p) => r.uri === `/events/${p.id}`) &&
          r.upstreams.at(-1) === `127.0.0.1:${ports[survivor]}`
        );
        assert.equal(reconnects.length, leaving.length);
        const tries = reconnects.map((r) => r.upstreamStatuses.join("→"));
        assert.ok(tries.includes("503→200"), `upstream answers: ${tries}`);
        const counted = Object.entries(Object.groupBy(tries, (t) => t))
          .map(([answers, all]) => `${answers} ×${all!.length}`).join(", ");
        console.log(
          `failover: ${early.length} pages on the survivor ${
            Math.round(movedMs)
          } ms after the shutdown began, while it drained, 1 after it stopped (${
            Math.round(shutdownMs)
          } ms); upstream answers to the reconnects: ${counted}`,
        );
      },
    );
  } finally {
    await Promise.all(pages.map((p) => p.sse.close()));
    if (!survivorStopped) await Promise.all(instances.map((s) => s.shutdown()));
    await nginx.stop();
    await fake.close();
  }
});

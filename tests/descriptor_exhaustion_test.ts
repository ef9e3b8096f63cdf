/**
 * The service as `deno task start` runs it, under a low descriptor limit
 * (`ulimit -n`), flooded with idle connections until accepting fails: it
 * must live through it, keep its event streams flowing and serve again once
 * the connections are gone.
 */
import assert from "node:assert/strict";
import { FakeLiveServer } from "./fake_live_server.ts";
import { freePort } from "./nginx.ts";
import { SseClient } from "./sse_client.ts";
import { watchProcess } from "./watched_process.ts";

const DESCRIPTOR_LIMIT = 200;

/** Polls `url` until it answers 200; false when `deadlineMs` passes first. */
async function answers(url: string, deadlineMs: number): Promise<boolean> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      await response.body?.cancel();
      if (response.ok) return true;
    } catch {
      // Not listening (yet, or again).
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

Deno.test({
  name:
    "a flood of idle connections past `ulimit -n` does not end the service; it serves again after",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const fake = FakeLiveServer.start();
  const port = freePort();
  const dir = await Deno.makeTempDir({ prefix: "descriptor_exhaustion_" });
  const main = new URL("../main.ts", import.meta.url).pathname;
  const config = new URL("../deno.json", import.meta.url).pathname;
  const service = watchProcess(
    new Deno.Command("bash", {
      args: [
        "-c",
        `ulimit -n ${DESCRIPTOR_LIMIT} && exec "$0" run --allow-all --no-check --config "$1" "$2"`,
        Deno.execPath(),
        config,
        main,
      ],
      cwd: dir, // no .env of the developer's
      env: {
        GOOGLE_API_KEY: "test-key",
        GOOGLE_GEMINI_BASE_URL: fake.url,
        PORT: String(port),
        LOG_LEVEL: "error",
        MAX_SESSIONS_PER_CLIENT: "1000",
      },
      stdout: "null",
      stderr: "piped",
    }),
  );
  const conns: Deno.Conn[] = [];
  const base = `http://127.0.0.1:${port}`;
  let sse: SseClient | undefined;
  try {
    assert.ok(
      await answers(`${base}/healthz`, 30_000),
      `the service did not start: ${service.stderr()}`,
    );
    sse = await SseClient.open(`${base}/events/through-the-flood`);
    assert.equal((await sse.next()).event, "session");
    const upstream = await fake.connection(0);

    for (let i = 0; i < DESCRIPTOR_LIMIT * 2; i++) {
      try {
        conns.push(await Deno.connect({ hostname: "127.0.0.1", port }));
      } catch {
        break; // refused: the listener is down, as it is when descriptors run out
      }
    }
    // A refused connection means accepting failed and the listener closed.
    assert.ok(conns.length < DESCRIPTOR_LIMIT * 2, `${conns.length} connections were all accepted`);
    upstream.text("still streaming during the flood");
    assert.equal((await sse.nextJson()).data, "still streaming during the flood");

    for (const conn of conns.splice(0)) conn.close();
    assert.ok(
      await answers(`${base}/healthz`, 15_000),
      `no answer once descriptors were free; exited: ${service.exited()}; ${service.stderr()}`,
    );
    assert.equal(service.exited(), false);
    upstream.text("and after");
    assert.equal((await sse.nextJson()).data, "and after");
    assert.match(service.stderr(), /listener on port \d+ failed \(.*Too many open files/);
  } finally {
    for (const conn of conns) conn.close();
    await sse?.close();
    await service.stop();
    await fake.close();
    await Deno.remove(dir, { recursive: true });
  }
});

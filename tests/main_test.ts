import assert from "node:assert/strict";
import { FakeLiveServer } from "./fake_live_server.ts";
import { SseClient } from "./sse_client.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const CONFIG = new URL("../deno.json", import.meta.url).pathname;
const MODELS = new URL("../models.ts", import.meta.url).pathname;

/** `main.ts` as an operator runs it, in `cwd`, with `env` and little else of ours. */
function mainCommand(cwd: string, env: Record<string, string>, signal?: AbortSignal) {
  const inherited: Record<string, string> = {};
  for (const name of ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME"]) {
    const value = Deno.env.get(name);
    if (value) inherited[name] = value;
  }
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--allow-write",
      "--allow-sys",
      "--config",
      CONFIG,
      MAIN,
    ],
    cwd,
    clearEnv: true,
    env: { ...inherited, ...env },
    stdout: "piped",
    stderr: "piped",
    signal,
  });
}

/** Runs `main.ts` as an operator would: its own process, in a folder holding `.env`. */
async function runMain(dotEnv: string, env: Record<string, string>) {
  const cwd = await Deno.makeTempDir();
  await Deno.writeTextFile(`${cwd}/.env`, dotEnv);
  const child = mainCommand(cwd, env).spawn();
  const output: string[] = [];
  let listening!: (url: string) => void;
  const url = new Promise<string>((resolve) => listening = resolve);
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      output.push(chunk);
      const match = output.join("").match(/Listening on (http:\/\/\S+)/);
      if (match) listening(match[1]);
    }
  };
  const done = Promise.all([collect(child.stdout), collect(child.stderr)]);
  // A service that never listens (or dies first) fails the test with what it printed.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`main.ts did not listen within 30 s:\n${output.join("")}`));
    }, 30_000);
  });
  const exited = child.status.then((status) => {
    throw new Error(`main.ts exited (${status.code}) before listening:\n${output.join("")}`);
  });
  const listeningUrl = await Promise.race([url, late, exited]).finally(() => clearTimeout(timer));
  exited.catch(() => {}); // once listening, a later exit is the stop's to report
  return {
    url: listeningUrl,
    output: () => output.join(""),
    async stop() {
      child.kill("SIGTERM");
      const status = await child.status;
      await done;
      await Deno.remove(cwd, { recursive: true });
      return status;
    },
  };
}

Deno.test("main.ts reads .env from its working directory, and the environment wins", async () => {
  const fake = FakeLiveServer.start({ apiKey: "key-from-dotenv" });
  const service = await runMain(
    `PORT=1\nGOOGLE_API_KEY=key-from-dotenv\nGOOGLE_GEMINI_BASE_URL=${fake.url}\n`,
    { PORT: "0" },
  );
  try {
    const sse = await SseClient.open(`${service.url}/events/from-env`);
    assert.equal((await sse.next()).event, "session");
    const upstream = await fake.connection(0);
    assert.equal(upstream.setup.model, "models/gemini-3.8-live");
    await sse.close();
  } finally {
    const status = await service.stop();
    assert.equal(status.code, 0, service.output());
    await fake.close();
  }
});

Deno.test("without a key main.ts serves the page and warns once, naming what to set", async () => {
  const service = await runMain("PORT=0\n", {});
  try {
    const page = await fetch(`${service.url}/`);
    assert.equal(page.status, 200);
    await page.body?.cancel();
    for (const id of ["one", "two"]) {
      const sse = await SseClient.open(`${service.url}/events/${id}`);
      const error = await sse.nextJson("error");
      assert.equal(error.fatal, true);
      assert.match(error.error, /GOOGLE_API_KEY/);
      await sse.close();
    }
  } finally {
    await service.stop();
  }
  const warnings = service.output().match(/No Gemini credentials are configured/g) ?? [];
  assert.equal(warnings.length, 1, service.output());
});

Deno.test("a port in use stops main.ts with a message naming the address and PORT=", async () => {
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const cwd = await Deno.makeTempDir();
  try {
    const { code, stdout, stderr } = await mainCommand(
      cwd,
      { PORT: String(taken.addr.port) },
      AbortSignal.timeout(30_000),
    ).output();
    const output = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    assert.equal(code, 1, output);
    assert.match(
      output,
      new RegExp(
        `Cannot listen on 127\\.0\\.0\\.1:${taken.addr.port}: .*set PORT= to another port`,
      ),
    );
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("LOG_FORMAT=json writes one JSON object a line, with session and request ids", async () => {
  const fake = FakeLiveServer.start();
  const service = await runMain(
    `PORT=0\nLOG_FORMAT=json\nGOOGLE_API_KEY=test-key\nGOOGLE_GEMINI_BASE_URL=${fake.url}\n`,
    {},
  );
  try {
    const sse = await SseClient.open(`${service.url}/events/logged`);
    await sse.next();
    await fake.connection(0);
    await sse.close();
  } finally {
    await service.stop();
    await fake.close();
  }
  const lines = service.output().trim().split("\n").map((line) => JSON.parse(line));
  for (const line of lines) {
    assert.equal(typeof line.time, "string");
    assert.ok(["debug", "info", "warn", "error"].includes(line.level));
    assert.equal(typeof line.msg, "string");
  }
  const opened = lines.find((line) => line.msg.startsWith("stream opened"));
  assert.equal(opened?.session_id, "logged");
  assert.match(opened?.request_id ?? "", /^[\w-]{8,}$/);
});

Deno.test("with OTEL_DENO=true, HTTP requests, Live sessions and turns reach the collector", async () => {
  const spans: string[] = [];
  const collector = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    if (new URL(req.url).pathname === "/v1/traces") {
      const body = await req.json();
      for (const resource of body.resourceSpans ?? []) {
        for (const scope of resource.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) spans.push(span.name);
        }
      }
    } else {
      await req.body?.cancel();
    }
    return Response.json({});
  });
  const fake = FakeLiveServer.start({
    onSession: async (connection) => {
      await connection.nextText();
      connection.text("traced");
      connection.turnComplete();
    },
  });
  const service = await runMain(
    `PORT=0\nGOOGLE_API_KEY=test-key\nGOOGLE_GEMINI_BASE_URL=${fake.url}\n`,
    {
      OTEL_DENO: "true",
      OTEL_SERVICE_NAME: "gemini-live-search",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collector.addr.port}`,
    },
  );
  try {
    const sse = await SseClient.open(`${service.url}/events/traced`);
    const { token } = JSON.parse((await sse.next()).data);
    const sent = await fetch(`${service.url}/send/traced`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Session-Token": token },
      body: JSON.stringify({ mime_type: "text/plain", data: "trace me" }),
    });
    await sent.body?.cancel();
    await sse.nextJson();
    await sse.nextJson();
    await sse.close();
  } finally {
    await service.stop();
    await fake.close();
  }
  // The exporter flushes when the process exits; give the collector a moment.
  for (let i = 0; i < 50 && !spans.includes("live.session"); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  await collector.shutdown();
  assert.ok(spans.includes("live.session"), spans.join());
  assert.ok(spans.includes("live.turn"), spans.join());
  assert.ok(spans.some((name) => /^(GET|POST)/.test(name)), spans.join());
});

Deno.test("`deno task models` lists the Live models the key can use and marks the configured one", async () => {
  const fake = FakeLiveServer.start();
  const cwd = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${cwd}/.env`,
      `GOOGLE_API_KEY=test-key\nGOOGLE_GEMINI_BASE_URL=${fake.url}\n`,
    );
    const run = (env: Record<string, string>) =>
      new Deno.Command(Deno.execPath(), {
        // What `deno task models` runs, in a folder of the test's own with its .env.
        args: ["run", "--allow-all", "--config", CONFIG, MODELS],
        cwd,
        env,
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(30_000),
      }).output();
    const listed = await run({});
    const out = new TextDecoder().decode(listed.stdout);
    assert.equal(listed.code, 0, new TextDecoder().decode(listed.stderr));
    assert.match(out, /gemini-3\.8-live +answers in audio {2}← GEMINI_MODEL, GEMINI_AUDIO_MODEL/);
    assert.match(out, /gemini-3\.1-flash-live-preview/);
    assert.doesNotMatch(out, /gemini-3\.5-flash\b/, "not a Live model");

    const retired = await run({ GEMINI_MODEL: "gemini-2.0-flash-live-001" });
    assert.equal(retired.code, 2);
    assert.match(
      new TextDecoder().decode(retired.stderr),
      /GEMINI_MODEL is `gemini-2\.0-flash-live-001`.*Set GEMINI_MODEL=gemini-3\.8-live/,
    );
  } finally {
    await Deno.remove(cwd, { recursive: true });
    await fake.close();
  }
});

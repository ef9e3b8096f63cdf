/**
 * The single binary `deno task compile` builds, run as a user runs it: from a
 * folder without `static/`, so the page can only come from what was embedded.
 * `deno compile` downloads its runtime base unless `DENORT_BIN` names one, so
 * this runs only where `DENORT_BIN` is set (no machine here can download it).
 */
import assert from "node:assert/strict";
import { FakeLiveServer } from "./fake_live_server.ts";
import { rawRequest } from "./raw_http.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const denort = Deno.env.get("DENORT_BIN");

/** Runs `command`, failing with its output when it fails (its signal bounds its time). */
async function run(command: Deno.Command, what: string): Promise<void> {
  const { code, stdout, stderr } = await command.output();
  const text = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  assert.equal(code, 0, `${what} failed:\n${text}`);
}

Deno.test({
  name: "the compiled binary serves the embedded page, and nothing from its working folder",
  ignore: !denort,
  sanitizeResources: false,
  async fn() {
    await run(
      new Deno.Command(Deno.execPath(), {
        args: ["task", "compile"],
        cwd: ROOT,
        signal: AbortSignal.timeout(180_000),
      }),
      "deno task compile",
    );
    const fake = FakeLiveServer.start();
    const cwd = await Deno.makeTempDir();
    // A secret beside the binary's working folder, where a path escape would find it.
    await Deno.writeTextFile(`${cwd}/.env`, "GOOGLE_API_KEY=test-key\n");
    const child = new Deno.Command(`${ROOT}dist/gemini-live-search`, {
      cwd,
      env: { PORT: "0", GOOGLE_GEMINI_BASE_URL: fake.url, LOG_LEVEL: "info" },
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(60_000),
    }).spawn();
    try {
      let output = "";
      let url: string | undefined;
      for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
        output += chunk;
        url = output.match(/Listening on (http:\/\/\S+)/)?.[1];
        if (url) break;
      }
      assert.ok(url, `the binary did not listen:\n${output}`);
      for (const [path, file] of [["/", "index.html"], ["/static/js/app.js", "js/app.js"]]) {
        const response: Response = await fetch(url + path);
        assert.equal(response.status, 200, path);
        assert.equal(await response.text(), await Deno.readTextFile(`${ROOT}static/${file}`));
      }
      const { port } = new URL(url);
      const escape = await rawRequest(
        Number(port),
        `GET /static/%20../.env HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
      );
      assert.equal(escape.status, 404);
      assert.doesNotMatch(escape.body, /GOOGLE_API_KEY/);
    } finally {
      child.kill("SIGTERM");
      await child.status;
      await child.stderr.cancel();
      await Deno.remove(cwd, { recursive: true });
      await fake.close();
    }
  },
});

import type { FakeUpstreamStats } from "./fake_upstream.ts";

/** The fake Live API running as its own process, and its control calls. */
export class FakeUpstreamProcess {
  /** Its process id, for `/proc`. */
  readonly pid: number;
  /** Base URL for `GOOGLE_GEMINI_BASE_URL`. */
  readonly url: string;
  readonly #child: Deno.ChildProcess;

  private constructor(child: Deno.ChildProcess, port: number) {
    this.#child = child;
    this.pid = child.pid;
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Starts `bench/fake_upstream.ts` and waits for its port. */
  static async start(): Promise<FakeUpstreamProcess> {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net", new URL("./fake_upstream.ts", import.meta.url).pathname],
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    for (let reads = 0; reads < 100 && !text.includes("\n"); reads++) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    // Keep draining, so the pipe never fills.
    (async () => {
      for (let r = await reader.read(); !r.done; r = await reader.read());
    })().catch(() => {});
    const port = JSON.parse(text.split("\n")[0]).port;
    return new FakeUpstreamProcess(child, port);
  }

  /**
   * `reset` (forget all), `window` (new latency window) or `stop` (streams);
   * resolves with the WebSocket bytes counted so far.
   */
  async control(op: "reset" | "window" | "stop"): Promise<number> {
    const response = await fetch(`${this.url}/control/${op}`, {
      method: "POST",
    });
    return (await response.json()).wireBytes;
  }

  /** Its counters and the upstream latencies of the window. */
  async stats(): Promise<FakeUpstreamStats> {
    return await (await fetch(`${this.url}/stats`)).json();
  }

  /** Ends the process. */
  async stop(): Promise<void> {
    try {
      this.#child.kill("SIGTERM");
    } catch {
      return;
    }
    await this.#child.status;
  }
}

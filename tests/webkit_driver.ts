/**
 * A `PageDriver` for WebKit: Debian's WebKitGTK MiniBrowser through its
 * classic WebDriver (`WebKitWebDriver`), on a virtual display (Xvfb), with
 * WebKit's mock capture devices as the microphone.
 *
 * Classic WebDriver cannot rewrite responses or run scripts before the page,
 * so the page is served through a small proxy that adds the strict CSP to
 * the document and loads the test's script first, from the same origin.
 *
 * @module
 */
import { STRICT_CSP } from "./browser_page.ts";
import { type OpenOptions, type PageDriver, RECORDER_SCRIPT } from "./page_driver.ts";
import { programPath, type RequiredProgram, skipWithout } from "./required_program.ts";

const WEBKIT_DRIVER: RequiredProgram = {
  name: "WebKitWebDriver",
  envVar: "WEBKIT_DRIVER_PATH",
  candidates: ["/usr/bin/WebKitWebDriver"],
  debianPackage: "webkit2gtk-driver",
  tests: "WebKit browser tests",
};

const XVFB: RequiredProgram = {
  name: "Xvfb",
  envVar: "XVFB_PATH",
  candidates: ["/usr/bin/Xvfb"],
  debianPackage: "xvfb",
  tests: "WebKit browser tests",
};

const MINI_BROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
const INIT_PATH = "/__test_init.js";

/** True when WebKit tests must skip: no WebKitWebDriver or Xvfb here, and not in CI. */
export function skipWebKitTests(): boolean {
  return skipWithout(WEBKIT_DRIVER) || skipWithout(XVFB);
}

/** Opens `baseUrl` in a fresh MiniBrowser under the strict CSP. */
export async function openWebKitPage(
  baseUrl: string,
  { query = "", initScript = "" }: OpenOptions = {},
): Promise<PageDriver> {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
  };
  try {
    const display = await startXvfb(cleanups);
    const proxy = serveWithCsp(baseUrl, `${RECORDER_SCRIPT}\n${initScript}`);
    cleanups.push(() => proxy.shutdown());
    const port = freePort();
    const driver = new Deno.Command(programPath(WEBKIT_DRIVER)!, {
      args: [`--port=${port}`],
      env: { DISPLAY: display },
      stdout: "null",
      stderr: "null",
    }).spawn();
    cleanups.push(() => (driver.kill(), driver.status));
    const webdriver = `http://127.0.0.1:${port}`;
    await waitForDriver(webdriver);
    const { sessionId } = await command(webdriver, "POST", "/session", {
      capabilities: {
        alwaysMatch: {
          browserName: "MiniBrowser",
          "webkitgtk:browserOptions": {
            binary: MINI_BROWSER,
            args: [
              "--automation",
              "--enable-media-stream=true",
              "--enable-mock-capture-devices=true",
              "--enable-webaudio=true",
              "--media-playback-requires-user-gesture=false",
            ],
          },
        },
      },
    }) as { sessionId: string };
    const session = `/session/${sessionId}`;
    cleanups.push(() => command(webdriver, "DELETE", session));
    const call = (method: string, path: string, body?: unknown) =>
      command(webdriver, method, `${session}${path}`, body);
    await call("POST", "/window/rect", { width: 1280, height: 800 });
    await call("POST", "/url", { url: `http://127.0.0.1:${proxy.addr.port}/${query}` });

    // The W3C element reference is an object with one (vendor-named) key.
    const elementId = (reference: unknown) => Object.values(reference as object)[0] as string;
    const element = async (selector: string) =>
      elementId(await call("POST", "/element", { using: "css selector", value: selector }));
    const problems: string[] = [];
    const keys: Record<string, string> = { Enter: "\uE007", Escape: "\uE00C" };
    return {
      engine: "WebKit",
      problems,
      evaluate: async <T>(expression: string) =>
        await call("POST", "/execute/async", {
          script: `const done = arguments[0];
            Promise.resolve(${expression}).then((value) => done({ value }),
              (error) => done({ error: String(error) }));`,
          args: [],
        }).then((result) => {
          const { value, error } = result as { value: T; error?: string };
          if (error) throw new Error(`WebKit: ${error}`);
          return value;
        }),
      click: async (selector) =>
        void await call("POST", `/element/${await element(selector)}/click`, {}),
      focus: async (selector) =>
        void await call("POST", "/execute/sync", {
          script: "document.querySelector(arguments[0]).focus()",
          args: [selector],
        }),
      type: async (text) => {
        const id = elementId(await call("GET", "/element/active"));
        await call("POST", `/element/${id}/value`, { text });
      },
      press: async (key) =>
        void await call("POST", "/actions", {
          actions: [{
            type: "key",
            id: "keyboard",
            actions: [{ type: "keyDown", value: keys[key] ?? key }, {
              type: "keyUp",
              value: keys[key] ?? key,
            }],
          }],
        }),
      resize: async (width, height) => void await call("POST", "/window/rect", { width, height }),
      screenshot: async (path) => {
        const png = await call("GET", "/screenshot") as string;
        await Deno.writeFile(path, Uint8Array.from(atob(png), (c) => c.charCodeAt(0)));
      },
      [Symbol.asyncDispose]: close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** One WebDriver command; returns its `value`, throws its error. */
async function command(base: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30000),
  });
  const { value } = await response.json();
  if (!response.ok) throw new Error(`WebKit ${method} ${path}: ${value?.error} ${value?.message}`);
  return value as unknown;
}

async function waitForDriver(base: string): Promise<void> {
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    const ready = await fetch(`${base}/status`).then((r) => r.json()).then(
      (s) => s.value?.ready,
      () => false,
    );
    if (ready) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("WebKitWebDriver did not start within 10 s");
}

/** Starts Xvfb on a free display; returns it (":N"). */
async function startXvfb(cleanups: Array<() => unknown>): Promise<string> {
  const xvfb = new Deno.Command(programPath(XVFB)!, {
    args: ["-displayfd", "1", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  cleanups.push(() => (xvfb.kill(), xvfb.status));
  const reader = xvfb.stdout.getReader();
  let text = "";
  const deadline = Date.now() + 10000;
  while (!text.includes("\n")) {
    if (Date.now() > deadline) throw new Error("Xvfb did not start within 10 s");
    const { value, done } = await reader.read();
    if (done) throw new Error("Xvfb exited");
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  void xvfb.stdout.cancel().catch(() => {});
  return `:${text.trim()}`;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

/**
 * A same-origin front for `baseUrl`: the document gets the strict CSP and,
 * first in its head, the test's init script; everything else passes through.
 */
function serveWithCsp(baseUrl: string, initScript: string): Deno.HttpServer<Deno.NetAddr> {
  const options = {
    hostname: "127.0.0.1",
    port: 0,
    onListen: () => {},
    // The service is down (a restart test): the page sees it as refused.
    onError: () => new Response(null, { status: 502 }),
  };
  return Deno.serve(options, async (request) => {
    const url = new URL(request.url);
    if (url.pathname === INIT_PATH) {
      return new Response(initScript, { headers: { "content-type": "text/javascript" } });
    }
    // The service checks that posts come from its own origin: to it, they do.
    const headers = new Headers(request.headers);
    if (headers.has("origin")) headers.set("origin", new URL(baseUrl).origin);
    const upstream = await fetch(`${baseUrl}${url.pathname}${url.search}`, {
      method: request.method,
      headers,
      body: request.body,
      redirect: "manual",
    });
    if (url.pathname !== "/") return upstream;
    const html = (await upstream.text()).replace(
      "<head>",
      `<head><script src="${INIT_PATH}"></script>`,
    );
    const answer = new Headers(upstream.headers);
    answer.set("content-security-policy", STRICT_CSP);
    answer.delete("content-length");
    return new Response(html, { status: upstream.status, headers: answer });
  });
}

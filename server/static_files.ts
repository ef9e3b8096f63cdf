import type { MiddlewareHandler } from "hono";
import { serveStatic } from "hono/serve-static";

/**
 * The page and its assets, served from `root`.
 *
 * `root` is a file URL next to the code (`new URL("../static/", import.meta.url)`),
 * which is where `deno compile --include static` puts the embedded copy, so
 * the compiled binary and `deno run` read the client through this same code.
 * Hono's `serveStatic` rejects traversal and sets content types.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * const app = new Hono();
 * app.get("/static/*", staticFiles(new URL("../static/", import.meta.url), "/static"));
 * ```
 */
export function staticFiles(
  root: URL,
  prefix: string,
  file?: string,
): MiddlewareHandler {
  return serveStatic({
    root: ".",
    path: file,
    rewriteRequestPath: (path) => path.slice(prefix.length),
    isDir: async (path) => (await stat(root, path))?.isDirectory ?? false,
    getContent: async (path) => {
      const info = await stat(root, path);
      if (!info?.isFile) return null;
      return (await Deno.open(new URL(path, root))).readable;
    },
  });
}

// Hono hands over the decoded path, and URL parsing strips control characters
// at its ends, so "app.js%00" would open "app.js": refuse them instead.
// deno-lint-ignore no-control-regex
const CONTROL = /[\0-\x1f\x7f]/;

async function stat(root: URL, path: string): Promise<Deno.FileInfo | null> {
  if (CONTROL.test(path)) return null;
  try {
    return await Deno.stat(new URL(path, root));
  } catch {
    return null;
  }
}

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
export function staticFiles(root: URL, prefix: string, file?: string): MiddlewareHandler {
  return serveStatic({
    root: ".",
    path: file,
    rewriteRequestPath: (path) => path.slice(prefix.length),
    isDir: async (path) => (await stat(new URL(path, root)))?.isDirectory ?? false,
    getContent: async (path) => {
      const info = await stat(new URL(path, root));
      if (!info?.isFile) return null;
      return (await Deno.open(new URL(path, root))).readable;
    },
  });
}

async function stat(url: URL): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(url);
  } catch {
    return null;
  }
}

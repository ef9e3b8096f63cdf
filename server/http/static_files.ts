import type { MiddlewareHandler } from "hono";
import { serveStatic } from "hono/serve-static";

/**
 * The page and its assets, served from `root`.
 *
 * `root` is a file URL next to the code (`new URL("../static/", import.meta.url)`),
 * which is where `deno compile --include static` puts the embedded copy, so
 * the compiled binary and `deno run` read the client through this same code.
 * Hono's `serveStatic` sets content types and answers HEAD.
 *
 * Only the files listed when the folder is first read are served: regular
 * files (no symlinks) whose path has no dot-segment or dotfile. A request
 * names one of them exactly or gets 404, so no spelling of a path (` ..`,
 * `%2e%2e`, `\`, `//`, control or Unicode characters…) can reach a file
 * outside the folder, and the compiled binary serves only what was embedded.
 * Files added later need a restart.
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
  let listing: Promise<StaticListing> | undefined;
  const list = () => listing ??= listStaticFiles(root);
  return serveStatic({
    root: ".",
    path: file,
    rewriteRequestPath: (path) => path.slice(prefix.length),
    isDir: async (path) => (await list()).directories.has(path),
    getContent: async (path) => {
      if (!(await list()).files.has(path)) return null;
      try {
        return (await Deno.open(fileUrl(root, path))).readable;
      } catch {
        return null; // removed since it was listed
      }
    },
  });
}

/** The files and folders under a static root, as relative paths (`js/app.js`; `.` for the root). */
export interface StaticListing {
  files: Set<string>;
  directories: Set<string>;
}

/**
 * Lists the regular files under `root` that may be served: symlinks and
 * names starting with `.` (`.env`, `.git`) are left out, with what is under
 * them.
 *
 * @example
 * ```ts
 * const { files } = await listStaticFiles(new URL("../static/", import.meta.url));
 * files.has("js/app.js"); // true
 * ```
 */
export async function listStaticFiles(root: URL): Promise<StaticListing> {
  const listing: StaticListing = { files: new Set(), directories: new Set(["."]) };
  const walk = async (folder: string) => {
    for await (const entry of Deno.readDir(fileUrl(root, folder))) {
      if (entry.name.startsWith(".") || entry.isSymlink) continue;
      const path = folder + entry.name;
      if (entry.isFile) listing.files.add(path);
      else if (entry.isDirectory) {
        listing.directories.add(path);
        await walk(`${path}/`);
      }
    }
  };
  await walk("");
  return listing;
}

/** `path` (relative, `/`-separated) under `root`, each name taken literally (`#`, `%`, `?`). */
function fileUrl(root: URL, path: string): URL {
  return new URL(path.split("/").map(encodeURIComponent).join("/"), root);
}

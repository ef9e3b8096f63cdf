import { type Context, Hono } from "hono";
import { bodySizeLimit } from "./body_size_limit.ts";
import type { HistoryOwners } from "./history_owner.ts";
import { staticFiles } from "./static_files.ts";

/** What {@link pagesApp} serves. */
export interface PagesAppOptions {
  /** Folder of the web client (a file URL ending in `/`). */
  staticRoot: URL;
  /** With an access token, `/login` serves the login page and takes the token. */
  login?: (c: Context) => Promise<Response>;
  /** With conversation history, the page gives a browser its owner cookie. */
  owners?: HistoryOwners;
}

/**
 * The web client: the page at `/` (with history, the owner cookie too), its
 * assets under `/static/`, and with an access token the login page and
 * `POST /login`.
 *
 * @example
 * ```ts
 * app.route("/", pagesApp({ staticRoot: new URL("../../static/", import.meta.url) }));
 * ```
 */
export function pagesApp({ staticRoot, login, owners }: PagesAppOptions): Hono {
  const page = staticFiles(staticRoot, "", "index.html");
  const app = owners ? new Hono().get("/", owners.middleware, page) : new Hono().get("/", page);
  app.get("/static/*", staticFiles(staticRoot, "/static"));
  if (login) {
    app.get("/login", staticFiles(staticRoot, "", "login.html"));
    app.post("/login", bodySizeLimit(4096, "log in"), login);
  }
  return app;
}

import { type Context, Hono } from "hono";
import { bodySizeLimit } from "./body_size_limit.ts";
import { staticFiles } from "./static_files.ts";

/** What {@link pagesApp} serves. */
export interface PagesAppOptions {
  /** Folder of the web client (a file URL ending in `/`). */
  staticRoot: URL;
  /** With an access token, `/login` serves the login page and takes the token. */
  login?: (c: Context) => Promise<Response>;
}

/**
 * The web client: the page at `/`, its assets under `/static/`, and with an
 * access token the login page and `POST /login`.
 *
 * @example
 * ```ts
 * app.route("/", pagesApp({ staticRoot: new URL("../../static/", import.meta.url) }));
 * ```
 */
export function pagesApp({ staticRoot, login }: PagesAppOptions): Hono {
  const app = new Hono()
    .get("/", staticFiles(staticRoot, "", "index.html"))
    .get("/static/*", staticFiles(staticRoot, "/static"));
  if (login) {
    app.get("/login", staticFiles(staticRoot, "", "login.html"));
    app.post("/login", bodySizeLimit(4096, "log in"), login);
  }
  return app;
}

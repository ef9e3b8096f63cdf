import type { Context } from "hono";

/**
 * The address a request came from, for rate limits and per-client caps.
 * `X-Forwarded-For` is believed only with `trustProxy` (behind a proxy that
 * sets it), since anyone else can write it.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * new Hono().get("/", (c) => c.text(clientAddress(c, false)));
 * ```
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("X-Forwarded-For")?.split(",")[0]?.trim();
    if (forwarded) return forwarded;
  }
  // What `hono/deno`'s getConnInfo reads (importing that module loads all of
  // Hono's Deno adapter, static-site generator included: ~13 ms of start-up).
  // Requests made in memory (tests' app.request) carry no connection.
  const remote = (c.env as Partial<Deno.ServeHandlerInfo<Deno.NetAddr>> | undefined)?.remoteAddr;
  return remote?.hostname ?? "unknown";
}

/**
 * The origin the browser sees for this server, e.g. `https://agent.example.com`,
 * from the forwarded headers of a trusted proxy or else the request itself.
 */
export function publicOrigin(c: Context, trustProxy: boolean): string {
  const url = new URL(c.req.url);
  if (!trustProxy) return url.origin;
  const proto = c.req.header("X-Forwarded-Proto")?.split(",")[0]?.trim() ||
    url.protocol.slice(0, -1);
  const host = c.req.header("X-Forwarded-Host")?.split(",")[0]?.trim() || url.host;
  return `${proto}://${host}`;
}

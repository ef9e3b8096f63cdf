import type { Context, MiddlewareHandler } from "hono";
import { HttpError } from "../http_error.ts";
import { hostAllowed } from "../security/host_check.ts";

/** The names this server answers to. */
export interface HostOptions {
  /**
   * Hosts a request may name (`example.com` for any port, `example.com:8443`
   * for that one), lowercase; `undefined` accepts any.
   */
  allowedHosts?: string[];
  /** Check `X-Forwarded-Host`, which a trusted proxy sets, instead of `Host`. */
  trustProxy: boolean;
}

/** Probes may reach a pod or VM by an address no one thought to list; these say nothing. */
const UNCHECKED_PATH = /^\/(healthz|readyz)$/;

/**
 * Refuses requests that name a host not in `allowedHosts`, with 421, before
 * any route runs. Against DNS rebinding: a page of `attacker.example` whose
 * name is made to resolve to 127.0.0.1 reaches this server as same-origin,
 * but its requests say `Host: attacker.example`. Registered first, so it
 * guards the `/send` fast lane as well as the chain.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * new Hono().use(hostGuard({ allowedHosts: ["127.0.0.1", "localhost"], trustProxy: false }));
 * ```
 */
export function hostGuard(options: HostOptions): MiddlewareHandler {
  return async (c, next) => {
    const refusal = hostRefusal(c, options);
    if (refusal) throw new HttpError(421, refusal);
    await next();
  };
}

/** Why {@link hostGuard} refuses the request, or `undefined` when it lets it pass. */
function hostRefusal(c: Context, options: HostOptions): string | undefined {
  const { allowedHosts, trustProxy } = options;
  if (allowedHosts === undefined || UNCHECKED_PATH.test(c.req.path)) return;
  const forwarded = trustProxy
    ? c.req.header("X-Forwarded-Host")?.split(",")[0]?.trim()
    : undefined;
  // Deno builds the URL from `Host`, or from an absolute request target;
  // without a trusted proxy both must be a listed name.
  const named = forwarded ? [forwarded] : [authorityOf(c.req.url), c.req.header("Host")];
  for (const host of named) {
    if (host !== undefined && !hostAllowed(host, allowedHosts)) {
      return `Refused: this server does not answer to the host ${JSON.stringify(host)}`;
    }
  }
}

/** The authority of a request URL as Deno wrote it (`Host` unparsed): `http://a b/` gives `a b`. */
function authorityOf(url: string): string {
  const start = url.indexOf("//") + 2;
  const end = url.indexOf("/", start);
  return url.slice(start, end < 0 ? undefined : end);
}

import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { HttpError } from "../http_error.ts";
import { base64Url, tokensMatch } from "./session_token.ts";

/** Who may use the service. */
export interface AccessOptions {
  /** Shared secret: the page asks for it once, API clients send `Authorization: Bearer`. */
  accessToken?: string;
  /** Header a trusted authenticating proxy sets on every request (e.g. `X-Forwarded-User`). */
  trustedUserHeader?: string;
  isHttps: (c: Context) => boolean;
}

const COOKIE = "access";
const PUBLIC_PATH = /^\/(static\/|login$|healthz$|readyz$)/;
const LoginBody = z.object({ token: z.string().min(1).max(1024) });

/**
 * Access control: off without settings; with `trustedUserHeader`, every
 * request must carry that header (set by the proxy); with `accessToken`,
 * requests need the token as a Bearer header or the cookie the login page
 * sets, and the page itself redirects to `/login`. The cookie holds an HMAC
 * of the token, not the token, and every comparison takes constant time.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * const access = accessControl({ accessToken: "a-long-shared-secret", isHttps: () => false });
 * new Hono().use(access.middleware).post("/login", access.login);
 * ```
 */
export function accessControl(options: AccessOptions): {
  middleware: MiddlewareHandler;
  /**
   * The check the middleware makes on an API path, for the `/send` checks
   * that run outside it.
   *
   * @throws {HttpError} 401 when the request may not pass.
   */
  check: (c: Context) => Promise<void>;
  login: (c: Context) => Promise<Response>;
} {
  const { accessToken, trustedUserHeader } = options;
  // Web Crypto derives it asynchronously (node:crypto would add ~30 ms to
  // every start): the check waits for it.
  let cookieValue: string | undefined;
  const derived = accessToken
    ? accessCookieValue(accessToken).then((value) => void (cookieValue = value))
    : Promise.resolve();

  const tokenPresented = (c: Context): boolean => {
    const bearer = c.req.header("Authorization")?.match(/^Bearer (.+)$/)?.[1];
    const cookie = getCookie(c, COOKIE);
    return (bearer !== undefined && tokensMatch(bearer, accessToken!)) ||
      (cookie !== undefined && cookieValue !== undefined && tokensMatch(cookie, cookieValue));
  };

  const check = async (c: Context): Promise<void> => {
    if (trustedUserHeader && !c.req.header(trustedUserHeader)) {
      throw new HttpError(401, `Sign in first: the \`${trustedUserHeader}\` header is missing`);
    }
    if (accessToken) {
      if (cookieValue === undefined) await derived;
      if (!tokenPresented(c)) {
        c.header("WWW-Authenticate", 'Bearer realm="gemini-live-search"');
        throw new HttpError(401, "An access token is required (Authorization: Bearer …)");
      }
    }
  };

  const middleware: MiddlewareHandler = async (c, next) => {
    if (PUBLIC_PATH.test(c.req.path)) return next();
    if (
      accessToken && c.req.method === "GET" && c.req.path === "/" &&
      (!trustedUserHeader || c.req.header(trustedUserHeader))
    ) {
      await derived;
      if (!tokenPresented(c)) return c.redirect("/login", 302);
    }
    await check(c);
    await next();
  };

  const login = async (c: Context): Promise<Response> => {
    if (!accessToken) throw new HttpError(404, "Not found: no access token is configured");
    const parsed = LoginBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw new HttpError(400, 'Cannot log in: send {"token": "…"}');
    if (!tokensMatch(parsed.data.token, accessToken)) {
      throw new HttpError(401, "Cannot log in: that access token is not right");
    }
    await derived;
    setCookie(c, COOKIE, cookieValue!, {
      httpOnly: true,
      sameSite: "Strict",
      path: "/",
      secure: options.isHttps(c),
    });
    return c.json({ status: "ok" });
  };

  return { middleware, check, login };
}

/**
 * What the access cookie holds: an HMAC of a fixed label keyed with the
 * access token (base64url, unpadded), so the cookie proves the token without
 * being it.
 */
async function accessCookieValue(accessToken: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(accessToken),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode("gemini-live-search access"));
  return base64Url(new Uint8Array(mac));
}

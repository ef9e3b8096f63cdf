import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { base64Url } from "../security/session_token.ts";

/** The cookie that makes a browser the owner of its conversations. */
export const OWNER_COOKIE = "history_owner";
/** 400 days, the longest a browser keeps a cookie. */
const OWNER_COOKIE_SECONDS = 400 * 24 * 3600;
const OWNER_ID = /^[A-Za-z0-9_-]{43}$/;

/** What {@link HistoryOwners} needs. */
export interface HistoryOwnersOptions {
  /** With it, conversations belong to the user the proxy names, on any device. */
  trustedUserHeader?: string;
  isHttps: (c: Context) => boolean;
}

/**
 * Who owns the conversations of a request: the signed-in user
 * (`user:<name>`, from `trustedUserHeader`) or else the browser, by a
 * long-lived random id in an HttpOnly, SameSite=Strict cookie. The database
 * keeps a SHA-256 of the browser's id (`browser:<hash>`), so its contents
 * cannot be turned back into cookies that read them.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * const owners = new HistoryOwners({ isHttps: () => false });
 * new Hono().use("/", owners.middleware).get("/", (c) => c.text("page"));
 * ```
 */
export class HistoryOwners {
  readonly #options: HistoryOwnersOptions;
  /** The owner each request was given, so one request never makes two. */
  readonly #given = new WeakMap<Request, Promise<string>>();

  constructor(options: HistoryOwnersOptions) {
    this.#options = options;
  }

  /** Gives a browser its owner cookie if it has none (on the page and event streams). */
  readonly middleware: MiddlewareHandler = async (c, next) => {
    await this.ensure(c);
    await next();
  };

  /** The request's owner, or `undefined` for a browser that has no owner cookie yet. */
  async of(c: Context): Promise<string | undefined> {
    const header = this.#options.trustedUserHeader;
    const user = header ? c.req.header(header) : undefined;
    if (user) return `user:${user}`;
    const id = getCookie(c, OWNER_COOKIE);
    return id && OWNER_ID.test(id) ? await browserOwner(id) : undefined;
  }

  /** The request's owner, giving the browser a new owner cookie if it has none. */
  ensure(c: Context): Promise<string> {
    let owner = this.#given.get(c.req.raw);
    if (!owner) this.#given.set(c.req.raw, owner = this.#ensure(c));
    return owner;
  }

  async #ensure(c: Context): Promise<string> {
    const owner = await this.of(c);
    if (owner) return owner;
    const id = base64Url(crypto.getRandomValues(new Uint8Array(32)));
    setCookie(c, OWNER_COOKIE, id, {
      httpOnly: true,
      sameSite: "Strict",
      path: "/",
      secure: this.#options.isHttps(c),
      maxAge: OWNER_COOKIE_SECONDS,
    });
    return await browserOwner(id);
  }
}

async function browserOwner(id: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(id));
  return `browser:${base64Url(new Uint8Array(digest))}`;
}

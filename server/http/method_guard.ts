import type { MiddlewareHandler } from "hono";
import { HttpError } from "../http_error.ts";

/** A route as Hono lists it in `app.routes`: middleware show as method `ALL`. */
export interface RouteEntry {
  method: string;
  path: string;
}

/**
 * Answers 405 with `Allow` to a request whose path is one of the app's routes
 * but whose method is not. The methods come from `routes()` (read on the
 * first request, when every route is registered), so they never drift from
 * the app; GET implies HEAD (Hono answers HEAD with the GET handler, body
 * dropped) except on `noHead` routes, where running the handler has effects:
 * a HEAD to `/events/:id` would open a session that outlives the request.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * const app = new Hono();
 * app.use(methodGuard(() => app.routes, { noHead: ["/events/:session_id"] }));
 * app.get("/events/:session_id", (c) => c.text("stream"));
 * ```
 */
export function methodGuard(
  routes: () => readonly RouteEntry[],
  { noHead = [], extra = [] }: {
    /** Routes whose GET handler must not run for HEAD. */
    noHead?: string[];
    /** Methods every route takes besides its own (OPTIONS when CORS answers preflights). */
    extra?: string[];
  } = {},
): MiddlewareHandler {
  let table: { pattern: RegExp; allow: Set<string> }[] | undefined;
  const build = () => {
    const byPath = new Map<string, Set<string>>();
    for (const { method, path } of routes()) {
      if (method === "ALL") continue;
      const allow = byPath.get(path) ?? new Set(extra);
      allow.add(method);
      if (method === "GET" && !noHead.includes(path)) allow.add("HEAD");
      byPath.set(path, allow);
    }
    return [...byPath].map(([path, allow]) => ({ pattern: routePattern(path), allow }));
  };
  return async (c, next) => {
    table ??= build();
    const { method, path } = c.req;
    const routes = table.filter((route) => route.pattern.test(path));
    if (routes.length > 0 && !routes.some((route) => route.allow.has(method))) {
      const allow = [...new Set(routes.flatMap((route) => [...route.allow]))].join(", ");
      throw new HttpError(405, `Method not allowed: ${path} takes ${allow}`, {
        headers: { Allow: allow },
      });
    }
    await next();
  };
}

/** A Hono route path (`/send/:session_id`, `/static/*`) as a regular expression over paths. */
function routePattern(path: string): RegExp {
  const source = path.split("/").map((part) =>
    part === "*"
      ? ".*"
      : part.startsWith(":")
      ? "[^/]+"
      : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
  ).join("/");
  return new RegExp(`^${source}$`);
}

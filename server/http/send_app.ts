import { type Context, Hono } from "hono";
import type { Delivery } from "../../agent/agent_session.ts";
import type { BrowserSession } from "../sessions/browser_session.ts";
import type { SendRequestParts } from "./send_delivery.ts";

/** What {@link sendApp} needs. */
export interface SendAppOptions {
  /** The checks of `send_checks.ts`: the owned session, or a refusal thrown. */
  check: (c: Context) => Promise<BrowserSession>;
  /** A send body's way to the agent (see `send_delivery.ts`). */
  deliver: (session: BrowserSession, request: SendRequestParts) => Promise<Delivery>;
}

/**
 * `POST /send/:session_id` through the middleware chain: what the fast lane
 * leaves to it (a cross-origin request, a streamed body, a server draining).
 * Mounted after the middleware that shape every answer (request id, metrics,
 * security headers, CORS) and ahead of the origin guard, client limit and
 * access control, which `check` makes in its place, in the lane's order.
 *
 * @example
 * ```ts
 * app.route("/", sendApp({ check: sendChecks(options), deliver }));
 * ```
 */
export function sendApp({ check, deliver }: SendAppOptions): Hono {
  return new Hono().post("/send/:session_id", async (c) => {
    const delivery = await deliver(await check(c), c.req);
    // As the lane's answer says it (send_fast_lane.ts), so the two paths answer alike.
    c.header("Cache-Control", "no-store");
    // 202 while Gemini is away: the input may yet be lost (the page is told if so).
    return delivery === "queued" ? c.json({ status: "queued" }, 202) : c.json({ status: "sent" });
  });
}

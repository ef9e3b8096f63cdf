import { zValidator } from "@hono/zod-validator";
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { BrowserSession } from "../sessions/browser_session.ts";
import { bodySizeLimit } from "./body_size_limit.ts";
import { refuseInvalid, SessionParam } from "./route_params.ts";

/** What {@link sessionApiApp} needs. */
export interface SessionApiAppOptions {
  /** The session the request proved it owns, its rate limit charged; throws 401, 404 or 429. */
  ownedSession: (c: Context) => BrowserSession;
}

const ToolParam = SessionParam.extend({
  call_id: z.string().max(256, "Invalid call id: at most 256 characters"),
});

const ToolAnswer = z.object({
  approved: z.boolean({ error: 'Invalid body: send {"approved": true} or {"approved": false}' }),
});

/**
 * What a page POSTs to its own session besides `/send` (`send_app.ts`):
 * `/interrupt/:session_id` and `/tools/:session_id/:call_id` (the answer to a
 * tool call that asks first). Each proves ownership with the session's token.
 *
 * @example
 * ```ts
 * app.route("/", sessionApiApp({ ownedSession }));
 * ```
 */
export function sessionApiApp({ ownedSession }: SessionApiAppOptions): Hono {
  return new Hono()
    .post(
      "/interrupt/:session_id",
      zValidator("param", SessionParam, refuseInvalid),
      (c) => {
        ownedSession(c).interrupt();
        return c.json({ status: "interrupted" });
      },
    )
    .post(
      "/tools/:session_id/:call_id",
      zValidator("param", ToolParam, refuseInvalid),
      bodySizeLimit(4096, "confirm"),
      async (c) => {
        const session = ownedSession(c);
        const body = await c.req.json().catch(() => undefined);
        const answer = ToolAnswer.safeParse(body);
        refuseInvalid(answer);
        const { approved } = answer.data!;
        session.confirmTool(c.req.valid("param").call_id, approved);
        return c.json({ status: approved ? "allowed" : "declined" });
      },
    );
}

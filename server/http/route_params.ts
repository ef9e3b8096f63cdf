import { z } from "zod";
import { HttpError } from "../http_error.ts";

/** `:session_id` in a route: what the page may name a session. */
export const SessionParam = z.object({
  session_id: z.string().regex(
    /^[A-Za-z0-9_-]{1,64}$/,
    "Invalid session id: use 1 to 64 of A-Z, a-z, 0-9, _ and -",
  ),
});

/**
 * Turns a failed zod validation into our JSON 400: the hook every
 * `zValidator` of ours is given.
 *
 * @throws {HttpError} 400 with the first issue's message.
 *
 * @example
 * ```ts
 * import { zValidator } from "@hono/zod-validator";
 * zValidator("param", SessionParam, refuseInvalid);
 * ```
 */
export function refuseInvalid(
  result: { success: boolean; error?: { issues: { message: string }[] } },
): void {
  if (!result.success) throw new HttpError(400, result.error!.issues[0].message);
}

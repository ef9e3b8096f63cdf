import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { z } from "zod";
import {
  type ConversationHistory,
  HistoryUnavailableError,
} from "../history/conversation_history.ts";
import { conversationMarkdown } from "../history/conversation_markdown.ts";
import type { Turn } from "../history/history_store.ts";
import { HttpError } from "../http_error.ts";
import type { HistoryOwners } from "./history_owner.ts";
import { refuseInvalid } from "./route_params.ts";

const IdParam = z.object({
  id: z.string().regex(
    /^[A-Za-z0-9_-]{1,64}$/,
    "Invalid conversation id: use 1 to 64 of A-Z, a-z, 0-9, _ and -",
  ),
});

const ListQuery = z.object({
  limit: z.string().regex(/^\d{1,4}$/, "Invalid `limit`: use 1 to 1000").transform(Number)
    .refine((n) => n >= 1 && n <= 1000, "Invalid `limit`: use 1 to 1000").optional(),
});

const ReadQuery = z.object({
  format: z.enum(["json", "md"], { error: "Invalid `format`: use json or md" }).optional(),
});

/** Conversations a listing gives when it is not told how many. */
const DEFAULT_LIMIT = 100;

/** What {@link conversationsApp} serves from. */
export interface ConversationsAppOptions {
  history: ConversationHistory;
  /** Who owns the request's conversations. */
  owners: HistoryOwners;
}

/**
 * `GET /conversations`, `GET /conversations/:id` (JSON, or Markdown with
 * `?format=md`) and `DELETE /conversations/:id`, for the request's owner
 * only: another owner's conversation is 404, exactly as one that does not
 * exist. Mounted in `app.ts` after the host check, origin check, rate limits
 * and access control, which cover it.
 *
 * @example
 * ```ts ignore
 * app.route("/", conversationsApp({ history, owners }));
 * ```
 */
export function conversationsApp({ history, owners }: ConversationsAppOptions): Hono {
  const app = new Hono();
  const notFound = (id: string) => new HttpError(404, `Not found: no conversation \`${id}\``);
  // The database's failure, as our one error type.
  const available = async <T>(read: Promise<T>): Promise<T> => {
    try {
      return await read;
    } catch (error) {
      if (!(error instanceof HistoryUnavailableError)) throw error;
      throw new HttpError(503, error.message, { cause: error, retryAfterSeconds: 5 });
    }
  };
  app.use("*", async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
  });

  app.get("/conversations", zValidator("query", ListQuery, refuseInvalid), async (c) => {
    const owner = await owners.of(c);
    const limit = c.req.valid("query").limit ?? DEFAULT_LIMIT;
    const summaries = owner ? await available(history.list(owner, limit)) : [];
    return c.json({
      conversations: summaries.map((s) => ({
        id: s.id,
        title: s.title,
        started_at: iso(s.startedAt),
        updated_at: iso(s.updatedAt),
        turns: s.turns,
      })),
    });
  });

  app.get(
    "/conversations/:id",
    zValidator("param", IdParam, refuseInvalid),
    zValidator("query", ReadQuery, refuseInvalid),
    async (c) => {
      const { id } = c.req.valid("param");
      const owner = await owners.of(c);
      const conversation = owner && await available(history.read(owner, id));
      if (!conversation) throw notFound(id);
      if (c.req.valid("query").format === "md") {
        return c.body(conversationMarkdown(conversation), 200, {
          "Content-Type": "text/markdown; charset=utf-8",
          "Content-Disposition": `attachment; filename="conversation-${id}.md"`,
        });
      }
      return c.json({
        id: conversation.id,
        title: conversation.title,
        started_at: iso(conversation.startedAt),
        updated_at: iso(conversation.updatedAt),
        turns: conversation.turns.map(turnJson),
      });
    },
  );

  app.delete("/conversations/:id", zValidator("param", IdParam, refuseInvalid), async (c) => {
    const { id } = c.req.valid("param");
    const owner = await owners.of(c);
    if (!owner || !await available(history.delete(owner, id))) throw notFound(id);
    return c.body(null, 204);
  });

  return app;
}

function turnJson(turn: Turn): Record<string, unknown> {
  return {
    role: turn.role,
    text: turn.text,
    at: iso(turn.at),
    ...(turn.sources ? { sources: turn.sources } : {}),
    ...(turn.tools ? { tools: turn.tools } : {}),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

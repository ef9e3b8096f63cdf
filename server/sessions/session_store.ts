import type { ResponseMode } from "../../agent/agent_event.ts";
import type { NumberedMessage } from "./replay_buffer.ts";

/**
 * What outlives the process serving a session, so another instance can take
 * it over: who owns it, how it answers, where its Gemini conversation stands
 * and the last events its page may have missed.
 */
export interface StoredSession {
  /** SHA-256 of the session token, hex; the token itself is never stored. */
  tokenHash: string;
  mode: ResponseMode;
  /** The newest Live resumption handle (valid about 2 hours), if any yet. */
  handle?: string;
  /** Id of the session's newest event. */
  lastEventId: number;
  /** The newest events, contiguous up to `lastEventId`; see {@link storedTail}. */
  events: NumberedMessage[];
}

/**
 * Where sessions' durable state lives: memory by default, Redis with
 * `REDIS_URL`, so sessions of a failed instance resume on another one.
 * Entries expire `ttlMs` after their last save.
 */
export interface SessionStore {
  /** The stored state of session `id`, if any and not expired. */
  load(id: string): Promise<StoredSession | undefined>;
  /** Replaces the state of session `id` and restarts its time to live. */
  save(id: string, session: StoredSession): Promise<void>;
  /** Forgets session `id`: it ended and cannot be resumed. */
  delete(id: string): Promise<void>;
  /** Lets go of connections; entries stay for the next process. */
  close(): Promise<void>;
}

/** Resumption handles live about 2 hours; stored sessions as long after their last use. */
export const STORED_SESSION_TTL_MS = 2 * 60 * 60 * 1000;

/** Bounds of the replay tail kept per stored session. */
export const STORED_TAIL = { maxEvents: 200, maxBytes: 256 * 1024 };

/** Stands in for the agent's voice in a stored tail, keeping ids contiguous. */
const AUDIO_LEFT_OUT = "audio not kept";

/**
 * The part of a replay buffer worth storing: the newest events, at most
 * `maxEvents` and `maxBytes`, with the agent's voice (events without a
 * message) left out and an id-only comment in its place, since text and small
 * events matter most.
 *
 * @example
 * ```ts
 * storedTail([{ id: 1, message: { id: 1, data: "a" } }, { id: 2 }]);
 * // [{ id: 1, data: "a" }, { id: 2, comment: "audio not kept" }]
 * ```
 */
export function storedTail(
  events: readonly { id: number; message?: NumberedMessage }[],
  { maxEvents, maxBytes } = STORED_TAIL,
): NumberedMessage[] {
  const tail: NumberedMessage[] = [];
  let bytes = 0;
  for (let i = events.length - 1; i >= 0 && tail.length < maxEvents; i--) {
    const event = events[i].message ?? { id: events[i].id, comment: AUDIO_LEFT_OUT };
    bytes += (event.data?.length ?? 0) + (event.event?.length ?? 0) + 16;
    if (bytes > maxBytes) break;
    tail.push(event);
  }
  return tail.reverse();
}

/**
 * SHA-256 of a session token, hex: enough to check a presented token, useless
 * to present.
 *
 * @example
 * ```ts
 * (await hashToken("secret")).length; // 64
 * ```
 */
export async function hashToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

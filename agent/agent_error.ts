import type { RefusalKind } from "./live_close_cause.ts";

/**
 * The one error type the agent module throws.
 *
 * `fatal` tells the caller whether trying again can help: a wrong key or a
 * missing model stays wrong, a dropped connection may not.
 *
 * @example
 * ```ts
 * throw new AgentError("Cannot connect: `GOOGLE_API_KEY` is not set", { fatal: true });
 * ```
 */
export class AgentError extends Error {
  /** True when retrying cannot succeed without a change of configuration. */
  readonly fatal: boolean;
  /** What Gemini refused, when it closed the connection during setup. */
  readonly refusal?: RefusalKind;
  /** The low-level cause (e.g. `getaddrinfo ENOTFOUND …`) for logs, apart from the sentence. */
  readonly detail?: string;

  constructor(
    message: string,
    options: { fatal: boolean; cause?: unknown; refusal?: RefusalKind; detail?: string },
  ) {
    super(message, { cause: options.cause });
    this.name = "AgentError";
    this.fatal = options.fatal;
    this.refusal = options.refusal;
    this.detail = options.detail;
  }
}

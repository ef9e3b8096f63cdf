import type { Logger } from "../observability/logger.ts";

/** The part of `Deno.HttpServer` a {@link ResilientServer} uses; tests hand it a fake. */
export interface ListeningServer {
  readonly addr: Deno.NetAddr;
  readonly finished: Promise<void>;
  shutdown(): Promise<void>;
}

/** What a {@link ResilientServer} is built from. */
export interface ResilientServerOptions<S extends ListeningServer> {
  /**
   * Starts listening: on the configured port first, then on `port`, the one
   * the first server got (so `PORT=0` keeps its port across restarts).
   */
  listen: (port?: number) => S;
  logger: Logger;
  /** Wait before the first attempt to listen again; it doubles up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** Injected so tests control time; returns a function that cancels the timer. */
  schedule?: (callback: () => void, ms: number) => () => void;
}

function schedule(callback: () => void, ms: number): () => void {
  const timer = setTimeout(callback, ms);
  return () => clearTimeout(timer);
}

/**
 * An HTTP server that listens again when its listener fails. In Deno 2.9,
 * when accepting a connection fails — `Too many open files` once a flood of
 * idle connections has used every descriptor — `Deno.serve` closes its
 * listener and rejects `finished`: nothing answers any more, and the
 * unhandled rejection ends the process. Connections already accepted go on
 * (event streams keep streaming), so this logs the failure and listens again
 * on the same port, after a delay that doubles while listening fails, until
 * it serves again.
 *
 * @example
 * ```ts
 * const server = new ResilientServer({
 *   listen: (port) => Deno.serve({ port: port ?? 8000 }, () => new Response("ok")),
 *   logger: createLogger("info"),
 * });
 * await server.shutdown();
 * ```
 */
export class ResilientServer<S extends ListeningServer> {
  readonly #options: ResilientServerOptions<S>;
  #server: S;
  #cancelTimer: (() => void) | undefined;
  #stopping = false;
  /** Servers whose listener failed: their open connections still run. */
  readonly #failed = new Set<S>();

  constructor(options: ResilientServerOptions<S>) {
    this.#options = options;
    this.#server = this.#watch(options.listen());
  }

  /** The server listening now (or the last one, while it waits to listen again). */
  get server(): S {
    return this.#server;
  }

  /** Stops listening again, then shuts every server down: the current one and failed ones. */
  async shutdown(): Promise<void> {
    this.#stopping = true;
    this.#cancelTimer?.();
    await Promise.all([this.#server, ...this.#failed].map((s) => s.shutdown().catch(() => {})));
  }

  #watch(server: S): S {
    server.finished.catch((error) => {
      if (this.#stopping) return;
      this.#failed.add(server);
      this.#options.logger.error(
        `The listener on port ${server.addr.port} failed (${
          error instanceof Error ? error.message : error
        }); open connections go on, and it listens again`,
      );
      this.#listenAgain(server.addr.port, this.#options.firstDelayMs ?? 100);
    });
    return server;
  }

  #listenAgain(port: number, delayMs: number): void {
    const { maxDelayMs = 5000, logger } = this.#options;
    this.#cancelTimer = (this.#options.schedule ?? schedule)(() => {
      if (this.#stopping) return;
      try {
        this.#server = this.#watch(this.#options.listen(port));
        logger.info(`Listening again on port ${port}`);
      } catch (error) {
        logger.warn(
          `Cannot listen on port ${port} yet (${
            error instanceof Error ? error.message : error
          }); trying again`,
        );
        this.#listenAgain(port, Math.min(delayMs * 2, maxDelayMs));
      }
    }, delayMs);
  }
}

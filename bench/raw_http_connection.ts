/**
 * One keep-alive HTTP/1.1 client connection on a plain TCP socket with
 * no-delay set, as browsers do. `fetch` is not used because Deno's client
 * leaves Nagle's algorithm on and hides the bytes on the wire.
 *
 * @example
 * ```ts
 * const c = await RawHttpConnection.open(8000);
 * await c.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
 * const head = await c.readResponse();
 * c.close();
 * ```
 */
export class RawHttpConnection {
  /** Bytes written so far. */
  bytesOut = 0;
  /** Bytes read so far. */
  bytesIn = 0;
  readonly #conn: Deno.TcpConn;
  readonly #buffer = new Uint8Array(65536);
  #pending = "";

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  /** Connects to `127.0.0.1:port` with TCP no-delay. */
  static async open(port: number): Promise<RawHttpConnection> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.setNoDelay(true);
    return new RawHttpConnection(conn);
  }

  /** Writes all of `bytes`. */
  async write(bytes: Uint8Array): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      done += await this.#conn.write(bytes.subarray(done));
    }
    this.bytesOut += bytes.length;
  }

  /**
   * Reads what arrives next; `null` at the end. The bytes are only valid
   * until the next call.
   */
  async read(): Promise<Uint8Array | null> {
    const n = await this.#conn.read(this.#buffer);
    if (n === null) return null;
    this.bytesIn += n;
    return this.#buffer.subarray(0, n);
  }

  /**
   * Reads one response with a `Content-Length` body, for request/response
   * use; resolves with its status, or 0 if the connection ended.
   */
  async readResponse(): Promise<number> {
    for (let reads = 0; reads < 1000; reads++) {
      const end = this.#pending.indexOf("\r\n\r\n");
      if (end >= 0) {
        const head = this.#pending.slice(0, end);
        const length = Number(
          /\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0,
        );
        if (this.#pending.length >= end + 4 + length) {
          this.#pending = this.#pending.slice(end + 4 + length);
          return Number(head.slice(9, 12));
        }
      }
      const bytes = await this.read();
      if (!bytes) return 0;
      this.#pending += latin1(bytes);
    }
    return 0;
  }

  /** Closes the socket; never throws. */
  close(): void {
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
  }
}

/** Decodes bytes one to one into a string (headers and base64 are ASCII). */
export function latin1(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return text;
}

/**
 * Decodes an HTTP/1.1 `Transfer-Encoding: chunked` body incrementally, as
 * bytes arrive from a socket. Trailers are not expected (SSE has none).
 *
 * @example
 * ```ts
 * const d = new ChunkedDecoder();
 * const body = d.push(new TextEncoder().encode("3\r\nabc\r\n"));
 * new TextDecoder().decode(body[0]); // "abc"
 * ```
 */
export class ChunkedDecoder {
  /** Bytes of data left in the current chunk. */
  #left = 0;
  /** Bytes of the CRLF after a chunk's data still to skip. */
  #crlf = 0;
  #sizeLine = "";
  /** True once the last (zero-size) chunk was read. */
  done = false;

  /** Feeds bytes; returns the body pieces they complete, in order. */
  push(bytes: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let i = 0;
    while (i < bytes.length && !this.done) {
      if (this.#left > 0) {
        const n = Math.min(this.#left, bytes.length - i);
        out.push(bytes.subarray(i, i + n));
        this.#left -= n;
        i += n;
        if (this.#left === 0) this.#crlf = 2;
      } else if (this.#crlf > 0) {
        this.#crlf--;
        i++;
      } else {
        const lf = bytes.indexOf(0x0a, i);
        const end = lf < 0 ? bytes.length : lf;
        for (let j = i; j < end; j++) {
          this.#sizeLine += String.fromCharCode(bytes[j]);
        }
        i = end;
        if (lf < 0) break;
        i++;
        const size = parseInt(this.#sizeLine.trim().split(";")[0], 16);
        this.#sizeLine = "";
        if (Number.isNaN(size)) {
          throw new SyntaxError("Cannot decode chunked body: bad chunk size");
        }
        if (size === 0) this.done = true;
        this.#left = size;
      }
    }
    return out;
  }
}

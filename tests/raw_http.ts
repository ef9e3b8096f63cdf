/**
 * HTTP/1.1 requests written byte for byte on a TCP socket, for what `fetch`
 * would normalize or refuse to send: paths with spaces or `..`, odd methods,
 * any `Host`.
 *
 * @module
 */

/** A response as read off the socket. */
export interface RawResponse {
  status: number;
  headers: Headers;
  body: string;
}

/**
 * Sends `request` (the whole request, head and body, as written) to
 * `127.0.0.1:port` and reads until the server closes the connection (add
 * `Connection: close` to the request), or only the head of an event stream.
 * Rejects after `deadlineMs`.
 */
export async function rawRequest(
  port: number,
  request: string,
  deadlineMs = 5000,
): Promise<RawResponse> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    conn.close();
  }, deadlineMs);
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  try {
    // A server that refuses a request may answer and reset the connection
    // before it is all written, or read: what arrived is the answer.
    const written = conn.write(new TextEncoder().encode(request)).catch(() => 0);
    const buffer = new Uint8Array(65536);
    for (;;) {
      const n = await conn.read(buffer).catch((error) => {
        if (timedOut) throw new Error(`no answer within ${deadlineMs} ms to ${request}`);
        if (chunks.length > 0 && error instanceof Deno.errors.ConnectionReset) return null;
        throw error;
      });
      if (n === null) break;
      chunks.push(buffer.slice(0, n));
      // An event stream does not end: its head is the answer.
      const head = new TextDecoder().decode(await new Blob(chunks).bytes());
      if (/\r\n\r\n/.test(head) && /^content-type: text\/event-stream/im.test(head)) break;
    }
    await written;
  } finally {
    clearTimeout(timer);
    if (!timedOut) conn.close();
  }
  const text = new TextDecoder().decode(await new Blob(chunks).bytes());
  return parseResponse(text);
}

/** The status line, headers and (unchunked) body of a response as text. */
export function parseResponse(text: string): RawResponse {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) throw new Error(`not an HTTP response: ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine, ...lines] = text.slice(0, end).split("\r\n");
  const status = Number(statusLine.split(" ")[1]);
  const headers = new Headers();
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers.append(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  let body = text.slice(end + 4);
  if (headers.get("transfer-encoding")?.includes("chunked")) body = unchunk(body);
  return { status, headers, body };
}

function unchunk(text: string): string {
  let body = "";
  let at = 0;
  for (;;) {
    const lineEnd = text.indexOf("\r\n", at);
    if (lineEnd < 0) return body;
    const size = parseInt(text.slice(at, lineEnd), 16);
    if (!(size > 0)) return body;
    body += text.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}

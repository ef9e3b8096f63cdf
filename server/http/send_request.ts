import { z } from "zod";
import type { SessionInput } from "../sessions/browser_session.ts";
import { HttpError } from "../http_error.ts";
import { parseOpusFrames } from "../audio/opus_framing.ts";

/** A validated `POST /send/:session_id` body: a session's input, or Opus still to decode. */
export type SendRequest =
  | SessionInput
  /** Opus packets (framed as in `opus_framing.ts`) and the seconds they decode to. */
  | { mimeType: "audio/opus"; packets: Uint8Array[]; seconds: number; bytes: number };

const Body = z.object({
  mime_type: z.string({ error: "Cannot send: `mime_type` must be a string" }),
  data: z.string({ error: "Cannot send: `data` must be a string" }),
}, { error: "Cannot send: the body must be a JSON object" });

/** What `atob` forgives and strict base64 refuses, besides missing padding. */
const ASCII_WHITESPACE = /[\t\n\f\r ]/;

/**
 * True for padded base64 (RFC 4648 alphabet). `atob` checks the alphabet and
 * the padding in native code, ten times faster than a regular expression over
 * the whole chunk on every audio POST; it forgives whitespace and missing
 * padding, which are refused first.
 */
function isPaddedBase64(data: string): boolean {
  if (data.length % 4 !== 0 || ASCII_WHITESPACE.test(data)) return false;
  try {
    atob(data);
    return true;
  } catch {
    return false;
  }
}

/**
 * Parses and validates a send body, as text.
 *
 * @throws {HttpError} 400 for malformed JSON, a wrong shape, empty text,
 *   invalid base64, PCM with an odd byte count or Opus packets that are not
 *   framed right or carry no valid Opus header; 415 for another `mime_type`
 *   or an `image/jpeg` that is not a JPEG.
 *
 * @example
 * ```ts
 * parseSendRequest('{"mime_type":"text/plain","data":"Hi"}');
 * // { mimeType: "text/plain", data: "Hi" }
 * ```
 */
export function parseSendRequest(body: string): SendRequest {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new HttpError(400, "Cannot send: the body is not valid JSON");
  }
  const parsed = Body.safeParse(json);
  if (!parsed.success) throw new HttpError(400, parsed.error.issues[0].message);
  const { mime_type: mimeType, data } = parsed.data;
  if (mimeType === "text/plain") {
    if (data.trim() === "") {
      throw new HttpError(400, "Cannot send: `data` is empty");
    }
    return { mimeType, data };
  }
  if (mimeType === "audio/pcm" || mimeType === "image/jpeg" || mimeType === "audio/opus") {
    if (data === "") throw new HttpError(400, "Cannot send: `data` is empty");
    if (!isPaddedBase64(data)) {
      throw new HttpError(400, "Cannot send: `data` is not valid base64");
    }
    const bytes = data.length / 4 * 3 -
      (data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0);
    if (mimeType === "image/jpeg") {
      // Every JPEG starts with FF D8 FF ("/9j/" in base64) and ends with EOI, FF D9.
      if (!data.startsWith("/9j/") || !endsWithEoi(data)) {
        throw new HttpError(415, "Cannot send: `data` is not a JPEG image");
      }
      return { mimeType, data, bytes };
    }
    if (mimeType === "audio/opus") {
      try {
        return { mimeType, bytes, ...parseOpusFrames(base64Bytes(data)) };
      } catch (error) {
        throw new HttpError(400, `Cannot send: ${(error as Error).message}`);
      }
    }
    if (bytes % 2 !== 0) {
      throw new HttpError(
        400,
        `Cannot send: \`data\` has ${bytes} bytes, not whole 16-bit samples`,
      );
    }
    return { mimeType, data, bytes };
  }
  throw new HttpError(
    415,
    `Cannot send: \`mime_type\` ${JSON.stringify(mimeType)} is not supported; ` +
      'use "text/plain", "audio/pcm", "audio/opus" or "image/jpeg"',
  );
}

/**
 * Whether base64 already checked by {@link isPaddedBase64} ends with the
 * bytes FF D9: the last two quanta (8 characters) hold at least its last 4 bytes.
 */
function endsWithEoi(data: string): boolean {
  const tail = atob(data.slice(-8));
  return tail.length >= 2 && tail.charCodeAt(tail.length - 2) === 0xff &&
    tail.charCodeAt(tail.length - 1) === 0xd9;
}

/** The bytes of base64 already checked by {@link isPaddedBase64}. */
function base64Bytes(data: string): Uint8Array {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

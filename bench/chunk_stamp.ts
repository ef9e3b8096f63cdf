/**
 * The stamp a benchmark chunk carries inside its PCM bytes, so latency, loss
 * and order are measured end to end on one clock: whatever the relay does to
 * the envelope, the first {@link STAMP_BYTES} bytes of the audio survive.
 *
 * @module
 */

/** What a chunk says about itself. */
export interface ChunkStamp {
  /** Session (upstream) or fake connection (downstream) number. */
  session: number;
  /** Sequence number within the session, from 0. */
  seq: number;
  /** Send time, milliseconds since the epoch (see {@link nowMs}). */
  sentAt: number;
}

/** Bytes of a stamp: magic, session, seq, padding (u32 each), time (f64). */
export const STAMP_BYTES = 24;
/** Base64 characters of a stamp; 24 bytes encode without padding. */
export const STAMP_BASE64_CHARS = 32;
const MAGIC = 0x5354_4d50; // "STMP"

/**
 * Milliseconds since the epoch with sub-millisecond precision, comparable
 * between processes on one machine.
 */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Encodes a stamp as the 32 base64 characters that open a stamped chunk.
 *
 * @example
 * ```ts
 * const text = stampBase64({ session: 1, seq: 2, sentAt: 3 });
 * readStampBase64(text, 0); // { session: 1, seq: 2, sentAt: 3 }
 * ```
 */
export function stampBase64(stamp: ChunkStamp): string {
  const view = new DataView(new ArrayBuffer(STAMP_BYTES));
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, stamp.session, true);
  view.setUint32(8, stamp.seq, true);
  view.setFloat64(16, stamp.sentAt, true);
  return btoa(String.fromCharCode(...new Uint8Array(view.buffer)));
}

/**
 * Reads the stamp whose base64 starts at `offset` of `text`, or `undefined`
 * when the bytes there are not a stamp.
 */
export function readStampBase64(
  text: string,
  offset: number,
): ChunkStamp | undefined {
  let binary: string;
  try {
    binary = atob(text.slice(offset, offset + STAMP_BASE64_CHARS));
  } catch {
    return undefined;
  }
  if (binary.length !== STAMP_BYTES) return undefined;
  const view = new DataView(new ArrayBuffer(STAMP_BYTES));
  for (let i = 0; i < STAMP_BYTES; i++) view.setUint8(i, binary.charCodeAt(i));
  if (view.getUint32(0, true) !== MAGIC) return undefined;
  return {
    session: view.getUint32(4, true),
    seq: view.getUint32(8, true),
    sentAt: view.getFloat64(16, true),
  };
}

/**
 * Finds the stamp of the base64 string that follows `"data":"` in a JSON text
 * without parsing the rest of it.
 */
export function findStamp(json: string): ChunkStamp | undefined {
  const at = json.indexOf('"data":"');
  return at < 0 ? undefined : readStampBase64(json, at + 8);
}

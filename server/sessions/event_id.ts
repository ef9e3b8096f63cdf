import { HttpError } from "../http_error.ts";

/**
 * The event id a page names (`Last-Event-ID` when it reconnects, or on its
 * POSTs to say what it has received), or undefined when it names none.
 *
 * @throws {HttpError} 400 when the value is not an event id.
 *
 * @example
 * ```ts
 * eventId("42"); // 42
 * eventId(undefined); // undefined
 * ```
 */
export function eventId(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  if (!/^\d{1,15}$/.test(value)) {
    throw new HttpError(400, "Invalid `Last-Event-ID`: use the id of an event of this session");
  }
  return Number(value);
}

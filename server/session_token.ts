/**
 * A new session token: 256 random bits, base64url, safe in cookies and headers.
 *
 * @example
 * ```ts
 * createSessionToken().length; // 43
 * ```
 */
export function createSessionToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

const encoder = new TextEncoder();

/**
 * Compares a presented token with the expected one in time that does not
 * depend on where they differ, so timing reveals nothing of the secret.
 *
 * @example
 * ```ts
 * tokensMatch("abc", "abc"); // true
 * ```
 */
export function tokensMatch(presented: string, expected: string): boolean {
  const a = encoder.encode(presented);
  const b = encoder.encode(expected);
  let difference = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) difference |= (a[i] ?? 0) ^ b[i];
  return difference === 0;
}

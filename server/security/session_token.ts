/**
 * A new session token: 256 random bits, base64url, safe in cookies and headers.
 *
 * @example
 * ```ts
 * createSessionToken().length; // 43
 * ```
 */
export function createSessionToken(): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(32)));
}

/**
 * Bytes as unpadded base64url (RFC 4648 §5), as tokens and cookies carry them.
 *
 * @example
 * ```ts
 * base64Url(new Uint8Array([251, 255])); // "-_8"
 * ```
 */
export function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

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
  // UTF-16 code units compared in place: this runs on every audio POST, and
  // encoding both strings first cost two allocations each time.
  let difference = presented.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) {
    difference |= (presented.charCodeAt(i) | 0) ^ expected.charCodeAt(i);
  }
  return difference === 0;
}

const KEY_PARAMETER = /([?&](?:key|access_token)=)[^&\s"']+/gi;

/**
 * Removes secrets from text that may reach a log or a browser: the given
 * values wherever they appear, and any `key=` / `access_token=` URL
 * parameter, which is how the Live API carries the API key.
 *
 * @example
 * ```ts
 * redactSecrets("wss://host/ws?key=AIza123 failed", ["AIza123"]);
 * // "wss://host/ws?key=[redacted] failed"
 * ```
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let clean = text.replace(KEY_PARAMETER, "$1[redacted]");
  for (const secret of secrets) {
    if (secret.length >= 4) clean = clean.replaceAll(secret, "[redacted]");
  }
  return clean;
}

/** A host name or bracketed IPv6 address, and an optional port: nothing else. */
const AUTHORITY = /^(?<name>[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(?<port>\d{1,5}))?$/;

/**
 * Whether `host` (a `Host` header's value) is one of `allowed`: its name
 * (case and a final dot aside) alone, or with its port.
 *
 * @example
 * ```ts
 * hostAllowed("LocalHost.:8000", ["localhost"]); // true
 * hostAllowed("attacker.example:8000", ["localhost"]); // false
 * ```
 */
export function hostAllowed(host: string, allowed: string[]): boolean {
  const match = AUTHORITY.exec(host.toLowerCase());
  if (!match) return false;
  const name = match.groups!.name.replace(/(?<=[^.])\.$/, "");
  const port = match.groups!.port;
  return allowed.includes(name) || (port !== undefined && allowed.includes(`${name}:${port}`));
}

/**
 * Whether `entry` is a valid `ALLOWED_HOSTS` entry: a lowercase name or
 * address, with an optional port.
 *
 * @example
 * ```ts
 * isHostEntry("agent.example.com"); // true
 * isHostEntry("https://agent.example.com"); // false
 * ```
 */
export function isHostEntry(entry: string): boolean {
  return AUTHORITY.test(entry);
}

import { type Context, Hono, type MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

const policy: NonNullable<Parameters<typeof secureHeaders>[0]> = {
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:"],
    mediaSrc: ["'self'", "blob:"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  permissionsPolicy: {
    microphone: ["self"],
    camera: ["self"],
    displayCapture: ["self"],
    geolocation: [],
    payment: [],
    usb: [],
  },
  referrerPolicy: "no-referrer",
  xContentTypeOptions: "nosniff",
  xFrameOptions: "DENY",
  crossOriginOpenerPolicy: "same-origin",
  crossOriginResourcePolicy: "same-origin",
};

const overHttps = secureHeaders({
  ...policy,
  strictTransportSecurity: "max-age=31536000; includeSubDomains",
});
const overHttp = secureHeaders({ ...policy, strictTransportSecurity: false });

/**
 * Hono's `secureHeaders` with our policy: a CSP without inline script or
 * style, `connect-src 'self'`, `frame-ancestors 'none'`, the microphone,
 * camera and screen capture for this origin only, and HSTS when the request
 * came over HTTPS.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * new Hono().use(securityHeaders((c) => new URL(c.req.url).protocol === "https:"));
 * ```
 */
export function securityHeaders(isHttps: (c: Context) => boolean): MiddlewareHandler {
  return (c, next) => (isHttps(c) ? overHttps : overHttp)(c, next);
}

/**
 * The headers {@link securityHeaders} sets, as name/value pairs, for the few
 * responses built outside the middleware chain (the `/send` fast lane): read
 * off Hono's middleware itself, so the two cannot drift apart.
 *
 * @example
 * ```ts
 * const headers = await securityHeaderList(false);
 * headers.find(([name]) => name === "x-frame-options"); // ["x-frame-options", "DENY"]
 * ```
 */
export async function securityHeaderList(https: boolean): Promise<[string, string][]> {
  const probe = new Hono()
    .use(https ? overHttps : overHttp)
    .get("/", (c) => c.body(null, 204));
  return [...(await probe.request("/")).headers];
}

// Response headers for an API (OWASP REST Security): nothing here is meant to be rendered, framed
// or sniffed. Set on the SCIM router, so an application embedding it gets them too; the app's own
// pages (Swagger UI) keep their policy.
//
// helmet decides the headers; they do not depend on the request, so its middleware runs once at
// start-up against a recorder and every response gets the recorded list (running helmet's dozen
// middleware per request was ~6% of a GET's CPU in `npm run bench`).
import helmet from 'helmet';
import type { ServerResponse } from 'node:http';

// The OWASP REST Security Cheat Sheet's set for APIs, plus Cross-Origin-Resource-Policy (no
// cross-origin page may embed a response full of personal data). helmet's other defaults are for
// HTML pages (DNS prefetch, IE download options, Flash policies, XSS auditor, opener policy,
// referrer policy of documents): they protect nothing on a JSON API, and every header is written
// on every response.
const policy = helmet({
  // A JSON API loads nothing and may be framed by nobody.
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  xFrameOptions: { action: 'deny' }, // for browsers without CSP frame-ancestors
  xContentTypeOptions: true,
  crossOriginResourcePolicy: { policy: 'same-origin' },
  // HSTS belongs to whoever terminates TLS for the whole host (includeSubDomains would reach an
  // embedder's other sites); left to the deployment.
  strictTransportSecurity: false,
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  referrerPolicy: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
  crossOriginEmbedderPolicy: false,
});

/** The headers helmet sets and removes, recorded once. */
function recordPolicy(): { set: readonly (readonly [string, string])[]; removed: readonly string[] } {
  const recorded = new Map<string, string>();
  const removed: string[] = [];
  // Responses carry personal data: no shared or private cache keeps them (RFC 9111 §5.2.2.5).
  recorded.set('Cache-Control', 'no-store');
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => recorded.set(name, String(value)),
    removeHeader: (name: string) => removed.push(name) && recorded.delete(name),
    getHeader: (name: string) => recorded.get(name),
  };
  let called = false;
  policy({} as never, recorder as never, (err?: unknown) => {
    if (err) throw err;
    called = true;
  });
  if (!called) throw new Error('helmet did not complete synchronously');
  return { set: [...recorded], removed };
}

const HEADERS = recordPolicy();

/** The security headers as a flat [name, value, ...] list, for writeScim (src/http/respond.ts). */
export const SECURITY_HEADERS: readonly string[] = HEADERS.set.flat();

/** Headers helmet removes (X-Powered-By, which an embedding app's Express may have set already). */
export function removeInsecureHeaders(res: ServerResponse): void {
  for (const name of HEADERS.removed) if (res.hasHeader(name)) res.removeHeader(name);
}

/** Sets the security headers now, for answers not written by writeScim (CORS, rate limiting). */
export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of HEADERS.set) res.setHeader(name, value);
  removeInsecureHeaders(res);
}

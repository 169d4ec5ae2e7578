// Response headers for an API (OWASP REST Security): nothing here is meant to be rendered, framed
// or sniffed. Set on the SCIM router, so an application embedding it gets them too; the app's own
// pages (Swagger UI) keep their policy.
import helmet from 'helmet';
import type { NextFunction, Request, Response } from 'express';

const headers = helmet({
  // A JSON API loads nothing and may be framed by nobody.
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  xFrameOptions: { action: 'deny' }, // for browsers without CSP frame-ancestors
  // HSTS belongs to whoever terminates TLS for the whole host (includeSubDomains would reach an
  // embedder's other sites); left to the deployment.
  strictTransportSecurity: false,
});

export function securityHeaders(req: Request, res: Response, next: NextFunction): void {
  // Responses carry personal data: no shared or private cache keeps them (RFC 9111 §5.2.2.5).
  res.set('Cache-Control', 'no-store');
  headers(req, res, next);
}

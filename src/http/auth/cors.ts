// CORS for browser clients (Fetch standard): off unless origins are listed. The Authorization
// header is sent explicitly by the client, so no cookies and no `Access-Control-Allow-Credentials`.
import cors from 'cors';
import type { RequestHandler } from 'express';
import type { CorsOptions } from '../../options.ts';

export function corsMiddleware(options: CorsOptions | undefined): RequestHandler | undefined {
  const origins = options?.origins ?? [];
  if (origins.length === 0) return undefined;
  return cors({
    origin: origins.includes('*') ? '*' : [...origins],
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'If-Match', 'If-None-Match'],
    // Headers a SCIM client reads (RFC 7644 §3.1 Location, §3.14 ETag; 401 and 429 answers).
    exposedHeaders: ['Location', 'ETag', 'WWW-Authenticate', 'Retry-After'],
    maxAge: 600,
  });
}

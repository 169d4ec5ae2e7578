// Per-client rate limiting (RFC 6585 §4: 429 Too Many Requests, with Retry-After), off unless
// configured. Clients are keyed by IP address (IPv6 by /56 prefix). Behind a reverse proxy every
// request comes from the proxy's address: the application must set Express's `trust proxy` (to
// the proxy's hops or addresses, never `true`) so req.ip is the real client.
import { rateLimit } from 'express-rate-limit';
import type { Request, RequestHandler, Response } from 'express';
import { ScimError } from '../../errors.ts';
import type { RateLimitOptions } from '../../options.ts';
import { sendError } from '../errors.ts';

export function rateLimitMiddleware(options: RateLimitOptions | undefined): RequestHandler | undefined {
  if (!options) return undefined;
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.max,
    standardHeaders: 'draft-7', // RateLimit and RateLimit-Policy
    legacyHeaders: false,
    handler: (req: Request, res: Response) => {
      const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = Math.max(1, Math.ceil(((reset?.getTime() ?? Date.now() + options.windowMs) - Date.now()) / 1000));
      sendError(res, new ScimError(429, 'Too many requests; try again later', undefined, { 'Retry-After': String(seconds) }));
    },
  });
}

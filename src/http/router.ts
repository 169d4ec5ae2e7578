// The SCIM router: an Express router that can be mounted at any prefix of any Express app.
// Order matters: security headers on every answer; CORS (so even a 429 is readable by the browser
// that caused it); rate limiting before authentication (so guessing credentials is limited too);
// authentication before a body is read (an unauthenticated client makes this server parse
// nothing); then media type, size and JSON checks, and the contract-driven backend.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { ScimError } from '../errors.ts';
import type { CorsOptions, RateLimitOptions } from '../options.ts';
import type { RequestContext } from '../resources/context.ts';
import { corsMiddleware } from './auth/cors.ts';
import { rateLimitMiddleware } from './auth/rate-limit.ts';
import { setSecurityHeaders } from './auth/security-headers.ts';
import type { RequestInfo, ScimBackend } from './backend.ts';
import { sendError } from './errors.ts';
import { bodyParserError, hasBody, jsonBody, rejectDeclaredOversize, requireScimMediaType } from './media.ts';
import { writeScim } from './respond.ts';

export interface RouterOptions {
  /** Absolute public URL of the SCIM base (for servers behind a proxy); else taken from the request. */
  readonly baseUrl?: string;
  readonly bodyLimit: string | number;
  /** /Bulk carries many resources: its own limit (RFC 7644 §3.7.4 maxPayloadSize). */
  readonly bulkBodyLimit: number;
  readonly logError: (err: unknown) => void;
  /** CORS: off unless origins are listed. */
  readonly cors?: CorsOptions;
  /** Per-client rate limiting: off unless set. */
  readonly rateLimit?: RateLimitOptions;
}

/** HEAD is GET without the body (RFC 9110 §9.3.2); Node drops the body itself. */
const methodOf = (req: Request): string => (req.method === 'HEAD' ? 'GET' : req.method);

export function createScimRouter(backend: ScimBackend, options: RouterOptions): Router {
  const router = express.Router();
  const fixedBase = options.baseUrl?.replace(/\/+$/, '');
  const bulkBody = readBody(options.bulkBodyLimit);
  const body = readBody(options.bodyLimit);

  /** First on every request: the shared request info and the security headers. */
  const start = (res: Response): void => {
    // Shared with logging and metrics (res.locals.scim): operationId and auth subject, set from the
    // first step on so that 401, 413 and 429 answers carry it too.
    res.locals.scim = {} satisfies RequestInfo;
    setSecurityHeaders(res);
  };

  /** Authentication, then (for known operations) media type, size and body, then the backend. */
  const serve = async (req: Request, res: Response): Promise<void> => {
    const info: RequestInfo = res.locals.scim;
    const method = methodOf(req);
    try {
      let admission;
      try {
        admission = await backend.admit({ method, path: req.path, headers: req.headers as never }, info);
      } catch (err) {
        // A refused client's body is never read; closing the connection also spares reading it
        // off the socket (Node would drain a kept-alive request's body to the end).
        if (hasBody(req)) res.setHeader('Connection', 'close');
        throw err;
      }
      // The path and body are checked only for operations the contract has: an unknown route or
      // method is a 404/405 whatever its body. /Bulk has its own, larger limit.
      if (admission.route) {
        if (!isDecodable(req.path)) throw new ScimError(400, 'The request path is not validly percent-encoded', 'invalidSyntax');
        if (hasBody(req)) {
          requireScimMediaType(req);
          await (admission.route.operationId === 'bulk' ? bulkBody : body)(req, res);
        }
      }
      const ctx: RequestContext = { baseUrl: fixedBase ?? `${req.protocol}://${req.get('host')}${req.baseUrl}` };
      const result = await backend.handle(admission, { method, path: req.path, query: req.query as never, headers: req.headers as never, body: req.body }, ctx);
      writeScim(res, result.status, result.body, result.headers);
    } catch (err) {
      sendError(res, bodyParserError(err) ?? err, options.logError);
    }
  };

  // CORS (so even a 429 is readable by the browser that caused it) and rate limiting (before
  // authentication, so guessing credentials is limited too) are Express middleware of their own,
  // mounted only when configured. Otherwise everything is one layer: Express's per-layer dispatch
  // was a measurable share of a GET's CPU (scripts/bench.ts).
  const between = [corsMiddleware(options.cors), rateLimitMiddleware(options.rateLimit)].filter((m) => m !== undefined);
  if (between.length === 0) {
    router.use((req: Request, res: Response) => {
      start(res);
      return serve(req, res);
    });
  } else {
    router.use((_req: Request, res: Response, next: NextFunction) => {
      start(res);
      next();
    });
    for (const middleware of between) router.use(middleware);
    router.use(serve);
  }
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    sendError(res, bodyParserError(err) ?? err, options.logError);
  });
  return router;
}

/**
 * RFC 3986 §2.1: a path with a `%` not followed by two hex digits, or escapes that are not UTF-8,
 * is no URI; the router would fail decoding the {id} parameter (an opaque 500). Answer 400 instead.
 */
function isDecodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/** A size check on the declared length, then the JSON body parser, with the same limit. */
function readBody(limit: string | number) {
  const guard = rejectDeclaredOversize(limit);
  const parse = jsonBody(limit);
  return (req: Request, res: Response): Promise<void> => {
    guard(req, res);
    return new Promise((resolve, reject) => parse(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
  };
}

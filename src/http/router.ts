// The SCIM router: Express middleware that can be mounted at any prefix of any Express app.
// Order matters: security headers on every answer; CORS (so even a 429 is readable by the browser
// that caused it); rate limiting before authentication (so guessing credentials is limited too);
// authentication before a body is read (an unauthenticated client makes this server parse
// nothing); then media type, size and JSON checks, and the contract-driven backend.
import type { Request, RequestHandler, Response } from 'express';
import type { CorsOptions, RateLimitOptions } from '../options.ts';
import type { RequestContext } from '../resources/context.ts';
import { corsMiddleware } from './auth/cors.ts';
import { rateLimitMiddleware } from './auth/rate-limit.ts';
import { removeInsecureHeaders, SECURITY_HEADERS, setSecurityHeaders } from './auth/security-headers.ts';
import { REQUEST_ID_HEADER, requestIdOf } from '../ops/request-id.ts';
import type { RequestInfo, ScimBackend } from './backend.ts';
import { sendError } from './errors.ts';
import { BodyReadError, readJsonBody } from './json-body.ts';
import { hasBody, limitInBytes, rejectDeclaredOversize, requireScimMediaType } from './media.ts';
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

export function createScimRouter(backend: ScimBackend, options: RouterOptions): RequestHandler {
  const fixedBase = options.baseUrl?.replace(/\/+$/, '');
  const bulkBody = readBody(options.bulkBodyLimit);
  const body = readBody(options.bodyLimit);

  // CORS (so even a 429 is readable by the browser that caused it) and rate limiting (before
  // authentication, so guessing credentials is limited too) are Express middleware of their own,
  // run only when configured.
  const between = [corsMiddleware(options.cors), rateLimitMiddleware(options.rateLimit)].filter((m) => m !== undefined);

  /**
   * First on every request: the shared request info, and the headers every answer carries (the
   * security headers and the request id), returned for writeScim to write with the answer.
   */
  const start = (req: Request, res: Response): readonly string[] => {
    // Shared with logging and metrics (res.locals.scim): operationId and auth subject, set from the
    // first step on so that 401, 413 and 429 answers carry it too.
    res.locals.scim = {} satisfies RequestInfo;
    removeInsecureHeaders(res);
    const id = requestIdOf(req);
    if (between.length > 0) {
      // CORS and rate limiting may answer by themselves: their answers need the headers set now.
      setSecurityHeaders(res);
      if (id !== undefined) res.setHeader(REQUEST_ID_HEADER, id);
      return [];
    }
    return id === undefined ? SECURITY_HEADERS : [...SECURITY_HEADERS, REQUEST_ID_HEADER, id];
  };

  const fail = (res: Response, err: unknown, fixed: readonly string[]) =>
    sendError(res, err, options.logError, fixed);

  /** Authentication, then (for known operations) media type, size and body, then the backend. */
  const serve = async (req: Request, res: Response, fixed: readonly string[]): Promise<void> => {
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
        if (hasBody(req)) {
          requireScimMediaType(req);
          await (admission.route.operationId === 'bulk' ? bulkBody : body)(req, res);
        }
      }
      const ctx: RequestContext = { baseUrl: fixedBase ?? `${req.protocol}://${req.get('host')}${req.baseUrl}` };
      const result = await backend.handle(admission, { method, path: req.path, query: req.query as never, headers: req.headers as never, body: req.body }, ctx);
      writeScim(res, result.status, result.body, result.headers, fixed);
    } catch (err) {
      fail(res, err, fixed);
    }
  };

  // The router is a plain middleware function rather than an express.Router: the SCIM base has one
  // handler, so a nested Router's dispatch (path parsing, layer matching, prefix trimming) would be
  // work for nothing on every request.
  return (req: Request, res: Response) => {
    const fixed = start(req, res);
    if (between.length === 0) {
      void serve(req, res, fixed);
      return;
    }
    let i = 0;
    // Express's own contract for middleware: an error goes to next(err), thrown or rejected alike.
    const next = (err?: unknown): void => {
      if (err) return fail(res, err, fixed);
      if (i === between.length) return void serve(req, res, fixed);
      try {
        const out: unknown = between[i++]!(req, res, next);
        if (out instanceof Promise) out.catch(next);
      } catch (thrown) {
        next(thrown);
      }
    };
    next();
  };
}

/** A size check on the declared length, then the body read with the same limit. */
function readBody(limit: string | number) {
  const guard = rejectDeclaredOversize(limit);
  const max = limitInBytes(limit);
  return async (req: Request, res: Response): Promise<void> => {
    guard(req, res);
    try {
      await readJsonBody(req, max);
    } catch (err) {
      // The rest of an oversized body is not read: the connection ends with the answer.
      if (err instanceof BodyReadError && err.status === 413) res.setHeader('Connection', 'close');
      throw err;
    }
  };
}

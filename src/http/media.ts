// Media types (RFC 7644 §3.1, §8.1): requests may be application/scim+json or application/json
// (any charset); responses are always application/scim+json.
import express, { type NextFunction, type Request, type Response } from 'express';
import { ScimError } from '../errors.ts';

export const SCIM_MEDIA_TYPE = 'application/scim+json; charset=utf-8';
const ACCEPTED = ['application/scim+json', 'application/json'];

/** Whether the request carries body bytes (chunked, or a positive Content-Length). */
function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** 415 for a body in any other media type; bodies are only read for the two accepted types. */
export function requireScimMediaType(req: Request, _res: Response, next: NextFunction): void {
  if (hasBody(req) && !req.is(ACCEPTED)) {
    next(new ScimError(415, `Unsupported media type; send ${ACCEPTED.join(' or ')}`));
    return;
  }
  next();
}

/** JSON body parser: objects and arrays only, bounded size. */
export function jsonBody(limit: string | number) {
  const parse = express.json({ type: ACCEPTED, limit, strict: true });
  return (req: Request, res: Response, next: NextFunction): void => {
    // body-parser turns an empty body sent with `Content-Length: 0` and a JSON type into `{}`, so
    // an empty POST passed as an empty resource or SearchRequest (200 on /.search) although the
    // contract requires a body. An empty body is no JSON document: leave req.body undefined so the
    // contract's `requestBody: required` answers 400 invalidSyntax, whatever the Content-Type.
    if (!hasBody(req)) {
      next();
      return;
    }
    parse(req, res, next);
  };
}

/** body-parser's errors as SCIM errors: malformed JSON is invalidSyntax, oversize is 413. */
export function bodyParserError(err: unknown): ScimError | undefined {
  const e = err as { type?: string; status?: number } | undefined;
  if (!e || typeof e.type !== 'string') return undefined;
  if (e.type === 'entity.parse.failed') return new ScimError(400, 'The request body is not valid JSON', 'invalidSyntax');
  if (e.type === 'entity.too.large') return new ScimError(413, 'The request body is too large');
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
    return new ScimError(415, 'Unsupported content encoding or charset');
  }
  return new ScimError(e.status && e.status < 500 ? e.status : 400, 'The request body could not be read', 'invalidSyntax');
}

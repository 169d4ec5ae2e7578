// Media types (RFC 7644 §3.1, §8.1): requests may be application/scim+json or application/json
// (any charset); responses are always application/scim+json.
import express, { type NextFunction, type Request, type Response } from 'express';
import { ScimError } from '../errors.ts';

export const SCIM_MEDIA_TYPE = 'application/scim+json; charset=utf-8';
const ACCEPTED = ['application/scim+json', 'application/json'];

/** 415 for a body in any other media type; bodies are only read for the two accepted types. */
export function requireScimMediaType(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody && !req.is(ACCEPTED)) {
    next(new ScimError(415, `Unsupported media type; send ${ACCEPTED.join(' or ')}`));
    return;
  }
  next();
}

/** JSON body parser: objects and arrays only, bounded size. */
export function jsonBody(limit: string | number) {
  return express.json({ type: ACCEPTED, limit, strict: true });
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

// Media types (RFC 7644 §3.1, §8.1): requests may be application/scim+json or application/json
// (any charset); responses are always application/scim+json.
import { isUtf8 } from 'node:buffer';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ScimError } from '../errors.ts';

export const SCIM_MEDIA_TYPE = 'application/scim+json; charset=utf-8';
const ACCEPTED = ['application/scim+json', 'application/json'];

/** Whether the request carries body bytes (chunked, or a positive Content-Length). */
export function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** 415 for a body in any other media type; bodies are only read for the two accepted types. */
export function requireScimMediaType(req: Request): void {
  if (hasBody(req) && !req.is(ACCEPTED)) throw new ScimError(415, `Unsupported media type; send ${ACCEPTED.join(' or ')}`);
}

/**
 * RFC 8259 §8.1: JSON between systems MUST be UTF-8. body-parser decodes utf-16/32 charsets too and
 * silently replaces invalid UTF-8 bytes with U+FFFD, storing data the client never sent; reject
 * both instead (415 for another charset, 400 invalidSyntax for malformed UTF-8).
 */
function requireUtf8(_req: Request, _res: Response, buf: Buffer, encoding: string): void {
  if (encoding.toLowerCase() !== 'utf-8' && encoding.toLowerCase() !== 'utf8') {
    throw Object.assign(new Error('charset'), { status: 415, type: 'charset.unsupported' });
  }
  if (!isUtf8(buf)) throw Object.assign(new Error('utf-8'), { status: 400, type: 'entity.utf8.invalid' });
}

/**
 * JSON body parser: objects and arrays only, bounded size, UTF-8 only. Only for requests that
 * passed requireScimMediaType: the media type is not checked a second time here.
 */
export function jsonBody(limit: string | number) {
  const parse = express.json({ type: () => true, limit, strict: true, verify: requireUtf8 });
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
  if (e.type === 'entity.utf8.invalid') return new ScimError(400, 'The request body is not valid UTF-8', 'invalidSyntax');
  if (e.type === 'entity.too.large') return new ScimError(413, 'The request body is too large');
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
    return new ScimError(415, 'Unsupported content encoding or charset');
  }
  return new ScimError(e.status && e.status < 500 ? e.status : 400, 'The request body could not be read', 'invalidSyntax');
}

/** A body limit as body-parser reads it (a byte count, or e.g. `512kb`, `1mb`), in bytes. */
export function limitInBytes(limit: string | number): number {
  if (typeof limit === 'number') return limit;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(limit);
  if (!m) throw new Error(`Invalid body limit: ${limit}`);
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b'];
  return Math.floor(Number(m[1]) * unit);
}

/**
 * 413 at once when Content-Length announces more than the limit. body-parser would give the same
 * answer only after reading (and discarding) the whole announced body, so a client announcing a
 * gigabyte could hold the connection for as long as it likes; the connection is closed instead.
 */
export function rejectDeclaredOversize(limit: string | number) {
  const max = limitInBytes(limit);
  return (req: Request, res: Response): void => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) {
      res.setHeader('Connection', 'close');
      throw new ScimError(413, `The request body is too large (limit ${max} bytes)`);
    }
  };
}

// Media types (RFC 7644 §3.1, §8.1): requests may be application/scim+json or application/json
// (in UTF-8, see json-body.ts); responses are always application/scim+json.
import type { Request, Response } from 'express';
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

/** A body limit as body-parser reads it (a byte count, or e.g. `512kb`, `1mb`), in bytes. */
export function limitInBytes(limit: string | number): number {
  if (typeof limit === 'number') return limit;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(limit);
  if (!m) throw new Error(`Invalid body limit: ${limit}`);
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b'];
  return Math.floor(Number(m[1]) * unit);
}

/**
 * 413 at once when Content-Length announces more than the limit. Reading would give the same
 * answer only after reading the body up to the limit, and a kept-alive connection would then be
 * drained of the rest (a client announcing a gigabyte could hold it as long as it likes); the
 * connection is closed instead.
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

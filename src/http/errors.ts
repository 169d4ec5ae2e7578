// The one place errors become HTTP responses: an RFC 7644 §3.12 body, `status` as a string,
// and never a stack trace or an internal path.
import type { Response } from 'express';
import { ScimError } from '../errors.ts';
import { SCIM_MEDIA_TYPE } from './media.ts';

export const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';

export function errorBody(err: ScimError): Record<string, unknown> {
  return {
    schemas: [ERROR_URN],
    status: String(err.status),
    ...(err.scimType ? { scimType: err.scimType } : {}),
    detail: err.detail,
  };
}

/** Any thrown value as a ScimError; unknown errors become an opaque 500. */
export function toScimError(err: unknown): ScimError {
  if (err instanceof ScimError) return err;
  return new ScimError(500, 'Internal server error');
}

export function sendError(res: Response, err: unknown, log?: (e: unknown) => void): void {
  const scimError = toScimError(err);
  if (scimError.status >= 500 && !(err instanceof ScimError)) log?.(err);
  if (scimError.headers) res.set(scimError.headers);
  res.status(scimError.status).type(SCIM_MEDIA_TYPE).send(JSON.stringify(errorBody(scimError)));
}

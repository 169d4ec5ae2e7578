// The one place errors become HTTP responses: an RFC 7644 §3.12 body, `status` as a string,
// and never a stack trace or an internal path.
import type { Response } from 'express';
import { errorBody, ScimError, toScimError } from '../errors.ts';
import { writeScim } from './respond.ts';

/** `fixed`: headers every answer of the caller carries, as for writeScim. */
export function sendError(res: Response, err: unknown, log?: (e: unknown) => void, fixed?: readonly string[]): void {
  // An answer already under way cannot be replaced: end the exchange rather than throw (the SCIM
  // router does not await its requests, so a throw here would be an unhandled rejection).
  if (res.headersSent) {
    log?.(err);
    res.destroy();
    return;
  }
  const scimError = toScimError(err);
  if (scimError.status >= 500 && !(err instanceof ScimError)) log?.(err);
  writeScim(res, scimError.status, errorBody(scimError), scimError.headers, fixed);
}

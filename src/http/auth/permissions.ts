// What a read-only credential may do: read (GET, and HEAD as GET) and query with POST .search
// (RFC 7644 §3.4.3 — a search changes nothing). Everything else, /Bulk included (its operations
// are all writes, RFC 7644 §3.7), is answered 403 before the body is even read.
import { ScimError } from '../../errors.ts';
import type { SecurityScheme } from './authenticator.ts';
import type { Identity } from './identity.ts';

/** Whether an operation only reads, judged from the contract's method and path. */
export function isReadOperation(method: string, path: string): boolean {
  return method.toLowerCase() === 'get' || path.endsWith('/.search');
}

export function assertMayCall(identity: Identity | undefined, scheme: SecurityScheme | undefined, readOperation: boolean): void {
  if (!identity?.readOnly || readOperation) return;
  // RFC 6750 §3.1: a bearer token lacking the privileges gets 403 with error="insufficient_scope".
  const headers = scheme === 'bearerAuth' ? { 'WWW-Authenticate': 'Bearer realm="scim", error="insufficient_scope"' } : undefined;
  throw new ScimError(403, 'This credential is read-only: it may only read (GET) and search (POST .search)', undefined, headers);
}

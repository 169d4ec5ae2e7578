// What a resource operation needs to know about the request it serves.
import type { Projection } from '../query/projection.ts';
import type { WriteCondition } from '../store/store.ts';

export interface RequestContext {
  /** Absolute URL of the SCIM base, without a trailing slash, e.g. https://scim.example.com/scim/v2 */
  readonly baseUrl: string;
  /** The User the caller's credential maps to, if any (RFC 7644 §3.11 /Me). */
  readonly userId?: string;
}

export interface ReadOptions {
  readonly projection?: Projection;
}

export interface WriteOptions extends ReadOptions {
  readonly condition?: WriteCondition;
}

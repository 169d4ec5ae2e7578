// Static bearer tokens (RFC 6750 §2.1). Tokens are kept as SHA-256 digests and compared with
// timingSafeEqual, so the comparison takes the same time whatever the token and never keeps the
// cleartext longer than start-up. A token may name the User it acts for (RFC 7644 §3.11, /Me).
import { createHash, timingSafeEqual } from 'node:crypto';

import type { TokenConfig } from '../../options.ts';

export type { TokenConfig };

/** Who made a request; `userId` is set when the credential maps to a User. */
export interface Identity {
  /** A printable name of the credential for logs (never the secret itself). */
  readonly subject?: string;
  readonly userId?: string;
}

/** The caller's identity, or false when the credential is missing or wrong. */
export type Authorizer = (headers: Record<string, string | string[] | undefined>) => Identity | false;

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** An authorizer accepting any of `tokens`; with no tokens, every request (authentication off). */
export function bearerAuthorizer(tokens: readonly (string | TokenConfig)[]): Authorizer {
  const entries = tokens
    .map((t) => (typeof t === 'string' ? { token: t } : t))
    .map((t, i) => ({ digest: digest(t.token), identity: { subject: `token#${i + 1}`, ...(t.userId ? { userId: t.userId } : {}) } }));
  if (entries.length === 0) return () => ({});
  return (headers) => {
    const raw = headers.authorization;
    const value = Array.isArray(raw) ? raw[0] : raw;
    const match = value?.match(/^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i);
    if (!match) return false;
    const presented = digest(match[1]);
    let found: Identity | false = false;
    for (const e of entries) if (timingSafeEqual(e.digest, presented) && !found) found = e.identity; // no early exit
    return found;
  };
}

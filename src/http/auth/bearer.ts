// Static bearer tokens (RFC 6750 §2.1). Tokens are kept as SHA-256 digests and compared with
// timingSafeEqual against every configured token, so the comparison takes the same time whatever
// the token and the cleartext is never kept past start-up. A configuration may give the digest
// itself (`sha256:<hex>`), so a config file holds no secret. A token may name the User it acts for
// (RFC 7644 §3.11, /Me) and may be read-only.
import { createHash, timingSafeEqual } from 'node:crypto';

import type { TokenConfig } from '../../options.ts';
import type { Identity } from './identity.ts';

export type { TokenConfig };

const DIGEST = /^sha256:([0-9a-f]{64})$/i;

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The digest a configured token is compared by: given as `sha256:<hex>`, or computed from the cleartext. */
function configuredDigest(token: string): Buffer {
  const given = DIGEST.exec(token);
  return given ? Buffer.from(given[1], 'hex') : sha256(token);
}

/** A verifier of presented bearer tokens; undefined when there are no tokens. */
export type StaticTokenVerifier = (token: string) => Identity | undefined;

export function staticTokenVerifier(tokens: readonly (string | TokenConfig)[]): StaticTokenVerifier | undefined {
  if (tokens.length === 0) return undefined;
  const entries = tokens
    .map((t) => (typeof t === 'string' ? { token: t } : t))
    .map((t, i) => ({
      digest: configuredDigest(t.token),
      identity: {
        subject: `token#${i + 1}`,
        ...(t.userId ? { userId: t.userId } : {}),
        ...(t.readOnly ? { readOnly: true } : {}),
      } satisfies Identity,
    }));
  return (token) => {
    const presented = sha256(token);
    let found: Identity | undefined;
    // No early exit: every token is compared, so timing does not tell which one (if any) matched.
    for (const e of entries) if (timingSafeEqual(e.digest, presented) && !found) found = e.identity;
    return found;
  };
}

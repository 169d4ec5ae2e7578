// Static bearer tokens (RFC 6750 §2.1). Tokens are kept as SHA-256 digests and compared with
// timingSafeEqual, so the comparison takes the same time whatever the token and never keeps the
// cleartext longer than start-up.
import { createHash, timingSafeEqual } from 'node:crypto';

export type Authorizer = (headers: Record<string, string | string[] | undefined>) => boolean;

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** An authorizer accepting any of `tokens`; with no tokens, every request (authentication off). */
export function bearerAuthorizer(tokens: readonly string[]): Authorizer {
  const digests = tokens.map(digest);
  if (digests.length === 0) return () => true;
  return (headers) => {
    const raw = headers.authorization;
    const value = Array.isArray(raw) ? raw[0] : raw;
    const match = value?.match(/^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i);
    if (!match) return false;
    const presented = digest(match[1]);
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(d, presented) || ok; // no early exit
    return ok;
  };
}

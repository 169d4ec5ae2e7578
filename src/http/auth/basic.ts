// HTTP Basic (RFC 7617), which Okta offers for SCIM apps. Off unless users are configured; each has
// an scrypt password hash (src/resources/password.ts), never a cleartext password. Verification
// costs the same whether or not the user name exists (an unknown name is checked against a dummy
// hash), and user names are compared by digest without an early exit.
//
// scrypt is deliberately slow (tens of ms on the libuv pool), and IdPs send the same credential on
// every request; successful checks are remembered for a minute under an HMAC of the header value
// with a per-process random key, so nothing is cached in clear and a cache dump reveals nothing.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import type { BasicUser } from '../../options.ts';
import { verifyPassword } from '../../resources/password.ts';
import { sha256 } from './bearer.ts';
import { printable, type Identity } from './identity.ts';

const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 1000;

/** Verifies the parameter of an `Authorization: Basic` header; undefined when wrong. */
export type BasicVerifier = (token68: string) => Promise<Identity | undefined>;

export function basicVerifier(users: readonly BasicUser[]): BasicVerifier | undefined {
  if (users.length === 0) return undefined;
  const entries = users.map((u) => ({
    name: sha256(u.username),
    passwordHash: u.passwordHash,
    identity: {
      subject: `basic:${printable(u.username)}`,
      ...(u.userId ? { userId: u.userId } : {}),
      ...(u.readOnly ? { readOnly: true } : {}),
    } satisfies Identity,
  }));
  // Same scrypt parameters as real hashes (32-byte key); a random salt, and a hash nothing matches.
  const dummyHash = `$scrypt$${randomBytes(16).toString('base64url')}$${Buffer.alloc(32).toString('base64url')}`;
  const cacheKey = randomBytes(32);
  const cache = new Map<string, { identity: Identity; expires: number }>();

  return async (token68) => {
    const key = createHmac('sha256', cacheKey).update(token68).digest('base64url');
    const hit = cache.get(key);
    if (hit && hit.expires > Date.now()) return hit.identity;
    cache.delete(key);

    const pair = decode(token68);
    if (!pair) return undefined;
    const presented = sha256(pair.username);
    let entry: (typeof entries)[number] | undefined;
    for (const e of entries) if (timingSafeEqual(e.name, presented) && !entry) entry = e;
    const ok = await verifyPassword(entry?.passwordHash ?? dummyHash, pair.password);
    if (!ok || !entry) return undefined;

    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!); // oldest first
    cache.set(key, { identity: entry.identity, expires: Date.now() + CACHE_TTL_MS });
    return entry.identity;
  };
}

/** RFC 7617 §2: base64 of `user-id ":" password`, UTF-8 (§2.1); the user-id has no colon. */
function decode(token68: string): { username: string; password: string } | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(token68) || token68.length % 4 !== 0) return undefined;
  const text = Buffer.from(token68, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

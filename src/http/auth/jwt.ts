// OAuth 2.0 bearer tokens that are JWTs (RFC 6750, RFC 7519; RFC 9068 profile), verified with jose
// against the issuer's JWKS: signature with an allowed algorithm, `iss`, `aud`, and `exp` (required)
// / `nbf`. The subject is `sub`; `userIdClaim` maps the token to a User (/Me); `writeScope`, when
// set, must appear in `scope`/`scp` (RFC 8693 §4.2, space-separated or a list) or `roles` for the
// token to write, else it is read-only.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

import type { JwtOptions } from '../../options.ts';
import { printable, type Identity } from './identity.ts';

export const DEFAULT_JWT_ALGORITHMS = ['RS256', 'ES256'] as const;

/** A JWKS could not be obtained (network, timeout): the token was not judged, so no 401. */
export class JwksUnavailableError extends Error {
  constructor(cause: unknown) {
    super('The JWKS could not be retrieved', { cause });
    this.name = 'JwksUnavailableError';
  }
}

/** Verifies a compact JWS; resolves to the identity, or undefined for any invalid token. */
export type JwtVerifier = (token: string) => Promise<Identity | undefined>;

export function jwtVerifier(options: JwtOptions): JwtVerifier {
  const keys = keySet(options.jwks);
  // `none` is never accepted by jwtVerify; symmetric algorithms make no sense with a public JWKS.
  const algorithms = [...(options.algorithms ?? DEFAULT_JWT_ALGORITHMS)].filter((a) => a !== 'none');
  const audience = typeof options.audience === 'string' ? options.audience : [...options.audience];
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience,
        algorithms,
        requiredClaims: ['exp'], // a token without an expiry would be valid forever
        clockTolerance: 30, // seconds of clock skew between the issuer and this server
      }));
    } catch (err) {
      if (unavailable(err)) throw new JwksUnavailableError(err);
      return undefined; // bad signature, issuer, audience, expiry, algorithm, no matching key, ...
    }
    return identityOf(payload, options);
  };
}

/** The keys could not be had (network, timeout, non-200 or malformed JWKS): not the token's fault. */
function unavailable(err: unknown): boolean {
  if (!(err instanceof errors.JOSEError)) return true;
  return err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || err.constructor === errors.JOSEError;
}

function identityOf(payload: JWTPayload, options: JwtOptions): Identity {
  const userId = options.userIdClaim ? payload[options.userIdClaim] : undefined;
  const subject = typeof payload.sub === 'string' ? payload.sub : typeof payload.client_id === 'string' ? payload.client_id : '?';
  return {
    subject: `jwt:${printable(subject)}`,
    ...(typeof userId === 'string' && userId.length > 0 ? { userId } : {}),
    ...(options.writeScope !== undefined && !grants(payload, options.writeScope) ? { readOnly: true } : {}),
  };
}

/** Whether `scope`/`scp` (a space-separated string or a list) or `roles` contains `value`. */
function grants(payload: JWTPayload, value: string): boolean {
  const values = (claim: unknown): string[] =>
    typeof claim === 'string' ? claim.split(' ') : Array.isArray(claim) ? claim.filter((v) => typeof v === 'string') : [];
  return [payload.scope, payload.scp, payload.roles].some((claim) => values(claim).includes(value));
}

/** A JWKS from an https URL (plain http only on loopback, for local issuers and tests) or a file. */
function keySet(jwks: string): JWTVerifyGetKey {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(jwks)) {
    const url = new URL(jwks);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
      throw new Error('jwt.jwks must be an https:// URL (http:// only on a loopback address) or a file path');
    }
    // jose caches the keys and refetches at most every 30 s when an unknown `kid` arrives, so
    // tokens with made-up key ids cannot make this server hammer the issuer.
    return createRemoteJWKSet(url, { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 600_000 });
  }
  // Read once at start-up: a missing or malformed file is a configuration error, not a 401 later.
  return createLocalJWKSet(JSON.parse(readFileSync(jwks, 'utf8')));
}

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || (isIP(h) === 4 && h.startsWith('127.'));
}

// One authenticator for every configured scheme (RFC 7644 §2): the Authorization header's scheme
// picks the verifier — `Bearer` for static tokens, then JWTs; `Basic` for HTTP Basic users. The
// outcome names the contract's security scheme (bearerAuth, basicAuth) it satisfies. With no
// credential of any kind configured, authentication is off and every request is let through.
import type { AuthOptions, TokenConfig } from '../../options.ts';
import { ScimError } from '../../errors.ts';
import { basicVerifier } from './basic.ts';
import { staticTokenVerifier } from './bearer.ts';
import { credentialsOf, type Headers, type Identity } from './identity.ts';
import { JwksUnavailableError, jwtVerifier } from './jwt.ts';

/** The contract's securitySchemes (openapi/scim.yaml). */
export type SecurityScheme = 'bearerAuth' | 'basicAuth';

export type AuthOutcome =
  | { readonly scheme: SecurityScheme; readonly identity: Identity }
  /** No acceptable credential; `presented` is the scheme the client tried, if any. */
  | { readonly scheme?: undefined; readonly presented?: string };

export interface Authenticator {
  /** False when no credential is configured: authentication is off. */
  readonly enabled: boolean;
  /** Static tokens or JWTs are configured (RFC 6750). */
  readonly bearer: boolean;
  /** HTTP Basic users are configured (RFC 7617). */
  readonly basic: boolean;
  authenticate(headers: Headers): Promise<AuthOutcome>;
  /** The 401 for a failed outcome, with a challenge per enabled scheme (RFC 9110 §11.6.1). */
  challenge(outcome: AuthOutcome): ScimError;
}

// A JWS in compact serialisation: three base64url parts (RFC 7515 §7.1).
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** `tokens` is the legacy top-level option; it adds to `auth.tokens`. */
export function createAuthenticator(auth: AuthOptions = {}, legacyTokens: readonly (string | TokenConfig)[] = []): Authenticator {
  const tokens = staticTokenVerifier([...legacyTokens, ...(auth.tokens ?? [])]);
  const jwt = auth.jwt ? jwtVerifier(auth.jwt) : undefined;
  const basic = basicVerifier(auth.basic ?? []);
  const bearer = Boolean(tokens || jwt);

  async function authenticate(headers: Headers): Promise<AuthOutcome> {
    const credentials = credentialsOf(headers);
    if (!credentials) return {};
    const { scheme, value } = credentials;
    if (scheme === 'bearer' && bearer) {
      const identity = tokens?.(value) ?? (jwt && COMPACT_JWS.test(value) ? await verifyJwt(value) : undefined);
      return identity ? { scheme: 'bearerAuth', identity } : { presented: scheme };
    }
    if (scheme === 'basic' && basic) {
      const identity = await basic(value);
      return identity ? { scheme: 'basicAuth', identity } : { presented: scheme };
    }
    return { presented: scheme };
  }

  async function verifyJwt(token: string): Promise<Identity | undefined> {
    try {
      return await jwt!(token);
    } catch (err) {
      // The token could not be judged: a 401 would wrongly tell the client its token is bad.
      if (err instanceof JwksUnavailableError) {
        throw new ScimError(503, 'Bearer tokens cannot be verified right now; try again later', undefined, { 'Retry-After': '30' });
      }
      throw err;
    }
  }

  function challenge(outcome: AuthOutcome): ScimError {
    const challenges: string[] = [];
    // RFC 6750 §3.1: error="invalid_token" when a bearer token was sent but is not acceptable.
    if (bearer) challenges.push(`Bearer realm="scim"${outcome.scheme === undefined && outcome.presented === 'bearer' ? ', error="invalid_token"' : ''}`);
    if (basic) challenges.push('Basic realm="scim", charset="UTF-8"'); // RFC 7617 §2.1
    const what = bearer && basic ? 'a valid bearer token or Basic credentials' : bearer ? 'a valid bearer token' : 'valid Basic credentials';
    return new ScimError(401, `Authentication is required: send ${what}`, undefined, { 'WWW-Authenticate': challenges.join(', ') });
  }

  return { enabled: bearer || Boolean(basic), bearer, basic: Boolean(basic), authenticate, challenge };
}

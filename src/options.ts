// Every option of a ScimServer, in one place: the library API, the CLI and the configuration file
// all map onto this shape (see src/config.ts).
import type { PatchDialects } from './patch/dialects.ts';
import type { SchemaRegistry } from './schema/registry.ts';
import type { Store } from './store/store.ts';

/** A static bearer token; `userId` maps the caller to a User (/Me); `readOnly` allows GET and .search only. */
export interface TokenConfig {
  /** The token in clear, or its SHA-256 digest as `sha256:<hex>` so a config file holds no secret. */
  readonly token: string;
  readonly userId?: string;
  readonly readOnly?: boolean;
}

/** OAuth 2.0 JWT bearer tokens (RFC 9068 style), verified against a JWKS. */
export interface JwtOptions {
  /** An https:// URL of a JWKS, or a path to a JWKS file. */
  readonly jwks: string;
  readonly issuer: string;
  readonly audience: string | readonly string[];
  /** Allowed signing algorithms. Default ['RS256', 'ES256']. */
  readonly algorithms?: readonly string[];
  /** The claim naming the User a token acts for (/Me). Default none. */
  readonly userIdClaim?: string;
  /** Scope or role value that grants writes; without it a valid token is read-only. Default: all tokens write. */
  readonly writeScope?: string;
}

/** HTTP Basic credentials (Okta offers Basic); off unless users are listed. */
export interface BasicUser {
  readonly username: string;
  /** The password as an scrypt hash (`$scrypt$...`, see verifyPassword), never in clear. */
  readonly passwordHash: string;
  readonly readOnly?: boolean;
  readonly userId?: string;
}

export interface AuthOptions {
  readonly tokens?: readonly (string | TokenConfig)[];
  readonly jwt?: JwtOptions;
  readonly basic?: readonly BasicUser[];
  /** Serve /ServiceProviderConfig, /ResourceTypes and /Schemas without credentials. Default false. */
  readonly publicDiscovery?: boolean;
}

export interface CorsOptions {
  /** Allowed origins; empty or absent: CORS off. */
  readonly origins: readonly string[];
}

export interface RateLimitOptions {
  /** Window length in milliseconds. */
  readonly windowMs: number;
  /** Requests per client per window. */
  readonly max: number;
}

export interface ScimServerOptions {
  /** Storage backend; the in-memory store when omitted. */
  readonly store?: (registry: SchemaRegistry) => Store | Promise<Store>;
  /** Absolute public URL of the SCIM base, e.g. https://scim.example.com/scim/v2 (behind a proxy). */
  readonly baseUrl?: string;
  /**
   * Accepted bearer tokens; an entry `{token, userId}` also maps the caller to a User for /Me.
   * Shorthand for `auth.tokens`. None of any kind: requests are not authenticated.
   */
  readonly tokens?: readonly (string | TokenConfig)[];
  /** Authentication: static tokens, JWTs, HTTP Basic (see AuthOptions). */
  readonly auth?: AuthOptions;
  /** CORS for browser clients: off unless origins are listed. */
  readonly cors?: CorsOptions;
  /** Per-client rate limiting (429 with Retry-After); off unless set. */
  readonly rateLimit?: RateLimitOptions;
  /** Largest page a list or search returns (advertised as filter.maxResults). Default 1000. */
  readonly maxResults?: number;
  /** Page size when a client does not send `count`. Default 100. */
  readonly defaultCount?: number;
  /** Seconds a cursor stays valid (RFC 9865 cursorTimeout). Default 3600. */
  readonly cursorTimeout?: number;
  /**
   * Key that signs paging cursors, at least 32 characters. Instances sharing a database behind a
   * load balancer need the same one, or a cursor from one is refused by the next (400
   * invalidCursor). Default: a random key per process.
   */
  readonly cursorSecret?: string;
  /** Most operations one /Bulk request may carry (advertised as bulk.maxOperations). Default 1000. */
  readonly bulkMaxOperations?: number;
  /** Largest /Bulk body in bytes (bulk.maxPayloadSize). Default 4 MiB. */
  readonly bulkMaxPayloadSize?: number;
  /** Pure RFC 7644 PATCH: turns the identity-provider dialects (rules 2-7) off. */
  readonly strictPatch?: boolean;
  /** Turns individual PATCH dialects on or off (see src/patch/dialects.ts). */
  readonly patchDialects?: Partial<PatchDialects>;
  /** Largest request body accepted. Default 1 MB. */
  readonly bodyLimit?: string | number;
  /** Where unexpected (500) errors are reported. Default: console.error. */
  readonly logError?: (err: unknown) => void;
}

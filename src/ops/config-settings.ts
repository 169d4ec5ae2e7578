// The table of every setting: its config-file key, flag, environment variable, default and
// parser. src/config.ts resolves them (flags > environment > file > defaults), --help and the
// README table are written from it, so the three can never disagree.
import { isIP } from 'node:net';
import { basicUsers, cursorSecret, patchDialects, tokens } from './config-credentials.ts';
import { bool, fail, int, list, oneOf, size, str, url, type Parser } from './config-values.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

export interface Setting {
  /** Config-file key; dotted for a nested object (`jwt.issuer` is `jwt: {issuer}`). */
  readonly key: string;
  /** Long flag without dashes; absent: not settable from the command line. */
  readonly flag?: string;
  /** Placeholder of the flag's value in --help; absent: a boolean flag (with a --no- form). */
  readonly arg?: string;
  readonly env?: string;
  /** false: not accepted in a config file. */
  readonly file?: false;
  readonly default?: unknown;
  /** --help's default column when `default` is absent or needs words. */
  readonly defaultText?: string;
  readonly help: string;
  readonly parse: Parser<unknown>;
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const host: Parser<string> = (raw, name) => {
  const s = str()(raw, name);
  return isIP(s) !== 0 || HOSTNAME.test(s) ? s : fail(name, 'an IP address or a host name', raw);
};
// Segments only, no trailing slash and not "/": the root also serves /healthz, /metrics and /docs.
const basePath = str(/^(\/[A-Za-z0-9._~-]+)+$/, 'a path such as /scim/v2 (no trailing slash)');
const jwtAlgorithm = oneOfCased(JWT_ALGORITHMS);

function oneOfCased(values: readonly string[]): Parser<string> {
  return (raw, name) => {
    if (typeof raw === 'string' && values.includes(raw.trim())) return raw.trim();
    return oneOf(values)(raw, name); // throws, naming the allowed values
  };
}

export const SETTINGS: readonly Setting[] = [
  { key: 'config', flag: 'config', arg: '<path>', env: 'SCIM_CONFIG', file: false, defaultText: 'none', help: 'Configuration file, JSON or YAML, keyed by the config keys listed here.', parse: str() },
  { key: 'host', flag: 'host', arg: '<address>', env: 'HOST', default: '127.0.0.1', help: 'Address to listen on. Without a credential only loopback is allowed (see --insecure).', parse: host },
  { key: 'port', flag: 'port', arg: '<port>', env: 'PORT', default: 8000, help: 'Port to listen on; 0 picks a free port.', parse: int(0, 65535) },
  { key: 'basePath', flag: 'base-path', arg: '<path>', env: 'SCIM_BASE_PATH', default: '/scim/v2', help: 'Where the SCIM endpoints are mounted.', parse: basePath },
  { key: 'baseUrl', flag: 'base-url', arg: '<url>', env: 'SCIM_BASE_URL', defaultText: 'from the request', help: 'Public absolute URL of the SCIM base, for meta.location behind a proxy.', parse: url(['http:', 'https:']) },
  { key: 'store', flag: 'store', arg: '<spec>', env: 'SCIM_STORE', default: 'memory', help: 'Storage backend: memory, sqlite:<file> or a postgres:// URL (give a URL with a password by env or file, not argv).', parse: str() },
  { key: 'tokens', env: 'SCIM_TOKENS', defaultText: 'none', help: 'Bearer tokens, comma-separated; a config file may list {token, userId, readOnly} and "sha256:<hex>" digests. No flag: argv is visible to other users.', parse: tokens },
  { key: 'jwt.jwks', flag: 'jwt-jwks', arg: '<url|path>', env: 'SCIM_JWT_JWKS', defaultText: 'none (JWT off)', help: 'JWKS of the JWT issuer: an https:// URL or a file. Needs issuer and audience.', parse: jwks },
  { key: 'jwt.issuer', flag: 'jwt-issuer', arg: '<iss>', env: 'SCIM_JWT_ISSUER', defaultText: 'none', help: 'Required "iss" of JWTs.', parse: str() },
  { key: 'jwt.audience', flag: 'jwt-audience', arg: '<list>', env: 'SCIM_JWT_AUDIENCE', defaultText: 'none', help: 'Accepted "aud" values, comma-separated.', parse: list() },
  { key: 'jwt.algorithms', flag: 'jwt-algorithms', arg: '<list>', env: 'SCIM_JWT_ALGORITHMS', default: ['RS256', 'ES256'], help: 'Accepted JWT signing algorithms, comma-separated.', parse: list(jwtAlgorithm) },
  { key: 'jwt.userIdClaim', flag: 'jwt-user-id-claim', arg: '<claim>', env: 'SCIM_JWT_USER_ID_CLAIM', defaultText: 'none', help: 'JWT claim naming the User a token acts for (/Me).', parse: str() },
  { key: 'jwt.writeScope', flag: 'jwt-write-scope', arg: '<scope>', env: 'SCIM_JWT_WRITE_SCOPE', defaultText: 'none (every token writes)', help: 'Scope or role a JWT needs to write; without it a token is read-only.', parse: str() },
  { key: 'basic', defaultText: 'none', help: 'HTTP Basic users, config file only: a list of {username, passwordHash ($scrypt$...), readOnly, userId}.', parse: basicUsers },
  { key: 'publicDiscovery', flag: 'public-discovery', env: 'SCIM_PUBLIC_DISCOVERY', default: false, help: 'Serve /ServiceProviderConfig, /ResourceTypes and /Schemas without credentials.', parse: bool },
  { key: 'cors.origins', flag: 'cors-origins', arg: '<list>', env: 'SCIM_CORS_ORIGINS', defaultText: 'none (CORS off)', help: 'Origins allowed to call from a browser, comma-separated.', parse: list(url(['http:', 'https:'])) },
  { key: 'rateLimit.max', flag: 'rate-limit-max', arg: '<n>', env: 'SCIM_RATE_LIMIT_MAX', defaultText: 'none (off)', help: 'Requests per client per window; 429 with Retry-After beyond.', parse: int(1) },
  { key: 'rateLimit.windowMs', flag: 'rate-limit-window-ms', arg: '<ms>', env: 'SCIM_RATE_LIMIT_WINDOW_MS', default: 60_000, help: 'Rate-limit window in milliseconds (with rate-limit max).', parse: int(1) },
  { key: 'bodyLimit', flag: 'body-limit', arg: '<size>', env: 'SCIM_BODY_LIMIT', default: 1024 * 1024, defaultText: '1mb', help: 'Largest request body (bytes, or 512kb, 1mb...).', parse: size },
  { key: 'maxResults', flag: 'max-results', arg: '<n>', env: 'SCIM_MAX_RESULTS', default: 1000, help: 'Largest page a list or search returns (filter.maxResults).', parse: int(1) },
  { key: 'defaultCount', flag: 'default-count', arg: '<n>', env: 'SCIM_DEFAULT_COUNT', default: 100, help: 'Page size when a client sends no count (at most max results).', parse: int(1) },
  { key: 'cursorTimeout', flag: 'cursor-timeout', arg: '<seconds>', env: 'SCIM_CURSOR_TIMEOUT', default: 3600, help: 'Seconds a paging cursor stays valid.', parse: int(1) },
  { key: 'cursorSecret', flag: 'cursor-secret', arg: '<secret>', env: 'SCIM_CURSOR_SECRET', defaultText: 'random per process', help: 'Key that signs paging cursors, at least 32 characters. Give every instance behind one load balancer the same one (by env or file: argv is visible to other users).', parse: cursorSecret },
  { key: 'bulkMaxOperations', flag: 'bulk-max-operations', arg: '<n>', env: 'SCIM_BULK_MAX_OPERATIONS', default: 1000, help: 'Most operations in one /Bulk request.', parse: int(1) },
  { key: 'bulkMaxPayloadSize', flag: 'bulk-max-payload-size', arg: '<size>', env: 'SCIM_BULK_MAX_PAYLOAD_SIZE', default: 4 * 1024 * 1024, defaultText: '4mb', help: 'Largest /Bulk body (bytes, or 512kb, 4mb...).', parse: size },
  { key: 'strictPatch', flag: 'strict-patch', env: 'SCIM_STRICT_PATCH', default: false, help: 'Pure RFC 7644 PATCH: the identity-provider dialects off.', parse: bool },
  { key: 'patchDialects', defaultText: 'all on but replaceCreatesFromValuePath', help: 'Config file only: PATCH dialects on or off by name (see src/patch/dialects.ts).', parse: patchDialects },
  { key: 'logLevel', flag: 'log-level', arg: '<level>', env: 'LOG_LEVEL', default: 'info', help: `Log level: ${LOG_LEVELS.join(', ')}.`, parse: oneOf(LOG_LEVELS) },
  { key: 'shutdownTimeoutMs', flag: 'shutdown-timeout-ms', arg: '<ms>', env: 'SCIM_SHUTDOWN_TIMEOUT_MS', default: 10_000, help: 'On SIGTERM/SIGINT, how long in-flight requests may finish before connections are closed.', parse: int(0) },
  { key: 'insecure', flag: 'insecure', file: false, default: false, help: 'Flag only: allow a non-loopback host with no credential configured (every request is accepted).', parse: bool },
];

function jwks(raw: unknown, name: string): string {
  const s = str()(raw, name);
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? url(['https:'])(raw, name) : s; // a URL must be https
}

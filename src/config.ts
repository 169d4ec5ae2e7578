// One configuration model for the CLI: flags, environment and an optional config file (JSON or
// YAML), resolved per setting with precedence flags > env > file > defaults, validated at start so
// a bad value stops the process with a message naming the setting as the operator wrote it.
// The settings themselves are a table (src/ops/config-settings.ts); this module resolves them,
// checks the combinations, and maps the result onto ScimServerOptions.
import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { BasicUser, JwtOptions, RateLimitOptions, ScimServerOptions, TokenConfig } from './options.ts';
import type { PatchDialects } from './patch/dialects.ts';
import { describeSetting, helpText } from './ops/config-help.ts';
import { SETTINGS, type LOG_LEVELS, type Setting } from './ops/config-settings.ts';
import { ConfigError, object } from './ops/config-values.ts';
import { storeFromSpec } from './store/select.ts';

export { ConfigError } from './ops/config-values.ts';
export { helpText } from './ops/config-help.ts';

export interface Config {
  readonly configFile?: string;
  readonly host: string;
  readonly port: number;
  readonly basePath: string;
  readonly baseUrl?: string;
  readonly store: string;
  readonly tokens: readonly (string | TokenConfig)[];
  readonly jwt?: JwtOptions;
  readonly basic: readonly BasicUser[];
  readonly publicDiscovery: boolean;
  readonly corsOrigins: readonly string[];
  readonly rateLimit?: RateLimitOptions;
  readonly bodyLimit: number;
  readonly maxResults: number;
  readonly defaultCount: number;
  readonly cursorTimeout: number;
  readonly cursorSecret?: string;
  readonly bulkMaxOperations: number;
  readonly bulkMaxPayloadSize: number;
  readonly strictPatch: boolean;
  readonly patchDialects?: Partial<PatchDialects>;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly shutdownTimeoutMs: number;
  readonly insecure: boolean;
}

export type LoadResult =
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'run'; readonly config: Config; readonly warnings: readonly string[] };

export interface LoadDeps {
  /** Reads the config file; default readFileSync (tests pass a fake). */
  readonly readFile?: (path: string) => string;
}

type Env = Readonly<Record<string, string | undefined>>;
type Source = { readonly raw: unknown; readonly name: string };

/** Resolves and validates the configuration; throws ConfigError naming the bad setting. */
export function loadConfig(argv: readonly string[], env: Env, deps: LoadDeps = {}): LoadResult {
  const flags = parseFlags(argv);
  if (flags.help === true) return { kind: 'help', text: helpText() };
  const fileSource = pick(setting('config'), flags, env, new Map());
  const file = fileSource ? readConfigFile(fileSource, deps.readFile ?? ((p) => readFileSync(p, 'utf8'))) : new Map<string, Source>();

  const values = new Map<string, unknown>();
  const names = new Map<string, string>(); // key -> how the operator set it, for messages
  for (const s of SETTINGS) {
    const source = pick(s, flags, env, file);
    if (source) {
      values.set(s.key, s.parse(source.raw, source.name));
      names.set(s.key, source.name);
    } else if (s.default !== undefined) {
      values.set(s.key, s.default);
    }
  }
  const config = assemble(values, names);
  return { kind: 'run', config, warnings: warnings(config) };
}

/** The library options for a configuration; `logError` reports unexpected (500) errors. */
export function toServerOptions(config: Config, logError?: (err: unknown) => void): ScimServerOptions {
  return {
    store: storeFromSpec(config.store),
    baseUrl: config.baseUrl,
    auth: { tokens: config.tokens, jwt: config.jwt, basic: config.basic, publicDiscovery: config.publicDiscovery },
    cors: config.corsOrigins.length > 0 ? { origins: config.corsOrigins } : undefined,
    rateLimit: config.rateLimit,
    maxResults: config.maxResults,
    defaultCount: config.defaultCount,
    cursorTimeout: config.cursorTimeout,
    cursorSecret: config.cursorSecret,
    bulkMaxOperations: config.bulkMaxOperations,
    bulkMaxPayloadSize: config.bulkMaxPayloadSize,
    strictPatch: config.strictPatch,
    patchDialects: config.patchDialects,
    bodyLimit: config.bodyLimit,
    logError,
  };
}

/** 127.0.0.0/8, ::1 and localhost; any other name might resolve elsewhere, so it counts as remote. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIPv4(v4) && v4.startsWith('127.');
}

export function hasCredential(config: Config): boolean {
  return config.tokens.length > 0 || config.jwt !== undefined || config.basic.length > 0;
}

function setting(key: string): Setting {
  return SETTINGS.find((s) => s.key === key)!;
}

function parseFlags(argv: readonly string[]): Record<string, unknown> {
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const s of SETTINGS) if (s.flag) options[s.flag] = { type: s.arg ? 'string' : 'boolean' };
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false, allowNegative: true }).values;
  } catch (err) {
    const message = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new ConfigError(`${message} (see --help)`);
  }
}

function pick(s: Setting, flags: Record<string, unknown>, env: Env, file: Map<string, Source>): Source | undefined {
  if (s.flag && flags[s.flag] !== undefined) return { raw: flags[s.flag], name: `--${s.flag}` };
  const fromEnv = s.env ? env[s.env] : undefined;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return { raw: fromEnv, name: s.env! };
  return file.get(s.key);
}

/** The file's settings by dotted key; nested groups (jwt, cors, rateLimit) are objects in the file. */
function readConfigFile(source: Source, readFile: (path: string) => string): Map<string, Source> {
  const path = String(source.raw);
  let data: unknown;
  try {
    const text = readFile(path);
    data = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`${source.name}: cannot read config file "${path}": ${(err as Error).message.split('\n')[0]}`);
  }
  const out = new Map<string, Source>();
  const add = (key: string, raw: unknown) => raw !== null && out.set(key, { raw, name: `${key} in ${path}` });
  const keys = SETTINGS.filter((s) => s.file !== false).map((s) => s.key);
  for (const [k, v] of Object.entries(object(data ?? {}, `config file ${path}`, topLevel(keys)))) {
    if (keys.includes(k)) add(k, v);
    else if (v !== null) {
      const sub = keys.filter((key) => key.startsWith(`${k}.`)).map((key) => key.slice(k.length + 1));
      for (const [sk, sv] of Object.entries(object(v, `${k} in ${path}`, sub))) add(`${k}.${sk}`, sv);
    }
  }
  return out;
}

function topLevel(keys: readonly string[]): string[] {
  return [...new Set(keys.map((k) => k.split('.')[0]))];
}

function assemble(values: Map<string, unknown>, names: Map<string, string>): Config {
  const v = <T>(key: string) => values.get(key) as T;
  const nameOf = (key: string) => names.get(key) ?? describeSetting(setting(key));
  const config: Config = {
    configFile: v('config'),
    host: v('host'),
    port: v('port'),
    basePath: v('basePath'),
    baseUrl: v('baseUrl'),
    store: v('store'),
    tokens: v('tokens') ?? [],
    jwt: jwtOptions(v, names, nameOf),
    basic: v('basic') ?? [],
    publicDiscovery: v('publicDiscovery'),
    corsOrigins: v('cors.origins') ?? [],
    rateLimit: values.has('rateLimit.max') ? { windowMs: v('rateLimit.windowMs'), max: v('rateLimit.max') } : undefined,
    bodyLimit: v('bodyLimit'),
    maxResults: v('maxResults'),
    defaultCount: v('defaultCount'),
    cursorTimeout: v('cursorTimeout'),
    cursorSecret: v('cursorSecret'),
    bulkMaxOperations: v('bulkMaxOperations'),
    bulkMaxPayloadSize: v('bulkMaxPayloadSize'),
    strictPatch: v('strictPatch'),
    patchDialects: v('patchDialects'),
    logLevel: v('logLevel'),
    shutdownTimeoutMs: v('shutdownTimeoutMs'),
    insecure: v('insecure'),
  };
  try {
    storeFromSpec(config.store);
  } catch (err) {
    throw new ConfigError(`${nameOf('store')}: ${(err as Error).message}`);
  }
  if (names.has('rateLimit.windowMs') && !config.rateLimit) {
    throw new ConfigError(`${nameOf('rateLimit.windowMs')} is set but rate limiting is off: also set ${describeSetting(setting('rateLimit.max'))}`);
  }
  if (config.defaultCount > config.maxResults) {
    throw new ConfigError(`${nameOf('defaultCount')} (${config.defaultCount}) must not exceed ${nameOf('maxResults')} (${config.maxResults})`);
  }
  if (!hasCredential(config) && !isLoopback(config.host) && !config.insecure) {
    throw new ConfigError(
      `${nameOf('host')} is "${config.host}", not a loopback address, and no credential is configured ` +
        '(SCIM_TOKENS, --jwt-jwks or basic users in a config file): refusing to serve unauthenticated requests ' +
        'to the network. Configure a credential, or pass --insecure to do it anyway.',
    );
  }
  return config;
}

/** JWT is on when any jwt setting is given; then JWKS, issuer and audience are all required. */
function jwtOptions(v: <T>(key: string) => T, names: Map<string, string>, nameOf: (key: string) => string): JwtOptions | undefined {
  const given = [...names.keys()].filter((k) => k.startsWith('jwt.'));
  if (given.length === 0) return undefined;
  for (const required of ['jwt.jwks', 'jwt.issuer', 'jwt.audience']) {
    if (!names.has(required)) {
      throw new ConfigError(`${nameOf(given[0])} needs ${required} for JWT authentication (${describeSetting(setting(required))})`);
    }
  }
  const audience = v<string[]>('jwt.audience');
  return {
    jwks: v('jwt.jwks'),
    issuer: v('jwt.issuer'),
    audience: audience.length === 1 ? audience[0] : audience,
    algorithms: v('jwt.algorithms'),
    ...(names.has('jwt.userIdClaim') ? { userIdClaim: v<string>('jwt.userIdClaim') } : {}),
    ...(names.has('jwt.writeScope') ? { writeScope: v<string>('jwt.writeScope') } : {}),
  };
}

function warnings(config: Config): string[] {
  if (hasCredential(config)) return [];
  if (!isLoopback(config.host)) {
    return [`--insecure: listening on ${config.host} with no credential configured: anyone who can reach this port can read and change every resource`];
  }
  return [`no credential configured (SCIM_TOKENS, JWT or basic users): requests are NOT authenticated; listening on loopback (${config.host}) only`];
}

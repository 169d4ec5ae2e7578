// The configuration model: precedence (flags > env > file > defaults), validation errors that name
// the setting as the operator wrote it, the refusal to serve the network without a credential,
// and --help (and the README) listing every option.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, isLoopback, loadConfig, toServerOptions, type Config } from '../../src/config.ts';
import { flagText } from '../../src/ops/config-help.ts';
import { SETTINGS } from '../../src/ops/config-settings.ts';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const SCRYPT = '$scrypt$N=16384,r=8,p=1$c2FsdA$aGFzaA';

function files(map: Record<string, string>) {
  return {
    readFile: (path: string) => {
      if (!(path in map)) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
      return map[path];
    },
  };
}

function load(argv: string[] = [], env: Record<string, string> = {}, fs: Record<string, string> = {}): Config {
  const result = loadConfig(argv, env, files(fs));
  if (result.kind !== 'run') throw new Error('expected a configuration, got help');
  return result.config;
}

function error(argv: string[] = [], env: Record<string, string> = {}, fs: Record<string, string> = {}): string {
  try {
    loadConfig(argv, env, files(fs));
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('defaults', () => {
  it('serve the in-memory store on 127.0.0.1:8000 at /scim/v2 with nothing configured', () => {
    const result = loadConfig([], {});
    expect(result.kind).toBe('run');
    if (result.kind !== 'run') return;
    expect(result.config).toMatchObject({
      host: '127.0.0.1', port: 8000, basePath: '/scim/v2', store: 'memory', tokens: [], basic: [],
      publicDiscovery: false, corsOrigins: [], bodyLimit: 1024 * 1024, maxResults: 1000, defaultCount: 100,
      cursorTimeout: 3600, bulkMaxOperations: 1000, bulkMaxPayloadSize: 4 * 1024 * 1024, strictPatch: false,
      logLevel: 'info', shutdownTimeoutMs: 10_000, insecure: false,
    });
    expect(result.config.jwt).toBeUndefined();
    expect(result.config.rateLimit).toBeUndefined();
    expect(result.config.cursorSecret).toBeUndefined(); // a random key per process
    expect(result.warnings.join()).toMatch(/no credential configured.*NOT authenticated.*loopback/);
  });
});

describe('precedence: flags > environment > config file > defaults', () => {
  const yaml = 'port: 1111\nlogLevel: debug\nmaxResults: 500\njwt:\n  jwks: /etc/jwks.json\n  issuer: https://file.example\n  audience: [a, b]\n';

  it('picks each setting from the highest source that has it', () => {
    const fs = { 'scim.yaml': yaml };
    expect(load(['--config', 'scim.yaml'], {}, fs)).toMatchObject({ port: 1111, logLevel: 'debug', maxResults: 500 });
    expect(load(['--config', 'scim.yaml'], { PORT: '2222' }, fs)).toMatchObject({ port: 2222, logLevel: 'debug' });
    expect(load(['--config', 'scim.yaml', '--port', '3333'], { PORT: '2222', LOG_LEVEL: 'warn' }, fs)).toMatchObject({
      port: 3333, logLevel: 'warn', maxResults: 500, defaultCount: 100,
    });
  });

  it('resolves nested settings one by one (jwt.issuer from a flag, the rest from the file)', () => {
    const config = load(['--jwt-issuer', 'https://flag.example'], { SCIM_CONFIG: 'scim.yaml' }, { 'scim.yaml': yaml });
    expect(config.jwt).toEqual({ jwks: '/etc/jwks.json', issuer: 'https://flag.example', audience: ['a', 'b'], algorithms: ['RS256', 'ES256'] });
  });

  it('takes --config over SCIM_CONFIG, and reads JSON files as JSON', () => {
    const fs = { 'a.json': '{"port": 4444}', 'b.yaml': 'port: 5555' };
    expect(load(['--config', 'a.json'], { SCIM_CONFIG: 'b.yaml' }, fs).port).toBe(4444);
    expect(load([], { SCIM_CONFIG: 'b.yaml' }, fs).port).toBe(5555);
  });

  it('treats an empty environment variable as unset', () => {
    expect(load([], { PORT: '', SCIM_TOKENS: ' ' }, {})).toMatchObject({ port: 8000, tokens: [] });
  });

  it('lets a flag turn a file boolean off (--no-...) and reads env booleans as words', () => {
    const fs = { 'c.yaml': 'publicDiscovery: true\nstrictPatch: true' };
    expect(load(['--config', 'c.yaml'], {}, fs)).toMatchObject({ publicDiscovery: true, strictPatch: true });
    expect(load(['--config', 'c.yaml', '--no-public-discovery'], { SCIM_STRICT_PATCH: 'no' }, fs)).toMatchObject({ publicDiscovery: false, strictPatch: false });
    expect(load([], { SCIM_PUBLIC_DISCOVERY: 'yes' }).publicDiscovery).toBe(true);
  });

  it('reads tokens from SCIM_TOKENS over the file; the file may give objects and sha256 digests', () => {
    const fs = { 't.yaml': `tokens:\n  - plain-token\n  - token: "${DIGEST}"\n    userId: u-1\n    readOnly: true\n` };
    expect(load(['--config', 't.yaml'], {}, fs).tokens).toEqual(['plain-token', { token: DIGEST, userId: 'u-1', readOnly: true }]);
    expect(load(['--config', 't.yaml'], { SCIM_TOKENS: 'one, two,' }, fs).tokens).toEqual(['one', 'two']);
  });

  it('reads basic users, CORS origins, rate limit, sizes and PATCH dialects', () => {
    const fs = {
      'all.yaml': [
        `basic: [{username: okta, passwordHash: "${SCRYPT}", readOnly: false}]`,
        'cors: {origins: ["https://admin.example"]}',
        'rateLimit: {max: 100}',
        'bodyLimit: 512kb',
        'bulkMaxPayloadSize: 2097152',
        'patchDialects: {stringBooleans: false}',
      ].join('\n'),
    };
    const config = load(['--config', 'all.yaml', '--rate-limit-window-ms', '1000'], {}, fs);
    expect(config).toMatchObject({
      basic: [{ username: 'okta', passwordHash: SCRYPT, readOnly: false }],
      corsOrigins: ['https://admin.example'],
      rateLimit: { windowMs: 1000, max: 100 },
      bodyLimit: 512 * 1024,
      bulkMaxPayloadSize: 2 * 1024 * 1024,
      patchDialects: { stringBooleans: false },
    });
  });
});

describe('validation errors name the setting as it was given', () => {
  it.each([
    [[], { PORT: 'abc' }, 'PORT must be an integer between 0 and 65535, got "abc"'],
    [['--port', '65536'], {}, '--port must be an integer between 0 and 65535, got "65536"'],
    [[], { LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    [['--base-path', 'scim'], {}, '--base-path must be a path such as /scim/v2'],
    [[], { SCIM_BASE_URL: 'scim.example.com' }, 'SCIM_BASE_URL must be an absolute http or https URL'],
    [['--body-limit', 'huge'], {}, '--body-limit must be a size such as 1048576, 512kb or 1mb, got "huge"'],
    [[], { SCIM_MAX_RESULTS: '0' }, 'SCIM_MAX_RESULTS must be an integer >= 1, got "0"'],
    [['--default-count', '2000'], {}, '--default-count (2000) must not exceed --max-results, SCIM_MAX_RESULTS, maxResults in a config file (1000)'],
    [['--strict-patch=maybe'], {}, "Option '--strict-patch' does not take an argument"],
    [['--jwt-jwks', 'http://idp.example/jwks'], {}, '--jwt-jwks must be an absolute https URL'],
    [['--jwt-jwks', 'https://idp.example/jwks'], {}, '--jwt-jwks needs jwt.issuer for JWT authentication (--jwt-issuer, SCIM_JWT_ISSUER, jwt.issuer in a config file)'],
    [[], { SCIM_JWT_ALGORITHMS: 'RS256,none' }, 'SCIM_JWT_ALGORITHMS[1] must be one of RS256'],
    [['--rate-limit-window-ms', '1000'], {}, '--rate-limit-window-ms is set but rate limiting is off'],
    [['--store', 'mongodb://x'], {}, '--store: Unknown store "mongodb://x"'],
    [['--cors-origins', 'https://ok.example,nope'], {}, '--cors-origins[1] must be an absolute http or https URL, got "nope"'],
    [['--prot', '80'], {}, "Unknown option '--prot' (see --help)"],
    [['8000'], {}, "Unexpected argument '8000'"],
  ] as [string[], Record<string, string>, string][])('%j %j', (argv, env, message) => {
    expect(error(argv, env)).toContain(message);
  });

  it('names a config-file setting with its key and file', () => {
    expect(error(['--config', '/etc/scim.yaml'], {}, { '/etc/scim.yaml': 'port: eighty' })).toBe(
      'port in /etc/scim.yaml must be an integer between 0 and 65535, got "eighty"',
    );
    expect(error([], { SCIM_CONFIG: 's.yaml' }, { 's.yaml': 'rateLimit: {max: 10, window: 5}' })).toMatch(/^rateLimit in s\.yaml has an unknown key "window"/);
    expect(error([], { SCIM_CONFIG: 's.yaml' }, { 's.yaml': 'prot: 80' })).toMatch(/^config file s\.yaml has an unknown key "prot"/);
    expect(error([], { SCIM_CONFIG: 's.yaml' }, { 's.yaml': 'insecure: true' })).toMatch(/unknown key "insecure"/);
    expect(error([], { SCIM_CONFIG: 's.yaml' }, { 's.yaml': 'patchDialects: {stringBoolean: false}' })).toMatch(/^patchDialects in s\.yaml has an unknown key "stringBoolean"/);
  });

  it('names the file when it cannot be read or parsed', () => {
    expect(error(['--config', 'missing.yaml'])).toMatch(/^--config: cannot read config file "missing\.yaml": ENOENT/);
    expect(error([], { SCIM_CONFIG: 'bad.json' }, { 'bad.json': '{"port": 1,' })).toMatch(/^SCIM_CONFIG: cannot read config file "bad\.json"/);
    expect(error([], { SCIM_CONFIG: 'bad.yaml' }, { 'bad.yaml': 'port: [1\n' })).toMatch(/^SCIM_CONFIG: cannot read config file "bad\.yaml"/);
    expect(error([], { SCIM_CONFIG: 'list.yaml' }, { 'list.yaml': '- 1\n- 2\n' })).toMatch(/^config file list\.yaml must be an object/);
  });

  it('wants a cursor secret of at least 32 characters, and never echoes it', () => {
    const short = 'x'.repeat(31);
    expect(error(['--cursor-secret', short])).toBe('--cursor-secret must be a string of at least 32 characters (value not shown)');
    expect(error([], { SCIM_CURSOR_SECRET: short })).toBe('SCIM_CURSOR_SECRET must be a string of at least 32 characters (value not shown)');
    expect(error([], { SCIM_CONFIG: 's.yaml' }, { 's.yaml': `cursorSecret: ${short}` })).toBe(
      'cursorSecret in s.yaml must be a string of at least 32 characters (value not shown)',
    );
    expect(error([], { SCIM_CONFIG: 's.yaml' }, { 's.yaml': 'cursorSecret: 12345' })).toMatch(/^cursorSecret in s\.yaml must be a string/);
  });

  it('never echoes a token or a password hash', () => {
    const badToken = error([], { SCIM_TOKENS: 'good,sha256:abc123' });
    expect(badToken).toBe('SCIM_TOKENS[1] must be "sha256:" followed by 64 hex digits (value not shown)');
    const fs = { 'b.yaml': 'basic: [{username: u, passwordHash: hunter2}]' };
    const badHash = error(['--config', 'b.yaml'], {}, fs);
    expect(badHash).toMatch(/^basic\[0\]\.passwordHash in b\.yaml|^basic in b\.yaml\[0\]\.passwordHash/);
    expect(badHash).not.toContain('hunter2');
  });
});

describe('no credential: loopback only', () => {
  it('refuses a non-loopback host, naming the setting and --insecure', () => {
    const message = error(['--host', '0.0.0.0']);
    expect(message).toMatch(/^--host is "0\.0\.0\.0", not a loopback address, and no credential is configured/);
    expect(message).toContain('--insecure');
    expect(error([], { HOST: '::' })).toMatch(/^HOST is "::"/);
    expect(error([], { HOST: 'scim.example.com' })).toMatch(/^HOST is "scim\.example\.com"/);
  });

  it('starts with --insecure, with a louder warning', () => {
    const result = loadConfig(['--host', '0.0.0.0', '--insecure'], {});
    expect(result.kind === 'run' && result.warnings.join()).toMatch(/--insecure: listening on 0\.0\.0\.0 with no credential/);
  });

  it('allows any host once a credential is configured, without warnings', () => {
    for (const [argv, env, fs] of [
      [['--host', '0.0.0.0'], { SCIM_TOKENS: 't0ken' }, {}],
      [['--host', '0.0.0.0', '--jwt-jwks', 'https://idp.example/jwks', '--jwt-issuer', 'https://idp.example', '--jwt-audience', 'scim'], {}, {}],
      [['--host', '0.0.0.0', '--config', 'b.yaml'], {}, { 'b.yaml': `basic: [{username: u, passwordHash: "${SCRYPT}"}]` }],
    ] as [string[], Record<string, string>, Record<string, string>][]) {
      const result = loadConfig(argv, env, files(fs));
      expect(result.kind === 'run' && result.warnings, JSON.stringify(argv)).toEqual([]);
    }
  });

  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', 'localhost.example.com', '128.0.0.1']) expect(isLoopback(h), h).toBe(false);
  });
});

describe('--help', () => {
  it('lists every option with its flag, environment variable and default', () => {
    for (const argv of [['--help'], ['-h'], ['--port', 'abc', '--help']]) {
      const result = loadConfig(argv, { PORT: 'not-checked' });
      expect(result.kind).toBe('help');
      if (result.kind !== 'help') continue;
      for (const s of SETTINGS) {
        if (s.flag) expect(result.text).toContain(flagText(s));
        if (s.env) expect(result.text).toContain(`env ${s.env}`);
        if (s.file !== false) expect(result.text).toContain(`config ${s.key}`);
      }
      expect(result.text).toContain('default: 127.0.0.1');
      expect(result.text).toContain('default: 8000');
      expect(result.text).toContain('default: /scim/v2');
      expect(result.text).toContain('flags > environment > config file > defaults');
    }
  });

  it('the README Configuration section lists every option too', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
    expect(section.length).toBeGreaterThan(100);
    for (const s of SETTINGS) {
      if (s.flag) expect(section, s.key).toContain(flagText(s)!.replace(/\|/g, '\\|'));
      if (s.env) expect(section, s.key).toContain(`\`${s.env}\``);
      expect(section, s.key).toContain(`\`${s.key}\``);
    }
  });
});

describe('toServerOptions', () => {
  it('maps the configuration onto ScimServerOptions', () => {
    const config = load(
      ['--cors-origins', 'https://a.example', '--rate-limit-max', '5', '--public-discovery', '--strict-patch', '--max-results', '50', '--default-count', '10'],
      { SCIM_TOKENS: 'tok', SCIM_BASE_URL: 'https://scim.example/scim/v2' },
    );
    const logError = () => {};
    const options = toServerOptions(config, logError);
    expect(options).toMatchObject({
      baseUrl: 'https://scim.example/scim/v2',
      auth: { tokens: ['tok'], basic: [], publicDiscovery: true },
      cors: { origins: ['https://a.example'] },
      rateLimit: { windowMs: 60_000, max: 5 },
      maxResults: 50,
      defaultCount: 10,
      strictPatch: true,
      bodyLimit: 1024 * 1024,
      logError,
    });
    expect(typeof options.store).toBe('function');
    expect(toServerOptions(load()).cors).toBeUndefined();
    expect(toServerOptions(load()).cursorSecret).toBeUndefined();
  });

  it('passes the cursor secret from a flag, the environment or the file, in that order', () => {
    const [flag, env, file] = ['f', 'e', 'c'].map((c) => c.repeat(32));
    const fs = { 's.yaml': `cursorSecret: ${file}` };
    expect(toServerOptions(load(['--config', 's.yaml'], {}, fs)).cursorSecret).toBe(file);
    expect(toServerOptions(load(['--config', 's.yaml'], { SCIM_CURSOR_SECRET: env }, fs)).cursorSecret).toBe(env);
    expect(toServerOptions(load(['--config', 's.yaml', '--cursor-secret', flag], { SCIM_CURSOR_SECRET: env }, fs)).cursorSecret).toBe(flag);
  });
});

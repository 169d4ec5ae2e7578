// Parsers for the credential settings: bearer tokens (SCIM_TOKENS or the config file), HTTP Basic
// users (config file only), the cursor secret and PATCH dialect switches. Errors never echo a token: a message may end
// up in a terminal scrollback or a CI log.
import type { BasicUser, TokenConfig } from '../options.ts';
import { DEFAULT_DIALECTS, type PatchDialects } from '../patch/dialects.ts';
import { MIN_CURSOR_SECRET_LENGTH } from '../query/cursor.ts';
import { bool, ConfigError, fail, object, str, type Parser } from './config-values.ts';

const TOKEN = /^[\x21-\x7e]+$/; // what an Authorization: Bearer header can carry
const DIGEST = /^sha256:[0-9a-f]{64}$/i;

function token(raw: unknown, name: string): string {
  if (typeof raw !== 'string' || !TOKEN.test(raw)) {
    throw new ConfigError(`${name} must be a token of visible ASCII characters without spaces (value not shown)`);
  }
  if (/^sha256:/i.test(raw) && !DIGEST.test(raw)) {
    throw new ConfigError(`${name} must be "sha256:" followed by 64 hex digits (value not shown)`);
  }
  return raw;
}

/** SCIM_TOKENS is comma-separated; a config file lists strings or {token, userId, readOnly}. */
export const tokens: Parser<(string | TokenConfig)[]> = (raw, name) => {
  const items = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter(Boolean) : raw;
  if (!Array.isArray(items)) return fail(name, 'a comma-separated list or an array of tokens', '(value not shown)');
  return items.map((item, i) => {
    const at = `${name}[${i}]`;
    if (typeof item === 'string') return token(item, at);
    const o = object(item, at, ['token', 'userId', 'readOnly']);
    return {
      token: token(o.token, `${at}.token`),
      ...(o.userId !== undefined ? { userId: str()(o.userId, `${at}.userId`) } : {}),
      ...(o.readOnly !== undefined ? { readOnly: bool(o.readOnly, `${at}.readOnly`) } : {}),
    };
  });
};

/** The shared cursor-signing key: long enough to resist guessing, and never echoed. */
export const cursorSecret: Parser<string> = (raw, name) => {
  if (typeof raw !== 'string' || raw.trim().length < MIN_CURSOR_SECRET_LENGTH) {
    throw new ConfigError(`${name} must be a string of at least ${MIN_CURSOR_SECRET_LENGTH} characters (value not shown)`);
  }
  return raw.trim();
};

/** Basic users carry scrypt hashes (see verifyPassword), so the file never holds a password. */
export const basicUsers: Parser<BasicUser[]> = (raw, name) => {
  if (!Array.isArray(raw)) return fail(name, 'a list of {username, passwordHash, readOnly, userId}', raw);
  const seen = new Set<string>();
  return raw.map((item, i) => {
    const at = `${name}[${i}]`;
    const o = object(item, at, ['username', 'passwordHash', 'readOnly', 'userId']);
    // RFC 7617 §2: the user-id cannot contain a colon.
    const username = str(/^[^:]+$/, 'a non-empty user name without ":"')(o.username, `${at}.username`);
    if (seen.has(username)) throw new ConfigError(`${at}.username "${username}" is listed twice`);
    seen.add(username);
    if (typeof o.passwordHash !== 'string' || !o.passwordHash.startsWith('$scrypt$')) {
      throw new ConfigError(`${at}.passwordHash must be an scrypt hash starting with "$scrypt$" (value not shown)`);
    }
    return {
      username,
      passwordHash: o.passwordHash,
      ...(o.readOnly !== undefined ? { readOnly: bool(o.readOnly, `${at}.readOnly`) } : {}),
      ...(o.userId !== undefined ? { userId: str()(o.userId, `${at}.userId`) } : {}),
    };
  });
};

export const patchDialects: Parser<Partial<PatchDialects>> = (raw, name) => {
  const o = object(raw, name, Object.keys(DEFAULT_DIALECTS));
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, bool(v, `${name}.${k}`)]));
};

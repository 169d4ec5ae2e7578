// Parsers for configuration values. The same setting may come from a flag or the environment (a
// string) or from a config file (any JSON/YAML value), so each parser accepts both and reports a
// bad value with the name the operator used (`--port`, `PORT`, `port in scim.yaml`).

/** A bad setting; the CLI prints the message alone (no stack) and exits non-zero. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type Parser<T> = (raw: unknown, name: string) => T;

function shown(raw: unknown): string {
  return typeof raw === 'string' ? `"${raw}"` : JSON.stringify(raw) ?? String(raw);
}

export function fail(name: string, expected: string, raw: unknown): never {
  throw new ConfigError(`${name} must be ${expected}, got ${shown(raw)}`);
}

export function int(min: number, max: number = Number.MAX_SAFE_INTEGER): Parser<number> {
  const expected = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer between ${min} and ${max}`;
  return (raw, name) => {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) fail(name, expected, raw);
    return n;
  };
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

export const bool: Parser<boolean> = (raw, name) => {
  if (typeof raw === 'boolean') return raw;
  const s = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
  if (s !== undefined && TRUE.has(s)) return true;
  if (s !== undefined && FALSE.has(s)) return false;
  return fail(name, 'true or false', raw);
};

export function str(pattern?: RegExp, expected = 'a non-empty string'): Parser<string> {
  return (raw, name) => {
    if (typeof raw !== 'string' || raw.trim() === '' || (pattern && !pattern.test(raw))) fail(name, expected, raw);
    return raw.trim();
  };
}

export function oneOf<T extends string>(values: readonly T[]): Parser<T> {
  return (raw, name) => {
    const s = typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
    if (!values.includes(s as T)) fail(name, `one of ${values.join(', ')}`, raw);
    return s as T;
  };
}

/** A comma-separated string, or a list in a config file; each item checked by `item`. */
export function list(item: Parser<string> = str()): Parser<string[]> {
  return (raw, name) => {
    const items = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter(Boolean) : raw;
    if (!Array.isArray(items)) return fail(name, 'a comma-separated list or an array of strings', raw);
    return items.map((v, i) => item(v, `${name}[${i}]`));
  };
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** A size in bytes: an integer, or a number with a unit (`512kb`, `1mb`), as body-parser reads them. */
export const size: Parser<number> = (raw, name) => {
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw > 0) return raw;
  const m = typeof raw === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(raw) : null;
  const bytes = m ? Math.floor(Number(m[1]) * UNITS[(m[2] ?? 'b').toLowerCase()]) : NaN;
  if (!(bytes > 0) || !Number.isSafeInteger(bytes)) fail(name, 'a size such as 1048576, 512kb or 1mb', raw);
  return bytes;
};

export function url(protocols: readonly string[]): Parser<string> {
  const expected = `an absolute ${protocols.map((p) => p.replace(/:$/, '')).join(' or ')} URL`;
  return (raw, name) => {
    let parsed: URL | undefined;
    try {
      parsed = typeof raw === 'string' ? new URL(raw.trim()) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!parsed || !protocols.includes(parsed.protocol)) fail(name, expected, raw);
    return (raw as string).trim();
  };
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A config-file object with only known keys; names the first unknown one. */
export function object(raw: unknown, name: string, known: readonly string[]): Record<string, unknown> {
  if (!isPlainObject(raw)) fail(name, 'an object', raw);
  const unknown = Object.keys(raw).find((k) => !known.includes(k));
  if (unknown !== undefined) throw new ConfigError(`${name} has an unknown key "${unknown}" (known: ${known.join(', ')})`);
  return raw;
}

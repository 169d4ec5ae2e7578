// Passwords (RFC 7643 §4.1.1: "password" is writeOnly, returned never) are kept only as salted
// scrypt hashes, so neither a store dump nor a library caller ever sees the cleartext.
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number) => Promise<Buffer>;
const PREFIX = '$scrypt$';

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32);
  return `${PREFIX}${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** Checks a cleartext password against a stored hash in constant time. */
export async function verifyPassword(stored: string, candidate: string): Promise<boolean> {
  if (!stored.startsWith(PREFIX)) return false;
  const [salt, hash] = stored.slice(PREFIX.length).split('$');
  if (!salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(candidate, Buffer.from(salt, 'base64url'), expected.length);
  return timingSafeEqual(expected, actual);
}

// Who made a request, and how the Authorization header is read (RFC 9110 §11.6.2). Every scheme
// (static bearer tokens, JWTs, HTTP Basic) produces the same Identity, so the rest of the server
// does not care how a caller proved who it is.

/** The caller's identity; `userId` is set when the credential maps to a User (RFC 7644 §3.11 /Me). */
export interface Identity {
  /** A printable name of the credential for logs (never the secret itself). */
  readonly subject?: string;
  readonly userId?: string;
  /** Read-only credentials may only GET and POST .search (see permissions.ts). */
  readonly readOnly?: boolean;
}

export type Headers = Record<string, string | string[] | undefined>;

/** The credential in an Authorization header: the scheme in lower case and its parameter. */
export interface Credentials {
  readonly scheme: string;
  readonly value: string;
}

// RFC 9110 §11.4: `auth-scheme 1*SP token68`; a token68 is visible ASCII. RFC 6750 §2.1 allows one
// or more spaces; tabs and trailing whitespace are tolerated (some clients send them).
const AUTHORIZATION = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)[ \t]+([\x21-\x7e]+)[ \t]*$/;

/** Parses the Authorization header; undefined when it is missing, repeated or malformed. */
export function credentialsOf(headers: Headers): Credentials | undefined {
  const raw = headers.authorization;
  if (typeof raw !== 'string' || raw.length > 16_384) return undefined; // no header, or an absurd one
  const match = AUTHORIZATION.exec(raw);
  return match ? { scheme: match[1].toLowerCase(), value: match[2] } : undefined;
}

/** A short printable form of a claim or name for logs: no control characters, bounded length. */
export function printable(value: string, max = 64): string {
  const clean = value.replace(/[^\x20-\x7e]/g, '?');
  return clean.length <= max ? clean : `${clean.slice(0, max)}…`;
}

// Cursor paging (RFC 9865). A cursor is an opaque, URL-safe token holding a keyset position (the
// last returned resource's sort key and creation sequence) and a fingerprint of the query it
// belongs to. Keyset positions stay valid while resources are added or removed underneath:
// nothing is skipped or repeated because of an insert or delete elsewhere in the list.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { ScimError } from '../errors.ts';
import type { SortKey } from './sort.ts';

export interface CursorPosition {
  readonly key: SortKey;
  readonly seq: number;
}

interface Payload {
  /** query fingerprint */
  q: string;
  /** sort key of the last returned resource */
  k?: string | number;
  /** its creation sequence */
  s: number;
  /** issued at, milliseconds */
  t: number;
}

/** Shortest shared secret accepted: 32 characters, as many as the random key has bytes. */
export const MIN_CURSOR_SECRET_LENGTH = 32;

export class CursorCodec {
  // Cursors are signed so a client cannot forge positions. Without a shared secret the key is
  // random and lives as long as the process, so another instance refuses the cursor; instances
  // behind one load balancer share `secret` so a cursor continues on any of them.
  private readonly secret: Buffer;

  constructor(
    private readonly timeoutSeconds: number,
    secret?: string,
  ) {
    if (secret !== undefined && secret.length < MIN_CURSOR_SECRET_LENGTH) {
      throw new Error(`The cursor secret must be at least ${MIN_CURSOR_SECRET_LENGTH} characters long`);
    }
    this.secret = secret === undefined ? randomBytes(32) : Buffer.from(secret, 'utf8');
  }

  /** A fingerprint of everything that defines a result list. */
  static fingerprint(parts: readonly unknown[]): string {
    return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
  }

  encode(fingerprint: string, position: CursorPosition): string {
    const payload: Payload = { q: fingerprint, s: position.seq, t: Date.now() };
    if (position.key !== undefined) payload.k = position.key;
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** RFC 9865: a cursor the server did not issue for this query is invalidCursor; a stale one expiredCursor. */
  decode(cursor: string, fingerprint: string): CursorPosition {
    const [body, signature, extra] = cursor.split('.');
    if (!body || !signature || extra !== undefined || signature !== this.sign(body)) {
      throw new ScimError(400, 'The cursor is not valid for this server', 'invalidCursor');
    }
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Payload;
    if (payload.q !== fingerprint) {
      throw new ScimError(400, 'The cursor belongs to a different query', 'invalidCursor');
    }
    // RFC 9865: cursorTimeout is the minimum time a cursor stays valid.
    if (Date.now() - payload.t > this.timeoutSeconds * 1000) {
      throw new ScimError(400, 'The cursor has expired', 'expiredCursor');
    }
    return { key: payload.k, seq: payload.s };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url').slice(0, 22);
  }
}

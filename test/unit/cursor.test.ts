// The cursor codec (RFC 9865 cursors): signed with a random key per codec unless a secret is
// given, in which case any codec holding the same secret accepts the other's cursors (instances
// behind a load balancer), and a codec with another key refuses them as invalidCursor.
import { describe, expect, it, vi } from 'vitest';
import { ScimError } from '../../src/errors.ts';
import { CursorCodec, MIN_CURSOR_SECRET_LENGTH } from '../../src/query/cursor.ts';

const SECRET = 'a shared secret of more than 32 characters';
const FINGERPRINT = CursorCodec.fingerprint(['User', 'userName pr', 'userName']);
const POSITION = { key: 'bjensen', seq: 42 };

function refusal(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ScimError);
    return err as ScimError;
  }
  throw new Error('expected a ScimError');
}

describe('CursorCodec', () => {
  it('with the same secret, a cursor from one codec continues on another', () => {
    const cursor = new CursorCodec(3600, SECRET).encode(FINGERPRINT, POSITION);
    expect(new CursorCodec(3600, SECRET).decode(cursor, FINGERPRINT)).toEqual(POSITION);
  });

  it('refuses as invalidCursor a cursor signed with another secret, or with a random key', () => {
    const cursor = new CursorCodec(3600, SECRET).encode(FINGERPRINT, POSITION);
    for (const other of [new CursorCodec(3600, `${SECRET}!`), new CursorCodec(3600)]) {
      const err = refusal(() => other.decode(cursor, FINGERPRINT));
      expect(err.status).toBe(400);
      expect(err.scimType).toBe('invalidCursor');
    }
    // Two codecs without a secret never share a key.
    const random = new CursorCodec(3600).encode(FINGERPRINT, POSITION);
    expect(refusal(() => new CursorCodec(3600).decode(random, FINGERPRINT)).scimType).toBe('invalidCursor');
  });

  it('still checks the query and the age of a cursor signed with the shared secret', () => {
    const cursor = new CursorCodec(3600, SECRET).encode(FINGERPRINT, POSITION);
    const otherQuery = CursorCodec.fingerprint(['User', 'userName pr', 'title']);
    expect(refusal(() => new CursorCodec(3600, SECRET).decode(cursor, otherQuery)).scimType).toBe('invalidCursor');
    const old = new CursorCodec(1, SECRET).encode(FINGERPRINT, POSITION);
    const clock = vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 2000);
    try {
      expect(refusal(() => new CursorCodec(1, SECRET).decode(old, FINGERPRINT)).scimType).toBe('expiredCursor');
    } finally {
      clock.mockRestore();
    }
  });

  it(`refuses a secret shorter than ${MIN_CURSOR_SECRET_LENGTH} characters`, () => {
    expect(() => new CursorCodec(3600, 'x'.repeat(MIN_CURSOR_SECRET_LENGTH - 1))).toThrow(/at least 32 characters/);
    expect(() => new CursorCodec(3600, 'x'.repeat(MIN_CURSOR_SECRET_LENGTH))).not.toThrow();
  });
});

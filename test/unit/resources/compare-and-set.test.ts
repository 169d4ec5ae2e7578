// compareAndSet's retry rules, against a store whose conditional write always loses the race (as
// against another instance that writes faster): a client's own If-Match failure is its 412; a
// request without one is never told 412 (it sent no precondition), but 503 with Retry-After once the
// retries are spent; a race lost a few times and then won ends in success with fresh data.
import { describe, expect, it } from 'vitest';
import { ScimError } from '../../../src/errors.ts';
import { compareAndSet } from '../../../src/resources/compare-and-set.ts';
import type { Store, StoredResource } from '../../../src/store/store.ts';

function resource(version: number): StoredResource {
  return { resourceType: 'User', id: 'u1', data: { n: version }, created: 't', lastModified: 't', version: `W/"${version}"` };
}

/** A store that moves the resource on every read and refuses writes until `winAt` attempts. */
function racingStore(winAt = Infinity) {
  let version = 0;
  let writes = 0;
  const store = {
    async replace(_type: string, _id: string, data: Record<string, unknown>) {
      writes += 1;
      if (writes < winAt) throw new ScimError(412, 'lost the race');
      return { ...resource(version), data };
    },
  } as unknown as Store;
  const read = async () => resource(++version);
  return { store, read, writes: () => writes };
}

describe('compareAndSet', () => {
  it('without If-Match: retries, then answers 503 with Retry-After, never 412', async () => {
    const { store, read, writes } = racingStore();
    const err = await compareAndSet(store, read, undefined, async (c) => ({ data: { n: Number(c.data.n) + 1 } })).catch((e) => e);
    expect(err).toBeInstanceOf(ScimError);
    expect(err.status).toBe(503);
    expect(err.headers).toEqual({ 'Retry-After': '1' });
    expect(writes()).toBe(16);
  });

  it('with If-Match: a read past the client version is the client\'s 412', async () => {
    const { store, read } = racingStore();
    const err = await compareAndSet(store, read, { ifMatch: ['W/"1"'] }, async () => ({ data: {} })).catch((e) => e);
    expect(err.status).toBe(412);
  });

  it('a race lost three times and then won succeeds, computed from the latest read', async () => {
    const { store, read, writes } = racingStore(4);
    const stored = await compareAndSet(store, read, undefined, async (c) => ({ data: { n: Number(c.data.n) * 10 } }));
    expect(writes()).toBe(4);
    expect(stored.data).toEqual({ n: 40 });
  });
});

// Read-compute-write as an optimistic transaction: the write is a compare-and-set on the version
// that was read, so an update computed from a stale read can never overwrite a newer one. A lost
// race is retried on fresh data; a client's own If-Match is checked against every read, so once
// the resource has moved past the client's version the client gets its 412.
import { ScimError } from '../errors.ts';
import type { MembershipChange, ResourceData, Store, StoredResource, WriteCondition } from '../store/store.ts';
import { versionMatches } from '../store/versions.ts';

export interface Update {
  readonly data: ResourceData;
  readonly membership?: MembershipChange;
}

const MAX_ATTEMPTS = 16;

/** Up to 2^attempt ms, at most 50 ms, at random: racing writers (other instances) stop colliding in step. */
function backoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(50, 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function compareAndSet(
  store: Store,
  read: () => Promise<StoredResource>,
  condition: WriteCondition | undefined,
  compute: (current: StoredResource) => Promise<Update | undefined>,
): Promise<StoredResource> {
  for (let attempt = 1; ; attempt++) {
    const current = await read();
    if (condition?.ifMatch && !versionMatches(current.version, condition.ifMatch)) {
      throw new ScimError(412, `Version mismatch: the resource is at ${current.version}`);
    }
    const update = await compute(current);
    if (!update) return current; // nothing changed: no write, same version
    try {
      return await store.replace(current.resourceType, current.id, update.data, update.membership, {
        ifMatch: [current.version],
      });
    } catch (err) {
      const lostRace = err instanceof ScimError && err.status === 412;
      if (!lostRace) throw err;
      if (attempt >= MAX_ATTEMPTS) {
        // A 412 belongs to a client's own If-Match (checked above on every read); a request without
        // one that kept losing races is told to come back instead.
        if (condition?.ifMatch) throw err;
        throw new ScimError(503, 'The resource is being changed by other writers; retry the request', undefined, { 'Retry-After': '1' });
      }
      await backoff(attempt);
    }
  }
}

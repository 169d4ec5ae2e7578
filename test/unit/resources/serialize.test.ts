// The serializer builds derived attributes only when the projection asks for them: a group's
// member list is never read for `excludedAttributes=members` (Entra ID asks this on every group GET).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadContract } from '../../../src/contract/load.ts';
import { parseProjection } from '../../../src/query/projection.ts';
import { createSerializer } from '../../../src/resources/serialize.ts';
import { SchemaRegistry } from '../../../src/schema/registry.ts';
import { MemoryStore } from '../../../src/store/memory/memory-store.ts';
import type { Store } from '../../../src/store/store.ts';

let registry: SchemaRegistry;
beforeAll(async () => {
  registry = SchemaRegistry.fromContract((await loadContract()).dereferenced);
});

/** A store whose member and group look-ups are counted. */
function countingStore(inner: Store) {
  const calls = { members: 0, groupsOf: 0 };
  const store = Object.create(inner) as Store;
  store.members = (id) => (calls.members++, inner.members(id));
  store.groupsOf = (id) => (calls.groupsOf++, inner.groupsOf(id));
  return { store, calls };
}

describe('createSerializer', () => {
  it('reads members only when the projection wants them', async () => {
    const memory = new MemoryStore(registry);
    const user = await memory.create('User', { userName: 'u' });
    const group = await memory.create('Group', { displayName: 'g' }, [{ value: user.id, type: 'User' }]);
    const { store, calls } = countingStore(memory);
    const rt = registry.requireResourceType('Group');
    const serializer = createSerializer(rt, store, new Map([['User', '/Users'], ['Group', '/Groups']]));
    const ctx = { baseUrl: 'https://example.com/scim/v2' };

    const without = await serializer.toScim(group, ctx, parseProjection(rt, undefined, 'members'));
    expect(without).not.toHaveProperty('members');
    const onlyName = await serializer.toScim(group, ctx, parseProjection(rt, 'displayName', undefined));
    expect(onlyName).not.toHaveProperty('members');
    expect(calls.members).toBe(0);

    const full = await serializer.toScim(group, ctx, parseProjection(rt, undefined, undefined));
    expect(full.members).toEqual([{ value: user.id, $ref: `https://example.com/scim/v2/Users/${user.id}`, type: 'User' }]);
    expect(calls.members).toBe(1);
  });

  it('derives User.groups only when wanted', async () => {
    const memory = new MemoryStore(registry);
    const user = await memory.create('User', { userName: 'u' });
    await memory.create('Group', { displayName: 'g' }, [{ value: user.id, type: 'User' }]);
    const { store, calls } = countingStore(memory);
    const rt = registry.requireResourceType('User');
    const serializer = createSerializer(rt, store, new Map([['User', '/Users'], ['Group', '/Groups']]));
    const ctx = { baseUrl: 'https://example.com/scim/v2' };
    await serializer.toScim(user, ctx, parseProjection(rt, 'userName', undefined));
    await serializer.toScim(user, ctx, parseProjection(rt, undefined, 'groups'));
    expect(calls.groupsOf).toBe(0);
    const full = await serializer.toScim(user, ctx, parseProjection(rt, undefined, undefined));
    expect(full.groups).toEqual([expect.objectContaining({ display: 'g', type: 'direct' })]);
    expect(calls.groupsOf).toBeGreaterThan(0);
  });
});

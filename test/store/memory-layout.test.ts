// The memory store's compact representation (src/store/memory: compact.ts, row.ts, multimap.ts,
// membership.ts): what it keeps must read back exactly as written, and the layout that makes it
// small (fast objects instead of V8 dictionaries) must hold. Behaviour common to every backend is
// in contract.test.ts.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadContract } from '../../src/contract/load.ts';
import { SchemaRegistry } from '../../src/schema/registry.ts';
import { compactData } from '../../src/store/memory/compact.ts';
import { MemoryStore } from '../../src/store/memory/memory-store.ts';
import { MultiMap } from '../../src/store/memory/multimap.ts';
import { timestamp } from '../../src/store/memory/row.ts';
import { nextVersion } from '../../src/store/versions.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

let registry: SchemaRegistry;
beforeAll(async () => {
  registry = SchemaRegistry.fromContract((await loadContract()).dereferenced);
});

/** Data shaped as the service hands it over: normalised into `{}`, arrays by push, `schemas` deleted. */
function serviceShaped(i: number): Record<string, unknown> {
  const emails: unknown[] = [];
  emails.push({ primary: true, type: 'work', value: `user${i}@example.com` });
  const data: Record<string, unknown> = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
    userName: `user${i}@example.com`,
    name: { givenName: `Given${i}`, familyName: `Family${i}` },
    emails,
    [ENTERPRISE]: { employeeNumber: String(i) },
  };
  delete data.schemas;
  return data;
}

describe('compactData', () => {
  it('copies deeply, equal to the input by the strict comparison PATCH uses to detect no-ops', () => {
    const data: Record<string, unknown> = { ...serviceShaped(1), active: false, x509Certificates: [{ value: 'MIIB' }], nickName: '', n: 0 };
    const copy = compactData(data);
    expect(copy).not.toBe(data);
    expect(copy.name).not.toBe(data.name);
    expect(copy.emails).not.toBe(data.emails);
    expect(isDeepStrictEqual(copy, data)).toBe(true);
    expect(isDeepStrictEqual(structuredClone(copy), copy)).toBe(true);
    expect(Object.keys(copy)).toEqual(Object.keys(data)); // attribute order is kept (it shows in responses)
  });

  it('keeps `__proto__` as an own attribute, never as the prototype', () => {
    const data = JSON.parse('{"a": 1, "__proto__": {"polluted": true}}') as Record<string, unknown>;
    const copy = compactData(data);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['a', '__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps values it does not copy (non-plain objects) as they are', () => {
    const when = new Date(0);
    expect(compactData({ when }).when).toBe(when);
  });
});

describe('stored rows', () => {
  it('show exactly the StoredResource fields: the creation sequence stays private', async () => {
    const store = new MemoryStore(registry);
    const row = await store.create('User', { userName: 'row' });
    expect(Object.keys(row)).toEqual(['resourceType', 'id', 'data', 'created', 'lastModified', 'version']);
    expect(JSON.parse(JSON.stringify(row))).toEqual({ ...row });
    expect(row.created).toBe(row.lastModified);
  });

  it('are not changed by the caller changing the object it stored', async () => {
    const store = new MemoryStore(registry);
    const data = serviceShaped(2);
    const row = await store.create('User', data);
    (data.emails as { value: string }[])[0].value = 'changed@example.com';
    data.userName = 'changed';
    expect((await store.get('User', row.id))!.data).toEqual(serviceShaped(2));
  });

  it('keep the weak version format and ISO timestamps', () => {
    expect(nextVersion()).toMatch(/^W\/"[0-9a-f]{8}[0-9a-z]+"$/);
    expect(nextVersion()).not.toBe(nextVersion());
    const t = timestamp();
    expect(new Date(t).toISOString()).toBe(t);
  });

  it('hold their data as fast V8 objects even when the caller passed a dictionary', () => {
    // Deleting a property makes a V8 object a dictionary (~4x larger); only V8 itself can tell,
    // so the check runs in a child process with natives syntax.
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const script = `
      const { loadContract } = await import('./src/contract/load.ts');
      const { SchemaRegistry } = await import('./src/schema/registry.ts');
      const { MemoryStore } = await import('./src/store/memory/memory-store.ts');
      const store = new MemoryStore(SchemaRegistry.fromContract((await loadContract()).dereferenced));
      const input = { schemas: [], userName: 'u', displayName: 'U', name: { givenName: 'G' }, emails: [{ value: 'e' }] };
      delete input.schemas;
      const { data } = await store.create('User', input);
      console.log(JSON.stringify([%HasFastProperties(input), %HasFastProperties(data), %HasFastProperties(data.name)]));`;
    const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual([false, true, true]);
  }, 30_000);
});

describe('MultiMap', () => {
  it('keeps values in insertion order through one -> many -> one', () => {
    const m = new MultiMap();
    m.add('k', 'a');
    m.add('k', 'a'); // no duplicate
    expect(m.get('k')).toEqual(['a']);
    m.add('k', 'b');
    m.add('k', 'c');
    expect(m.get('k')).toEqual(['a', 'b', 'c']);
    m.delete('k', 'a');
    m.delete('k', 'c');
    expect(m.get('k')).toEqual(['b']);
    m.add('k', 'a');
    expect(m.get('k')).toEqual(['b', 'a']);
    m.delete('k', 'x'); // not there: nothing changes
    m.delete('nope', 'a');
    expect(m.get('k')).toEqual(['b', 'a']);
    m.delete('k', 'b');
    m.delete('k', 'a');
    expect(m.get('k')).toEqual([]);
  });
});

describe('membership entries', () => {
  it('give back each member as it was given: User with or without display, Group', async () => {
    const store = new MemoryStore(registry);
    const a = await store.create('User', { userName: 'a' });
    const b = await store.create('User', { userName: 'b' });
    const inner = await store.create('Group', { displayName: 'inner' });
    const members = [
      { value: a.id, type: 'User' as const, display: 'A' },
      { value: b.id, type: 'User' as const },
      { value: inner.id, type: 'Group' as const, display: 'inner' },
    ];
    const g = await store.create('Group', { displayName: 'g' }, members);
    expect(await store.members(g.id)).toStrictEqual(members);
  });

  it('accept ids that are equal strings but other objects, as requests carry them', async () => {
    const store = new MemoryStore(registry);
    const a = await store.create('User', { userName: 'a' });
    const g = await store.create('Group', { displayName: 'g' });
    const h = await store.create('Group', { displayName: 'h' });
    const copy = (s: string) => JSON.parse(JSON.stringify(s)) as string;
    await store.replace('Group', copy(g.id), { displayName: 'g' }, { add: [{ value: copy(a.id), type: 'User' }] });
    await store.replace('Group', copy(h.id), { displayName: 'h' }, { add: [{ value: copy(a.id), type: 'User' }] });
    expect(await store.groupsOf(a.id)).toEqual([g.id, h.id]);
    await store.replace('Group', copy(g.id), { displayName: 'g' }, { remove: [copy(a.id)] });
    expect([await store.isMember(g.id, a.id), await store.isMember(h.id, a.id)]).toEqual([false, true]);
    expect(await store.groupsOf(a.id)).toEqual([h.id]);
    await store.delete('User', copy(a.id));
    expect([await store.members(h.id), await store.groupsOf(a.id)]).toEqual([[], []]);
  });
});

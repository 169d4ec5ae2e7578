// The Store contract (src/store/store.ts), run unchanged against every backend: memory, SQLite and
// PostgreSQL. Expected results are written out (helpers/query-cases.ts) and, for a broad sweep of
// query shapes, compared with the reference memory store holding the same data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScimError } from '../../src/errors.ts';
import { parseFilter } from '../../src/filter/index.ts';
import { parseSort } from '../../src/query/sort.ts';
import type { SchemaRegistry } from '../../src/schema/registry.ts';
import { MemoryStore } from '../../src/store/memory/memory-store.ts';
import type { PageSpec, Store, StoreQuery } from '../../src/store/store.ts';
import { BACKENDS, testRegistry, type OpenStore } from './helpers/backends.ts';
import { GROUPS, loadDataset, USERS, type Fixture } from './helpers/dataset.ts';
import { FILTER_CASES, INVALID_FILTERS, SORT_CASES } from './helpers/query-cases.ts';
import { ID_SORTS, SWEEP_FILTERS, SWEEP_SORTS } from './helpers/sweep.ts';

const ALL: PageSpec = { kind: 'index', offset: 0, limit: 1000 };

async function rejection(p: Promise<unknown>): Promise<ScimError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected a ScimError').toBeInstanceOf(ScimError);
  return err as ScimError;
}

const user = (userName: string, extra: Record<string, unknown> = {}) => ({ userName, ...extra });
let seq = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++seq}`;

describe.each(BACKENDS)('store contract: $name', (backend) => {
  let registry: SchemaRegistry;
  beforeAll(async () => {
    registry = await testRegistry();
  });

  describe.skipIf(backend.skip)('writes', () => {
    let open: OpenStore;
    let store: Store;
    beforeAll(async () => {
      open = await backend.open(registry);
      store = open.store;
    });
    afterAll(() => open?.dispose());

    it('create, get, replace and delete; data comes back as written', async () => {
      const data = {
        userName: unique('crud'),
        name: { givenName: 'Zoë', familyName: "O'Brien" },
        active: false,
        nickName: '',
        emails: [{ value: 'b@x.test', type: 'home' }, { value: 'a@x.test', type: 'work', primary: true }],
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: '42', manager: { value: 'm' } },
      };
      const created = await store.create('User', data);
      expect(created).toMatchObject({ resourceType: 'User', data, lastModified: created.created });
      expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(created.version).toMatch(/^W\/".+"$/);
      expect(await store.get('User', created.id)).toEqual(created);
      expect(await store.get('Group', created.id)).toBeUndefined();
      expect(await store.typeOf(created.id)).toBe('User');

      const changed = { ...data, nickName: 'z', active: true };
      const replaced = await store.replace('User', created.id, changed);
      expect(replaced).toMatchObject({ id: created.id, created: created.created, data: changed });
      expect(replaced.version).not.toBe(created.version);
      expect(Date.parse(replaced.lastModified)).toBeGreaterThanOrEqual(Date.parse(created.lastModified));
      expect(await store.get('User', created.id)).toEqual(replaced);

      await store.delete('User', created.id);
      expect(await store.get('User', created.id)).toBeUndefined();
      expect(await store.typeOf(created.id)).toBeUndefined();
    });

    it('absent resources: get is undefined, replace and delete are 404', async () => {
      expect(await store.get('User', 'nope')).toBeUndefined();
      expect(await store.typeOf('nope')).toBeUndefined();
      expect((await rejection(store.replace('User', 'nope', user('x')))).status).toBe(404);
      expect((await rejection(store.delete('User', 'nope'))).status).toBe(404);
      const g = await store.create('Group', { displayName: 'typed' });
      expect((await rejection(store.delete('User', g.id))).status).toBe(404);
    });

    it('count follows creates and deletes, per resource type', async () => {
      const before = await store.count('User');
      const groups = await store.count('Group');
      const a = await store.create('User', user(unique('count')));
      await store.create('User', user(unique('count')));
      expect(await store.count('User')).toBe(before + 2);
      await store.delete('User', a.id);
      expect(await store.count('User')).toBe(before + 1);
      expect(await store.count('Group')).toBe(groups);
    });

    describe('uniqueness', () => {
      it('userName is unique case-insensitively: 409 uniqueness, nothing written', async () => {
        const name = unique('Taken');
        await store.create('User', user(name));
        const count = await store.count('User');
        const err = await rejection(store.create('User', user(name.toUpperCase())));
        expect([err.status, err.scimType, err.message]).toEqual([409, 'uniqueness', `userName "${name.toUpperCase()}" is already taken`]);
        expect(await store.count('User')).toBe(count);
      });

      it('a replace onto a taken userName is 409 and changes nothing; keeping one\'s own is fine', async () => {
        const a = await store.create('User', user(unique('a')));
        const b = await store.create('User', user(unique('b'), { title: 'before' }));
        const err = await rejection(store.replace('User', b.id, user(String(a.data.userName).toUpperCase(), { title: 'after' })));
        expect([err.status, err.scimType]).toEqual([409, 'uniqueness']);
        expect(await store.get('User', b.id)).toEqual(b);
        const renamed = await store.replace('User', b.id, user(String(b.data.userName).toUpperCase()));
        expect(renamed.data.userName).toBe(String(b.data.userName).toUpperCase());
      });

      it('a deleted user\'s userName is free again; displayName is not unique', async () => {
        const name = unique('free');
        const a = await store.create('User', user(name));
        await store.delete('User', a.id);
        await store.create('User', user(name));
        await store.create('Group', { displayName: 'Same' });
        await store.create('Group', { displayName: 'Same' });
      });

      it('values of any length are indexed: a 200 KB userName, email and group name', async () => {
        const long = `${unique('long')}-${'é'.repeat(100_000)}`;
        const u = await store.create('User', user(long, { emails: [{ value: long }] }));
        const g = await store.create('Group', { displayName: long });
        expect((await rejection(store.create('User', user(long.toUpperCase())))).status).toBe(409);
        const page = { kind: 'index', offset: 0, limit: 10 } as const;
        for (const f of [`userName eq "${long.toUpperCase()}"`, `emails eq "${long}"`]) {
          expect((await store.query('User', { filter: parseFilter(f, { maxLength: 1_000_000 }), page })).resources.map((r) => r.id)).toEqual([u.id]);
        }
        const groups = await store.query('Group', { filter: parseFilter(`displayName eq "${long}"`, { maxLength: 1_000_000 }), page });
        expect(groups.resources.map((r) => r.id)).toEqual([g.id]);
      });

      it('concurrent creates of one userName: exactly one succeeds, the others are 409', async () => {
        const name = unique('race');
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) => store.create('User', user(i % 2 ? name.toUpperCase() : name))),
        );
        const ok = results.filter((r) => r.status === 'fulfilled');
        const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(ok).toHaveLength(1);
        expect(failed.map((r) => [r.reason.status, r.reason.scimType])).toEqual(Array(7).fill([409, 'uniqueness']));
      });
    });

    describe('compare-and-set on the version (If-Match)', () => {
      it('the current version (weak or strong spelling, or *) is accepted', async () => {
        const a = await store.create('User', user(unique('cas')));
        const b = await store.replace('User', a.id, user(String(a.data.userName), { title: '1' }), undefined, { ifMatch: [a.version] });
        const c = await store.replace('User', a.id, user(String(a.data.userName), { title: '2' }), undefined, {
          ifMatch: ['W/"other"', b.version.slice(2)],
        });
        await store.replace('User', a.id, user(String(a.data.userName), { title: '3' }), undefined, { ifMatch: ['*'] });
        expect(c.data.title).toBe('2');
        expect((await store.get('User', a.id))!.data.title).toBe('3');
      });

      it('a stale version is 412 and nothing changes (data, version, membership)', async () => {
        const u = await store.create('User', user(unique('m')));
        const g = await store.create('Group', { displayName: 'cas' });
        const current = await store.replace('Group', g.id, { displayName: 'cas 2' });
        const err = await rejection(
          store.replace('Group', g.id, { displayName: 'stale' }, { add: [{ value: u.id, type: 'User' }] }, { ifMatch: [g.version] }),
        );
        expect(err.status).toBe(412);
        expect(await store.get('Group', g.id)).toEqual(current);
        expect(await store.members(g.id)).toEqual([]);
        expect((await rejection(store.delete('Group', g.id, { ifMatch: [g.version] }))).status).toBe(412);
        expect(await store.get('Group', g.id)).toEqual(current);
        await store.delete('Group', g.id, { ifMatch: [current.version] });
        expect(await store.get('Group', g.id)).toBeUndefined();
      });

      it('404 comes before 412, and 412 before 409', async () => {
        expect((await rejection(store.replace('User', 'nope', user('x'), undefined, { ifMatch: ['W/"1"'] }))).status).toBe(404);
        const a = await store.create('User', user(unique('p')));
        const b = await store.create('User', user(unique('p')));
        const err = await rejection(store.replace('User', b.id, user(String(a.data.userName)), undefined, { ifMatch: ['W/"old"'] }));
        expect(err.status).toBe(412);
      });

      it('concurrent conditional replaces from one version: exactly one wins', async () => {
        const a = await store.create('User', user(unique('race'), { title: '0' }));
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) =>
            store.replace('User', a.id, user(String(a.data.userName), { title: String(i + 1) }), undefined, { ifMatch: [a.version] }),
          ),
        );
        const ok = results.filter((r): r is PromiseFulfilledResult<any> => r.status === 'fulfilled');
        expect(ok).toHaveLength(1);
        expect(results.filter((r) => r.status === 'rejected').map((r: any) => r.reason.status)).toEqual(Array(7).fill(412));
        expect(await store.get('User', a.id)).toEqual(ok[0].value);
      });
    });

    describe('membership', () => {
      async function users(n: number) {
        const out = [];
        for (let i = 0; i < n; i++) out.push(await store.create('User', user(unique('mem'))));
        return out;
      }
      const m = (r: { id: string }, display?: string) => ({ value: r.id, type: 'User' as const, ...(display ? { display } : {}) });

      it('members in the order added, isMember, groupsOf; add/remove/replace keep that order', async () => {
        const [a, b, c, d] = await users(4);
        const g = await store.create('Group', { displayName: 'ordered' }, [m(a, 'A'), m(b)]);
        const h = await store.create('Group', { displayName: 'other' }, [m(b)]);
        expect(await store.members(g.id)).toEqual([m(a, 'A'), m(b)]);
        expect([await store.isMember(g.id, a.id), await store.isMember(g.id, c.id), await store.isMember(h.id, a.id)]).toEqual([
          true,
          false,
          false,
        ]);
        expect(await store.groupsOf(b.id)).toEqual([g.id, h.id]);

        await store.replace('Group', g.id, g.data, { add: [m(c), m(a, 'again')] });
        expect(await store.members(g.id)).toEqual([m(a, 'A'), m(b), m(c)]); // an existing member keeps its place
        await store.replace('Group', g.id, g.data, { remove: [a.id, d.id], add: [m(a)] });
        expect(await store.members(g.id)).toEqual([m(b), m(c), m(a)]); // remove applies first
        await store.replace('Group', g.id, g.data, { replace: [m(d), m(b)] });
        expect(await store.members(g.id)).toEqual([m(d), m(b)]);
        expect(await store.groupsOf(b.id)).toEqual([h.id, g.id]); // re-added by the replace: now last
        expect(await store.groupsOf(a.id)).toEqual([]);
        await store.replace('Group', g.id, { displayName: 'renamed' });
        expect(await store.members(g.id)).toEqual([m(d), m(b)]); // no membership change: kept
        expect(await store.members('nope')).toEqual([]);
      });

      it('deleting a user removes it from every group; deleting a group removes its memberships', async () => {
        const [a, b] = await users(2);
        const inner = await store.create('Group', { displayName: 'inner' }, [m(a), m(b)]);
        const outer = await store.create('Group', { displayName: 'outer' }, [{ value: inner.id, type: 'Group' }, m(a)]);
        await store.delete('User', a.id);
        expect(await store.members(inner.id)).toEqual([m(b)]);
        expect(await store.members(outer.id)).toEqual([{ value: inner.id, type: 'Group' }]);
        expect(await store.isMember(inner.id, a.id)).toBe(false);
        expect(await store.groupsOf(a.id)).toEqual([]);
        await store.delete('Group', inner.id);
        expect(await store.members(outer.id)).toEqual([]);
        expect(await store.members(inner.id)).toEqual([]);
        expect(await store.groupsOf(b.id)).toEqual([]);
        expect(await store.typeOf(outer.id)).toBe('Group');
      });
    });

    it('ping resolves; close may be called twice', async () => {
      await store.ping();
      const other = await backend.open(registry);
      await other.store.close();
      await other.store.close();
      await other.dispose();
    });
  });

  describe.skipIf(backend.skip)('queries', () => {
    let open: OpenStore;
    let store: Store;
    let fx: Fixture;
    let reference: MemoryStore;
    let ref: Fixture;
    beforeAll(async () => {
      open = await backend.open(registry);
      store = open.store;
      fx = await loadDataset(store);
      reference = new MemoryStore(registry);
      ref = await loadDataset(reference);
    });
    afterAll(() => open?.dispose());

    const rt = (type: string) => registry.requireResourceType(type);
    const run = async (s: Store, f: Fixture, type: string, query: Partial<StoreQuery>) => {
      const result = await s.query(type, { page: ALL, ...query });
      return { total: result.totalResults, handles: result.resources.map((r) => f.handleOf(r.id)), next: result.next };
    };

    it.each(FILTER_CASES.map((c) => [typeof c.filter === 'string' ? c.filter : c.filter.toString(), c] as const))(
      'filter %s',
      async (_, c) => {
        const text = typeof c.filter === 'string' ? c.filter : c.filter(fx);
        const type = c.users ? 'User' : 'Group';
        const want = (c.users ?? c.groups)!;
        const got = await run(store, fx, type, { filter: parseFilter(text) });
        expect(got.handles).toEqual(want);
        expect(got.total).toBe(want.length);
        // The same list paged: the second and third match.
        const page = await run(store, fx, type, { filter: parseFilter(text), page: { kind: 'index', offset: 1, limit: 2 } });
        expect([page.handles, page.total]).toEqual([want.slice(1, 3), want.length]);
      },
    );

    it.each(INVALID_FILTERS.map((c) => [c.filter, c] as const))('invalid filter %s: the same 400', async (_, c) => {
      const got = await rejection(store.query(c.type, { filter: parseFilter(c.filter), page: ALL }));
      const want = await rejection(reference.query(c.type, { filter: parseFilter(c.filter), page: ALL }));
      expect([got.status, got.scimType, got.message]).toEqual([400, 'invalidFilter', want.message]);
    });

    it.each(SORT_CASES.map((c) => [`${c.type} ${c.sortBy}`, c] as const))('sort by %s', async (_, c) => {
      const sort = parseSort(rt(c.type), c.sortBy, 'ascending')!;
      expect((await run(store, fx, c.type, { sort })).handles).toEqual(c.ascending);
      const desc = { ...sort, descending: true };
      expect((await run(store, fx, c.type, { sort: desc })).handles).toEqual(c.descending ?? [...c.ascending].reverse());
    });

    it.each(ID_SORTS.map((c) => [`${c.type} ${c.sortBy}`, c] as const))('sort by the ids in %s', async (_, c) => {
      const handles: string[] = c.type === 'User' ? [...USERS] : [...GROUPS];
      const keyed = handles.map((h) => ({ h, k: c.key(fx, h) }));
      for (const descending of [false, true]) {
        // Missing keys last ascending, first descending; ties in creation order (a stable sort).
        const want = [...keyed]
          .sort((a, b) =>
            a.k === b.k ? 0 : a.k === undefined ? (descending ? -1 : 1) : b.k === undefined ? (descending ? 1 : -1) : (a.k < b.k) !== descending ? -1 : 1,
          )
          .map((e) => e.h);
        const sort = { ...parseSort(rt(c.type), c.sortBy, 'ascending')!, descending };
        expect((await run(store, fx, c.type, { sort })).handles).toEqual(want);
      }
    });

    it('index paging: offset and limit over the filtered, sorted list; totalResults over all', async () => {
      const page = (offset: number, limit: number, q: Partial<StoreQuery> = {}) =>
        run(store, fx, 'User', { ...q, page: { kind: 'index', offset, limit } });
      expect(await page(0, 3)).toEqual({ total: 9, handles: ['alice', 'bob', 'carol'], next: undefined });
      expect((await page(7, 5)).handles).toEqual(['heidi', 'ivan']);
      expect(await page(20, 5)).toEqual({ total: 9, handles: [], next: undefined });
      expect(await page(0, 0)).toEqual({ total: 9, handles: [], next: undefined });
      const sorted = { filter: parseFilter('title pr'), sort: parseSort(rt('User'), 'title', 'ascending') };
      expect(await page(2, 3, sorted)).toEqual({ total: 7, handles: ['dave', 'grace', 'frank'], next: undefined });
    });

    it('cursor paging: pages follow one another to the end, in creation order or sorted', async () => {
      const walk = async (q: Partial<StoreQuery>, limit: number) => {
        const pages: string[][] = [];
        let after;
        for (let i = 0; i < 20; i++) {
          const got = await run(store, fx, 'User', { ...q, page: { kind: 'cursor', after, limit } });
          expect(got.total).toBe(q.filter ? 7 : 9);
          pages.push(got.handles);
          if (!got.next) break;
          after = got.next;
        }
        return pages;
      };
      expect(await walk({}, 4)).toEqual([['alice', 'bob', 'carol', 'dave'], ['erin', 'frank', 'grace', 'heidi'], ['ivan']]);
      const title = SORT_CASES.find((c) => c.sortBy === 'title')!;
      for (const descending of [false, true]) {
        const sort = { ...parseSort(rt('User'), 'title', 'ascending')!, descending };
        const pages = await walk({ sort }, 2);
        expect(pages.flat()).toEqual(descending ? title.descending : title.ascending);
        expect(pages.map((p) => p.length)).toEqual([2, 2, 2, 2, 1]);
      }
      const filtered = await walk({ filter: parseFilter('title pr'), sort: parseSort(rt('User'), 'title', 'descending') }, 3);
      expect(filtered.flat()).toEqual(['bob', 'ivan', 'frank', 'alice', 'dave', 'grace', 'erin']);
      const empty = await run(store, fx, 'User', { page: { kind: 'cursor', limit: 0 } });
      expect(empty).toEqual({ total: 9, handles: [], next: undefined });
    });

    // The sweep: every filter and sort of helpers/sweep.ts, compared with the reference store.
    it.each(SWEEP_FILTERS.map((group) => [group.name, group] as const))('sweep: filters on %s', async (_, group) => {
      const texts = group.filters(fx);
      const refTexts = group.filters(ref);
      for (const [i, text] of texts.entries()) {
        const refText = refTexts[i];
        const outcome = async (s: Store, f: Fixture, t: string) => {
          try {
            const r = await run(s, f, group.type, { filter: parseFilter(t) });
            // And one page from the middle: paging must apply to the filtered rows.
            const page = await run(s, f, group.type, { filter: parseFilter(t), page: { kind: 'index', offset: 2, limit: 3 } });
            return { total: r.total, handles: r.handles, page: page.handles };
          } catch (err) {
            if (!(err instanceof ScimError)) throw err;
            return { status: err.status, scimType: err.scimType, detail: err.message };
          }
        };
        expect(await outcome(store, fx, text), text).toEqual(await outcome(reference, ref, refText));
      }
    });

    it.each(SWEEP_SORTS.map((s) => [`${s.type} ${s.sortBy}`, s] as const))('sweep: sort by %s, both ways, paged by cursor', async (_, s) => {
      for (const descending of [false, true]) {
        for (const filter of [undefined, s.filter]) {
          const sort = { ...parseSort(rt(s.type), s.sortBy, 'ascending')!, descending };
          const query = { sort, filter: filter ? parseFilter(filter) : undefined };
          const want = await run(reference, ref, s.type, query);
          const got = await run(store, fx, s.type, query);
          expect(got.handles, `${s.sortBy} ${descending ? 'desc' : 'asc'} ${filter ?? ''}`).toEqual(want.handles);
          const page = await run(store, fx, s.type, { ...query, page: { kind: 'index', offset: 2, limit: 3 } });
          expect(page.handles).toEqual(want.handles.slice(2, 5));
          // The same list, three at a time through cursors.
          const pages: string[] = [];
          let after;
          for (let i = 0; i < 20; i++) {
            const page = await run(store, fx, s.type, { ...query, page: { kind: 'cursor', after, limit: 3 } });
            pages.push(...page.handles);
            if (!page.next) break;
            after = page.next;
          }
          expect(pages).toEqual(want.handles);
        }
      }
    });
  });

  describe.skipIf(backend.skip)('cursor paging while the list changes', () => {
    let open: OpenStore;
    let store: Store;
    beforeAll(async () => {
      open = await backend.open(registry);
      store = open.store;
    });
    afterAll(() => open?.dispose());

    it('lookups by an indexed value page like any filter (several resources share the value)', async () => {
      const made = [];
      for (let i = 0; i < 5; i++) {
        made.push(await store.create('User', user(`shared${i}`, { externalId: 'SHARED', emails: [{ value: `x${i}@y` }, { value: 'Shared@Y' }] })));
      }
      const ids = made.map((r) => r.id);
      for (const filter of ['externalId eq "SHARED"', 'emails eq "shared@y"', 'emails[value eq "SHARED@y"] and userName sw "shared"']) {
        const page = await store.query('User', { filter: parseFilter(filter), page: { kind: 'index', offset: 1, limit: 3 } });
        expect([page.totalResults, page.resources.map((r) => r.id)], filter).toEqual([5, ids.slice(1, 4)]);
        const next = await store.query('User', { filter: parseFilter(filter), page: { kind: 'cursor', limit: 2 } });
        const rest = await store.query('User', { filter: parseFilter(filter), page: { kind: 'cursor', after: next.next, limit: 2 } });
        expect([...next.resources, ...rest.resources].map((r) => r.id), filter).toEqual(ids.slice(0, 4));
      }
      for (const r of made) await store.delete('User', r.id);
    });

    it('inserts and deletes elsewhere in the list neither skip nor repeat a resource', async () => {
      const made = [];
      for (let i = 0; i < 6; i++) made.push(await store.create('User', user(`u${i}`, { title: `t${i % 3}` })));
      const sort = parseSort(registry.requireResourceType('User'), 'title', 'ascending');
      const page = (after?: any) => store.query('User', { sort, page: { kind: 'cursor', after, limit: 2 } });
      const first = await page(); // t0: u0 u3
      expect(first.resources.map((r) => r.data.userName)).toEqual(['u0', 'u3']);
      await store.delete('User', made[0].id); // behind the cursor
      await store.create('User', user('early', { title: 't0' })); // ahead: same key, created later
      await store.create('User', user('late', { title: 't9' })); // ahead of it
      const rest = [];
      let next = first.next;
      while (next) {
        const p = await page(next);
        rest.push(...p.resources.map((r) => r.data.userName));
        next = p.next;
      }
      expect(rest).toEqual(['early', 'u1', 'u4', 'u2', 'u5', 'late']);
    });
  });
});

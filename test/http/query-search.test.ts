// Queries with POST (RFC 7644 §3.4.3): a SearchRequest body at /Users/.search and /Groups/.search
// means exactly the equivalent GET, and POST /.search at the root queries Users and Groups together
// ("all resources within the server SHALL be included, subject to filtering", §3.4.2.1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectScimError, startApp, type ScimTestClient, type TestApp } from '../helpers/scim-app.ts';
import { filterPath, handlesOf, q, SEARCH_REQUEST_URN, seedDirectory, type Directory } from '../helpers/query-fixtures.ts';

let app: TestApp;
let client: ScimTestClient;
let dir: Directory;

beforeAll(async () => {
  // nothing is created after the seed: 12 users (11 with a displayName) and 4 groups
  app = await startApp();
  client = app.client;
  dir = await seedDirectory(client);
});
afterAll(() => app.close());

type Search = Record<string, string | number | string[]>;

/** The GET query string equivalent to a SearchRequest body. */
function toQuery(search: Search): string {
  return Object.entries(search)
    .map(([k, v]) => `${k}=${q(Array.isArray(v) ? v.join(',') : String(v))}`)
    .join('&');
}

const search = (endpoint: string, body: Search) => client.post(`${endpoint}/.search`, { schemas: [SEARCH_REQUEST_URN], ...body });
const rootSearch = (body: Search) => client.post('/.search', { schemas: [SEARCH_REQUEST_URN], ...body });
const typesOf = (body: { Resources: { meta?: { resourceType: string }; schemas: string[] }[] }) =>
  body.Resources.map((r) => (r.schemas.some((s) => s.endsWith(':Group')) ? 'Group' : 'User'));
const displayNames = (body: { Resources: { displayName?: string }[] }) => body.Resources.map((r) => r.displayName);

describe('POST /{type}/.search answers like the equivalent GET', () => {
  const userSearches: [string, Search][] = [
    ['a filter', { filter: 'active eq true' }],
    [
      'filter, sort and a page',
      { filter: 'emails[type eq "work"]', sortBy: 'name.familyName', sortOrder: 'descending', startIndex: 2, count: 3 },
    ],
    ['attributes and a sort', { attributes: ['userName', 'emails.value'], sortBy: 'userName', count: 5 }],
    ['excludedAttributes', { filter: 'groups pr', excludedAttributes: ['groups', 'meta'] }],
    ['no parameters', {}],
    ['nothing matching', { filter: 'userName eq "nobody"' }],
  ];

  it.each(userSearches)('/Users: %s', async (_label, body) => {
    const post = await search('/Users', body);
    const get = await client.get(`/Users?${toQuery(body)}`);
    expect(post.status, post.text).toBe(200);
    expect(get.status, get.text).toBe(200);
    expect(post.body).toEqual(get.body);
  });

  const groupSearches: [string, (d: Directory) => Search][] = [
    ['displayName lookup without members', () => ({ filter: 'displayName eq "sales"', excludedAttributes: ['members'] })],
    ['sorted, projected', () => ({ sortBy: 'displayName', sortOrder: 'descending', attributes: ['displayName', 'members.value'] })],
    ['membership filter', (d) => ({ filter: `members.value eq "${d.users.bob.id}"` })],
  ];

  it.each(groupSearches)('/Groups: %s', async (_label, make) => {
    const body = make(dir);
    const post = await search('/Groups', body);
    const get = await client.get(`/Groups?${toQuery(body)}`);
    expect(post.status, post.text).toBe(200);
    expect(post.body).toEqual(get.body);
    expect(post.body.totalResults).toBeGreaterThan(0);
  });

  it('the same errors as GET: unknown attribute and syntax error -> 400 invalidFilter', async () => {
    for (const filter of ['shoeSize eq 42', 'userName eq "x" and (', 'active gt true']) {
      const post = await search('/Users', { filter });
      const get = await client.get(filterPath('/Users', filter));
      expectScimError(post, 400, 'invalidFilter');
      expectScimError(get, 400, 'invalidFilter');
      expect(post.body.detail).toBe(get.body.detail);
    }
  });

  it('a filter longer than 10 KB -> 400 invalidFilter, as with GET', async () => {
    const filter = `userName eq "${'z'.repeat(10_300)}"`;
    expectScimError(await client.get(filterPath('/Users', filter)), 400, 'invalidFilter');
    const res = await search('/Users', { filter });
    expectScimError(res, 400, 'invalidFilter');
    expect(res.text.length).toBeLessThan(1000);
  });

  it('SearchRequest keys in another case are accepted (RFC 7643 §2.1)', async () => {
    const canonical = await search('/Users', { filter: 'title pr', sortBy: 'userName', sortOrder: 'descending', startIndex: 2, count: 3, attributes: ['userName'] });
    const shouted = await client.post('/Users/.search', {
      Schemas: [SEARCH_REQUEST_URN],
      Filter: 'title pr',
      SortBy: 'userName',
      SORTORDER: 'descending',
      StartIndex: 2,
      count: 3,
      Attributes: ['userName'],
    });
    expect(shouted.status, shouted.text).toBe(200);
    expect(shouted.body).toEqual(canonical.body);
    expect(shouted.body).toMatchObject({ totalResults: 8, startIndex: 2, itemsPerPage: 3 });
  });
});

describe('POST /.search at the root', () => {
  it('a filter on displayName matches users and groups; totalResults is the sum over types', async () => {
    const res = await rootSearch({ filter: 'displayName sw "a"' });
    expect(res.status, res.text).toBe(200);
    const users = await client.get(filterPath('/Users', 'displayName sw "a"'));
    const groups = await client.get(filterPath('/Groups', 'displayName sw "a"'));
    expect(res.body.totalResults).toBe(users.body.totalResults + groups.body.totalResults);
    expect(res.body.totalResults).toBe(3);
    expect(handlesOf(dir, res.body).sort()).toEqual(['admins', 'alice', 'allStaff']);
    expect(new Set(typesOf(res.body))).toEqual(new Set(['User', 'Group']));
    for (const r of res.body.Resources) expect(r.meta.location).toContain(r.meta.resourceType === 'User' ? '/Users/' : '/Groups/');
  });

  it('sortBy=displayName merges both types into one order (case-insensitive)', async () => {
    const res = await rootSearch({ filter: 'displayName pr', sortBy: 'displayName', count: 100 });
    expect(res.status, res.text).toBe(200);
    expect(res.body.totalResults).toBe(15);
    const names = displayNames(res.body);
    expect(names).toEqual([
      'Admins',
      'Alice Anders',
      'All Staff',
      'Bob Baker',
      'Carol Chen',
      'Dave Dunn',
      'Engineering',
      'erin evans',
      'Frank Foster',
      'Grace Green',
      'Ivan Ito',
      'Judy Jones',
      'Mallory Moore',
      'Oscar Owens',
      'Sales',
    ]);
    expect(typesOf(res.body).slice(0, 4)).toEqual(['Group', 'User', 'Group', 'User']);
    const desc = await rootSearch({ filter: 'displayName pr', sortBy: 'displayName', sortOrder: 'DESCENDING', count: 100 });
    expect(displayNames(desc.body)).toEqual([...names].reverse());
  });

  it('resources without the sort attribute come last (heidi has no displayName)', async () => {
    const res = await rootSearch({ sortBy: 'displayName', count: 100 });
    expect(res.body.totalResults).toBe(16);
    expect(handlesOf(dir, res.body).at(-1)).toBe('heidi');
  });

  it('sortBy a User-only attribute: groups have no value, so they come last ascending and first descending', async () => {
    const asc = await rootSearch({ sortBy: 'userName', count: 100 });
    expect(typesOf(asc.body)).toEqual([...Array(12).fill('User'), ...Array(4).fill('Group')]);
    expect(handlesOf(dir, asc.body).slice(0, 3)).toEqual(['alice', 'bob', 'carol']);
    const desc = await rootSearch({ sortBy: 'userName', sortOrder: 'descending', count: 100 });
    expect(typesOf(desc.body)).toEqual([...Array(4).fill('Group'), ...Array(12).fill('User')]);
    expect(handlesOf(dir, desc.body).slice(4, 7)).toEqual(['oscar', 'mallory', 'judy']);
  });

  it.each([
    ['unsorted', {}],
    ['sorted', { sortBy: 'displayName' }],
    ['sorted descending', { sortBy: 'displayName', sortOrder: 'descending' }],
  ])('index paging crosses the boundary between types (%s)', async (_label, sort) => {
    const whole = await rootSearch({ ...sort, count: 100 });
    expect(whole.body.totalResults).toBe(16);
    const all = handlesOf(dir, whole.body);
    const paged: string[] = [];
    let mixed = false;
    // pages of 5: with 12 users then 4 groups, the third page holds both types even unsorted
    for (let start = 1; start <= 16; start += 5) {
      const page = await rootSearch({ ...sort, startIndex: start, count: 5 });
      expect(page.status, page.text).toBe(200);
      expect(page.body).toMatchObject({ totalResults: 16, startIndex: start, itemsPerPage: Math.min(5, 17 - start) });
      if (new Set(typesOf(page.body)).size === 2) mixed = true;
      paged.push(...handlesOf(dir, page.body));
    }
    expect(paged).toEqual(all);
    expect(mixed).toBe(true);
  });

  it('the page straddling the last user and the first group (unsorted: Users, then Groups)', async () => {
    const res = await rootSearch({ startIndex: 11, count: 4 });
    expect(handlesOf(dir, res.body)).toEqual(['mallory', 'oscar', 'engineering', 'sales']);
    expect(res.body).toMatchObject({ totalResults: 16, startIndex: 11, itemsPerPage: 4 });
  });

  it('a filter naming a User-only attribute returns just users rather than failing', async () => {
    const res = await rootSearch({ filter: 'userName sw "b"' });
    expect(res.status, res.text).toBe(200);
    expect(handlesOf(dir, res.body)).toEqual(['bob']);
    const emails = await rootSearch({ filter: 'emails[type eq "home"]' });
    expect(handlesOf(dir, emails.body)).toEqual(['alice', 'bob', 'heidi', 'oscar']);
  });

  it('meta.resourceType narrows a root search to one type (RFC 7644 §3.4.2.1)', async () => {
    const res = await rootSearch({ filter: 'meta.resourceType eq "Group"', count: 100 });
    expect(res.body.totalResults).toBe(4);
    expect(new Set(typesOf(res.body))).toEqual(new Set(['Group']));
  });

  it('an "or" across a User-only and a common attribute matches groups too', async () => {
    const res = await rootSearch({ filter: 'userName eq "dave" or displayName eq "Sales"' });
    expect(res.status, res.text).toBe(200);
    expect(handlesOf(dir, res.body).sort()).toEqual(['dave', 'sales']);
  });

  it('an attribute unknown to every type -> 400 invalidFilter', async () => {
    const res = await rootSearch({ filter: 'shoeSize gt 40' });
    expectScimError(res, 400, 'invalidFilter');
    expect(res.body.detail).toContain('shoeSize');
    expectScimError(await rootSearch({ filter: 'displayName eq "x" and (' }), 400, 'invalidFilter');
  });

  it('SearchRequest keys in another case (Filter, StartIndex, Count, SortBy)', async () => {
    const canonical = await rootSearch({ filter: 'displayName pr', startIndex: 3, count: 4, sortBy: 'displayName' });
    const other = await client.post('/.search', { Filter: 'displayName pr', StartIndex: 3, COUNT: 4, SortBy: 'displayName' });
    expect(other.status, other.text).toBe(200);
    expect(other.body).toEqual(canonical.body);
    expect(displayNames(other.body)).toEqual(['All Staff', 'Bob Baker', 'Carol Chen', 'Dave Dunn']);
  });

  it('invalid sort parameters -> 400', async () => {
    expectScimError(await rootSearch({ sortBy: 'shoeSize' }), 400);
    expectScimError(await rootSearch({ sortBy: 'displayName', sortOrder: 'random' }), 400);
  });

  it('cursor paging is not offered at the root -> 400 (documented limitation)', async () => {
    expectScimError(await rootSearch({ cursor: '' }), 400);
    expectScimError(await rootSearch({ cursor: '', count: 2, filter: 'displayName pr' }), 400);
  });
});

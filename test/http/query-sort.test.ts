// Sorting over HTTP (RFC 7644 §3.4.2.3): sortBy names one attribute (a sub-attribute, a
// multi-valued attribute's primary-or-first value, a dateTime, an extension path); strings compare
// case-insensitively unless caseExact; resources without a value come last when ascending and first
// when descending; resources with equal keys keep creation order, so paging a sorted list is stable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE_URN, expectScimError, startApp, type ScimTestClient, type TestApp } from '../helpers/scim-app.ts';
import { handlesOf, HANDLES, q, seedDirectory, type Directory } from '../helpers/query-fixtures.ts';

let app: TestApp;
let client: ScimTestClient;
let dir: Directory;

beforeAll(async () => {
  // this file creates nothing after the seed, so /Users holds exactly the twelve users
  app = await startApp();
  client = app.client;
  dir = await seedDirectory(client);
});
afterAll(() => app.close());

async function sorted(endpoint: string, query: string): Promise<string[]> {
  const res = await client.get(`${endpoint}?${query}&count=100`);
  expect(res.status, res.text).toBe(200);
  expect(res.body.totalResults).toBe(res.body.Resources.length);
  return handlesOf(dir, res.body);
}
const users = (query: string) => sorted('/Users', query);

describe('sortBy', () => {
  it('userName, case-insensitively ("alice..." before "Bob...", "dave" before "Erin...")', async () => {
    const ascending = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'oscar'];
    expect(await users('sortBy=userName')).toEqual(ascending);
    expect(await users('sortBy=userName&sortOrder=descending')).toEqual([...ascending].reverse());
  });

  it('a sub-attribute: name.familyName ("green" sorts among the capitalised names; no familyName last)', async () => {
    const ascending = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'ivan', 'judy', 'mallory', 'oscar'];
    expect(await users('sortBy=name.familyName')).toEqual([...ascending, 'heidi']);
    expect(await users('sortBy=name.familyName&sortOrder=descending')).toEqual(['heidi', ...[...ascending].reverse()]);
  });

  it('attribute names in sortBy are case-insensitive (RFC 7643 §2.1)', async () => {
    expect(await users('sortBy=NAME.FAMILYNAME')).toEqual(await users('sortBy=name.familyName'));
    expect(await users(`sortBy=${q(`${ENTERPRISE_URN.toUpperCase()}:EMPLOYEENUMBER`)}`)).toEqual(
      await users(`sortBy=${q(`${ENTERPRISE_URN}:employeeNumber`)}`),
    );
  });

  it('a multi-valued attribute sorts by its primary value, else its first (emails)', async () => {
    // oscar's primary email "aaa.oscar@..." is his second; bob's primary "bob.baker@..." is his second
    // (his first, "zz.bob@...", would put him last); frank has no email at all
    const ascending = ['oscar', 'alice', 'bob', 'carol', 'dave', 'erin', 'grace', 'heidi', 'ivan', 'judy', 'mallory'];
    expect(await users('sortBy=emails')).toEqual([...ascending, 'frank']);
    expect(await users('sortBy=emails.value')).toEqual([...ascending, 'frank']);
    expect(await users('sortBy=emails&sortOrder=descending')).toEqual(['frank', ...[...ascending].reverse()]);
  });

  it('meta.created (dateTime, chronological)', async () => {
    expect(await users('sortBy=meta.created')).toEqual(HANDLES);
    expect(await users('sortBy=meta.created&sortOrder=descending')).toEqual([...HANDLES].reverse());
  });

  it('an enterprise extension path (URN-qualified): employeeNumber', async () => {
    const path = q(`${ENTERPRISE_URN}:employeeNumber`);
    const numbered = ['erin', 'ivan', 'bob', 'grace', 'alice', 'carol']; // 0001, 0002, 0003, 0005, 0007, 0011
    const without = ['dave', 'frank', 'heidi', 'judy', 'mallory', 'oscar'];
    expect(await users(`sortBy=${path}`)).toEqual([...numbered, ...without]);
    expect(await users(`sortBy=${path}&sortOrder=descending`)).toEqual([...without, ...[...numbered].reverse()]);
  });

  it('displayName on /Groups', async () => {
    expect(await sorted('/Groups', 'sortBy=displayName')).toEqual(['admins', 'allStaff', 'engineering', 'sales']);
    expect(await sorted('/Groups', 'sortBy=displayName&sortOrder=descending')).toEqual([
      'sales',
      'engineering',
      'allStaff',
      'admins',
    ]);
  });
  it('sortBy on the derived groups attribute (groups.display) orders by the first group shown', async () => {
    const res = await client.get('/Users?count=100&attributes=groups');
    const firstGroup = new Map<string, string | undefined>(
      res.body.Resources.map((u: { id: string; groups?: { display: string }[] }) => [dir.handleOf(u.id), u.groups?.[0]?.display]),
    );
    const key = (h: string) => firstGroup.get(h)?.toLowerCase();
    const expected = [...HANDLES].sort((a, b) => {
      const [ka, kb] = [key(a), key(b)];
      if (ka === kb) return 0; // Array.prototype.sort is stable: creation order
      if (ka === undefined) return 1;
      if (kb === undefined) return -1;
      return ka < kb ? -1 : 1;
    });
    expect(expected.slice(0, 2)).toEqual(['dave', 'frank']); // Admins, All Staff
    expect(await users('sortBy=groups.display')).toEqual(expected);
  });
});

describe('sortOrder', () => {
  it('is case-insensitive (DESCENDING, Ascending)', async () => {
    const descending = await users('sortBy=userName&sortOrder=descending');
    expect(await users('sortBy=userName&sortOrder=DESCENDING')).toEqual(descending);
    expect(await users('sortBy=userName&sortOrder=Descending')).toEqual(descending);
    expect(await users('sortBy=userName&sortOrder=Ascending')).toEqual(await users('sortBy=userName'));
  });

  it('defaults to ascending', async () => {
    expect(await users('sortBy=userName')).toEqual(await users('sortBy=userName&sortOrder=ascending'));
  });
});

describe('stability and missing values', () => {
  it('equal keys keep creation order, whatever their case ("Engineer", "engineer")', async () => {
    expect(await users('sortBy=title')).toEqual([
      'heidi', // Analyst
      'mallory', // Contractor
      'erin', // Director
      'alice', // Engineer
      'dave', // engineer
      'grace', // Engineer
      'bob', // Manager
      'judy', // Manager
      'carol', // no title, in creation order
      'frank',
      'ivan',
      'oscar',
    ]);
    expect(await users(`sortBy=${q(`${ENTERPRISE_URN}:department`)}`)).toEqual([
      'alice', // Engineering
      'carol',
      'ivan',
      'bob', // Sales
      'erin',
      'frank', // Support
      'dave', // no department
      'grace',
      'heidi',
      'judy',
      'mallory',
      'oscar',
    ]);
  });

  it('resources without a value come last ascending and first descending', async () => {
    expect(await users('sortBy=title&sortOrder=descending')).toEqual([
      'carol', // no title
      'frank',
      'ivan',
      'oscar',
      'bob', // Manager
      'judy',
      'alice', // Engineer
      'dave',
      'grace',
      'erin', // Director
      'mallory', // Contractor
      'heidi', // Analyst
    ]);
  });

  it('booleans: false before true, ties in creation order', async () => {
    expect(await users('sortBy=active')).toEqual([
      'bob',
      'erin',
      'judy',
      ...HANDLES.filter((h) => !['bob', 'erin', 'judy'].includes(h)),
    ]);
  });

  it('the same sorted query gives the same order every time', async () => {
    const first = await users('sortBy=title');
    for (let i = 0; i < 3; i++) expect(await users('sortBy=title')).toEqual(first);
  });
});

describe('sorting with filters and paging', () => {
  it('sorts the filtered set, then pages it', async () => {
    const all = await users(`filter=${q('active eq true')}&sortBy=title`);
    expect(all).toEqual(['heidi', 'mallory', 'alice', 'dave', 'grace', 'carol', 'frank', 'ivan', 'oscar']);
    const res = await client.get(`/Users?filter=${q('active eq true')}&sortBy=title&startIndex=3&count=4`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ totalResults: 9, startIndex: 3, itemsPerPage: 4 });
    expect(handlesOf(dir, res.body)).toEqual(all.slice(2, 6));
  });

  it('pages of a sorted list concatenate to the whole list (no duplicates, no gaps)', async () => {
    const whole = await users('sortBy=title&sortOrder=descending');
    const pages: string[] = [];
    for (let start = 1; start <= whole.length; start += 5) {
      const res = await client.get(`/Users?sortBy=title&sortOrder=descending&startIndex=${start}&count=5`);
      expect(res.status).toBe(200);
      pages.push(...handlesOf(dir, res.body));
    }
    expect(pages).toEqual(whole);
  });
});

describe('invalid sort parameters', () => {
  it('an unknown sortOrder -> 400', async () => {
    const res = await client.get('/Users?sortBy=userName&sortOrder=upwards');
    expectScimError(res, 400);
    expect(res.body.detail).toContain('sortOrder');
  });

  it('an unknown sortBy attribute -> 400 naming it', async () => {
    const res = await client.get('/Users?sortBy=shoeSize');
    expectScimError(res, 400);
    expect(res.body.detail).toContain('shoeSize');
    expectScimError(await client.get('/Groups?sortBy=userName'), 400);
    expectScimError(await client.get('/Users?sortBy=name.nickname'), 400);
  });

  it('the same errors through POST /Users/.search', async () => {
    expectScimError(await client.post('/Users/.search', { sortBy: 'shoeSize' }), 400);
    expectScimError(await client.post('/Users/.search', { sortBy: 'userName', sortOrder: 'sideways' }), 400);
  });
});

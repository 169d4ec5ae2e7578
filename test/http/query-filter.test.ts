// Filtering over HTTP (RFC 7644 §3.4.2.2) on /Users and /Groups, against a seeded directory, the
// way identity providers query: Okta and Entra ID look users up by userName, externalId and
// emails, and groups by displayName; admins filter on status, dates and membership.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE_URN, expectScimError, startApp, USER_URN, type ScimTestClient, type TestApp } from '../helpers/scim-app.ts';
import { filterPath, HANDLES, handlesOf, LIST_RESPONSE_URN, seedDirectory, userBody, type Directory } from '../helpers/query-fixtures.ts';

let app: TestApp;
let client: ScimTestClient;
let dir: Directory;
/** Set between creation and the two updates below: only judy and oscar were modified after it. */
let modifiedMark: string;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  app = await startApp();
  client = app.client;
  dir = await seedDirectory(client);
  await sleep(5);
  modifiedMark = new Date().toISOString();
  await sleep(5);
  for (const handle of ['judy', 'oscar'] as const) {
    const res = await client.put(`/Users/${dir.users[handle].id}`, { ...userBody(handle), nickName: 'updated' });
    expect(res.status, res.text).toBe(200);
  }
});
afterAll(() => app.close());

/** Handles of the users matching `filter`, in order (creation order: no sortBy). */
async function users(filter: string, extra = 'count=100'): Promise<string[]> {
  const res = await client.get(filterPath('/Users', filter, extra));
  expect(res.status, res.text).toBe(200);
  expect(res.body.totalResults).toBe(res.body.Resources.length);
  return handlesOf(dir, res.body);
}

async function groups(filter: string, extra = 'count=100'): Promise<string[]> {
  const res = await client.get(filterPath('/Groups', filter, extra));
  expect(res.status, res.text).toBe(200);
  expect(res.body.totalResults).toBe(res.body.Resources.length);
  return handlesOf(dir, res.body);
}

describe('lookups identity providers send', () => {
  it('userName eq is case-insensitive (Okta: userName eq "X@EXAMPLE.COM")', async () => {
    expect(await users('userName eq "BOB.BAKER@EXAMPLE.COM"')).toEqual(['bob']);
    expect(await users('userName eq "carol.chen@example.com"')).toEqual(['carol']);
    expect(await users('userName eq "Dave"')).toEqual(['dave']);
  });

  it('an Entra lookup that matches nothing is 200 with totalResults 0 and Resources: []', async () => {
    const res = await client.get(filterPath('/Users', 'userName eq "nobody@example.com"'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      schemas: [LIST_RESPONSE_URN],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
  });

  it('externalId eq is case-sensitive (externalId is caseExact)', async () => {
    expect(await users('externalId eq "EXT-003"')).toEqual(['carol']);
    expect(await users('externalId eq "ext-003"')).toEqual([]);
    expect(await users('externalId eq "ext-002"')).toEqual(['bob']);
  });

  it('id eq finds exactly that resource; an unknown id finds none', async () => {
    expect(await users(`id eq "${dir.users.grace.id}"`)).toEqual(['grace']);
    expect(await users('id eq "00000000-0000-0000-0000-000000000000"')).toEqual([]);
    expect(await groups(`id eq "${dir.groups.sales.id}"`)).toEqual(['sales']);
  });

  it('emails.value eq matches any of the values, case-insensitively', async () => {
    expect(await users('emails.value eq "zz.bob@home.test"')).toEqual(['bob']);
    expect(await users('emails.value eq "GRACE@EXAMPLE.ORG"')).toEqual(['grace']);
  });

  it('emails[type eq "work" and value co "@example.com"] needs one email satisfying both', async () => {
    const got = await users('emails[type eq "work" and value co "@example.com"]');
    expect(got).toEqual(['alice', 'bob', 'carol', 'erin', 'grace', 'ivan', 'judy', 'oscar']);
    // heidi has a home email only; dave an "other" one; mallory a work one elsewhere
    expect(await users('emails[type eq "home" and value co "example.com"]')).toEqual([]);
  });

  it('emails co "x" compares the value sub-attribute (RFC 7644 §3.4.2.2)', async () => {
    expect(await users('emails co "elsewhere"')).toEqual(['dave']);
    expect(await users('emails co "X-CORP"')).toEqual(['mallory']);
    expect(await users('emails sw "AAA."')).toEqual(['oscar']);
    expect(await users('emails ew ".ORG"')).toEqual(['dave', 'grace']);
  });

  it("Entra's uppercase operators and keywords (EQ, AND, OR, NOT, PR) work", async () => {
    expect(await users('userName EQ "dave" AND active EQ true')).toEqual(['dave']);
    expect(await users('userName Eq "dave" Or userName eQ "heidi"')).toEqual(['dave', 'heidi']);
    expect(await users('title PR AND NOT (active EQ TRUE)')).toEqual(['bob', 'erin', 'judy']);
  });

  it('Entra\'s emails[type eq "work" and primary eq "True"] takes "True" as the boolean', async () => {
    expect(await users('emails[type eq "work" and primary eq "True"]')).toEqual(['alice', 'bob', 'erin', 'ivan']);
    expect(await users('emails[primary eq true]')).toEqual(['alice', 'bob', 'erin', 'heidi', 'ivan', 'oscar']);
  });
});

describe('attribute paths', () => {
  it('sub-attributes: name.familyName, case-insensitive', async () => {
    expect(await users('name.familyName eq "GREEN"')).toEqual(['grace']);
    expect(await users('name.familyName sw "j"')).toEqual(['judy']);
  });

  it('URN-qualified core paths mean the same as bare ones', async () => {
    expect(await users(`${USER_URN}:userName eq "heidi"`)).toEqual(['heidi']);
    expect(await users(`${USER_URN}:name.givenName eq "ivan"`)).toEqual(['ivan']);
  });

  it('enterprise extension paths (URN-qualified)', async () => {
    expect(await users(`${ENTERPRISE_URN}:department eq "engineering"`)).toEqual(['alice', 'carol', 'ivan']);
    expect(await users(`${ENTERPRISE_URN}:employeeNumber eq "0005"`)).toEqual(['grace']);
    expect(await users(`${ENTERPRISE_URN}:employeeNumber pr`)).toEqual(['alice', 'bob', 'carol', 'erin', 'grace', 'ivan']);
    expect(await users(`${ENTERPRISE_URN}:department pr and not (${ENTERPRISE_URN}:employeeNumber pr)`)).toEqual(['frank']);
  });

  // RFC 7644 §3.4.2.2 gives this filter as an example. (Regression: the filter view used to lack
  // `schemas`, so it matched nothing; fixed in 3b1e11d.)
  it('schemas eq "<enterprise URN>" finds the users carrying the extension', async () => {
    expect(await users(`schemas eq "${ENTERPRISE_URN}"`)).toEqual(['alice', 'bob', 'carol', 'erin', 'frank', 'grace', 'ivan']);
  });

  it('meta.resourceType eq "User" matches every user', async () => {
    expect(await users('meta.resourceType eq "User"')).toEqual(HANDLES);
  });
});

describe('value types', () => {
  it('active eq false (boolean)', async () => {
    expect(await users('active eq false')).toEqual(['bob', 'erin', 'judy']);
    expect(await users('active eq true')).toHaveLength(HANDLES.length - 3);
  });

  it('meta.lastModified gt "<dateTime>" compares instants, not text', async () => {
    expect(await users(`meta.lastModified gt "${modifiedMark}"`)).toEqual(['judy', 'oscar']);
    // the same instant written with an offset
    const mark = new Date(modifiedMark);
    const plusTwo = new Date(mark.getTime() + 2 * 3600_000).toISOString().replace('Z', '+02:00');
    expect(await users(`meta.lastModified gt "${plusTwo}"`)).toEqual(['judy', 'oscar']);
    expect(await users(`meta.created gt "${modifiedMark}"`)).toEqual([]);
    expect(await users(`meta.created lt "${modifiedMark}"`)).toEqual(HANDLES);
  });

  it('pr: present and non-empty', async () => {
    expect(await users('title pr')).toEqual(['alice', 'bob', 'dave', 'erin', 'grace', 'heidi', 'judy', 'mallory']);
    expect(await users('not (title pr)')).toEqual(['carol', 'frank', 'ivan', 'oscar']);
    expect(await users('emails pr')).not.toContain('frank');
  });

  it('ne on a multi-valued attribute means "no value equals"', async () => {
    expect(await users('emails.type ne "work" and emails pr')).toEqual(['dave', 'heidi']);
  });
});

describe('logic', () => {
  it('not (...)', async () => {
    expect(await users('not (active eq true)')).toEqual(['bob', 'erin', 'judy']);
  });

  it('"and" binds tighter than "or"; parentheses override', async () => {
    // title eq "Manager" or (active eq true and title eq "Analyst")
    expect(await users('title eq "Manager" or active eq true and title eq "Analyst"')).toEqual(['bob', 'heidi', 'judy']);
    // (title eq "Manager" or active eq true) and title eq "Analyst"
    expect(await users('(title eq "Manager" or active eq true) and title eq "Analyst"')).toEqual(['heidi']);
    expect(await users('title eq "Manager" and (active eq false or userName eq "heidi")')).toEqual(['bob', 'judy']);
  });

  it('nested not and grouping', async () => {
    expect(await users('not (not (userName eq "dave") and not (userName eq "heidi"))')).toEqual(['dave', 'heidi']);
  });
});

describe('groups and membership', () => {
  it('Entra group lookup: displayName eq with excludedAttributes=members', async () => {
    const res = await client.get(filterPath('/Groups', 'displayName eq "sales"', 'excludedAttributes=members'));
    expect(res.status).toBe(200);
    expect(res.body.totalResults).toBe(1);
    const [group] = res.body.Resources;
    expect(group.id).toBe(dir.groups.sales.id);
    expect(group.displayName).toBe('Sales');
    expect(group).not.toHaveProperty('members');
  });

  it('members.value eq "<userId>" finds the groups listing that user directly', async () => {
    expect(await groups(`members.value eq "${dir.users.alice.id}"`)).toEqual(['engineering']);
    expect(await groups(`members.value eq "${dir.groups.engineering.id}"`)).toEqual(['allStaff']);
    expect(await groups(`members[value eq "${dir.users.dave.id}"]`)).toEqual(['admins']);
    expect(await groups(`members.value eq "${dir.users.heidi.id}"`)).toEqual([]);
  });

  it('members.type and members pr', async () => {
    expect(await groups('members.type eq "Group"')).toEqual(['allStaff']);
    expect(await groups('members pr')).toEqual(['engineering', 'sales', 'allStaff', 'admins']);
  });

  it('groups.value eq "<groupId>" on /Users includes indirect (nested) members', async () => {
    expect(await users(`groups.value eq "${dir.groups.engineering.id}"`)).toEqual(['alice', 'carol', 'ivan']);
    expect(await users(`groups.value eq "${dir.groups.allStaff.id}"`)).toEqual(['alice', 'bob', 'carol', 'erin', 'frank', 'ivan']);
    expect(await users('groups pr')).toEqual(['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'ivan']);
  });

  // Filters see User.groups as GET shows it: value, display and type "direct"/"indirect".
  // (Regression: the filter view used to carry `value` only; fixed in 3b1e11d.)
  it('groups.display and groups[type eq "indirect"] match what GET /Users/{id} shows', async () => {
    const alice = (await client.get(`/Users/${dir.users.alice.id}`)).body;
    expect(alice.groups).toContainEqual(expect.objectContaining({ display: 'All Staff', type: 'indirect' }));
    expect(await users('groups.display eq "all staff"')).toEqual(['alice', 'bob', 'carol', 'erin', 'frank', 'ivan']);
    expect(await users(`groups[value eq "${dir.groups.allStaff.id}" and type eq "indirect"]`)).toEqual([
      'alice',
      'bob',
      'carol',
      'erin',
      'ivan',
    ]);
  });

  it('a filter combines with sortBy and paging on /Groups', async () => {
    const res = await client.get(filterPath('/Groups', 'displayName sw "a"', 'sortBy=displayName&count=1&startIndex=2'));
    expect(res.status).toBe(200);
    expect(res.body.totalResults).toBe(2); // Admins, All Staff
    expect(handlesOf(dir, res.body)).toEqual(['allStaff']);
  });
});

describe('invalid filters -> 400 invalidFilter', () => {
  it('an attribute the resource type does not define', async () => {
    const res = await client.get(filterPath('/Users', 'favouriteColour eq "blue"'));
    expectScimError(res, 400, 'invalidFilter');
    expect(res.body.detail).toContain('favouriteColour');
    expectScimError(await client.get(filterPath('/Groups', 'userName eq "dave"')), 400, 'invalidFilter');
    expectScimError(await client.get(filterPath('/Users', 'name.nickname eq "x"')), 400, 'invalidFilter');
    expectScimError(await client.get(filterPath('/Users', `${ENTERPRISE_URN}:userName eq "x"`)), 400, 'invalidFilter');
  });

  it('a syntax error names its position and does not echo a 5 KB input', async () => {
    const filter = `userName eq "dave" and title eq "${'y'.repeat(2500)}") or ${'z'.repeat(2500)} pr`;
    const res = await client.get(filterPath('/Users', filter));
    expectScimError(res, 400, 'invalidFilter');
    // the stray ")" (1-based position), quoted only as a short excerpt
    expect(res.body.detail).toContain(`position ${filter.indexOf(')') + 1}`);
    expect(res.body.detail.length).toBeLessThan(300);
    expect(res.text).not.toContain('y'.repeat(100));
    expect(res.text).not.toContain('z'.repeat(100));
  });

  it('a syntax error at the end of a 5 KB input', async () => {
    const filter = `userName eq "dave" and (title eq "x" or ${'y'.repeat(5000)}`;
    const res = await client.get(filterPath('/Users', filter));
    expectScimError(res, 400, 'invalidFilter');
    expect(res.body.detail).toMatch(/position \d+/);
    expect(res.text).not.toContain('y'.repeat(100));
  });

  it.each([
    ['unbalanced parenthesis', '(userName eq "dave"'],
    ['missing value', 'userName eq'],
    ['unknown operator', 'userName like "dave"'],
    ['unterminated string', 'userName eq "dave'],
    ['dangling and', 'userName eq "dave" and'],
  ])('syntax error: %s', async (_label, filter) => {
    const res = await client.get(filterPath('/Users', filter));
    expectScimError(res, 400, 'invalidFilter');
    expect(res.body.detail).toMatch(/position \d+/);
  });

  it('a filter longer than 10 KB is rejected without being echoed', async () => {
    const long = `userName eq "${'z'.repeat(10_300)}"`;
    const res = await client.get(filterPath('/Users', long));
    expectScimError(res, 400, 'invalidFilter');
    expect(res.text.length).toBeLessThan(1000);
  });

  it('gt on a boolean (RFC 7644 Table 3)', async () => {
    expectScimError(await client.get(filterPath('/Users', 'active gt false')), 400, 'invalidFilter');
    expectScimError(await client.get(filterPath('/Users', 'emails[primary ge true]')), 400, 'invalidFilter');
  });

  it('a literal of the wrong type for the attribute', async () => {
    expectScimError(await client.get(filterPath('/Users', 'meta.created gt "yesterday"')), 400, 'invalidFilter');
    expectScimError(await client.get(filterPath('/Users', 'userName eq 42')), 400, 'invalidFilter');
  });
});

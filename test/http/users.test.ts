// Users over HTTP (RFC 7644 §3.3-3.6), through the real app; every response is contract-checked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE_URN, expectScimError, startApp, USER_URN, type TestApp } from '../helpers/scim-app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.close());

let seq = 0;
const unique = (prefix = 'user') => `${prefix}${++seq}-${Date.now()}`;

async function createUser(extra: Record<string, unknown> = {}) {
  const res = await app.client.post('/Users', { schemas: [USER_URN], userName: unique(), ...extra });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

async function userCount(): Promise<number> {
  return (await app.client.get('/Users?count=0')).body.totalResults;
}

describe('POST /Users', () => {
  it('creates a user with a server id, meta, Location and ETag headers', async () => {
    const userName = unique('bjensen');
    const res = await app.client.post('/Users', {
      schemas: [USER_URN],
      userName,
      externalId: 'ext-1',
      name: { givenName: 'Barbara', familyName: 'Jensen' },
      emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
    });
    expect(res.status).toBe(201);
    const user = res.body;
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(user.userName).toBe(userName);
    expect(user.schemas).toEqual([USER_URN]);
    expect(user.meta.resourceType).toBe('User');
    expect(user.meta.created).toBe(user.meta.lastModified);
    expect(res.headers.get('location')).toBe(user.meta.location);
    expect(user.meta.location).toBe(`${app.client.base}/Users/${user.id}`);
    expect(res.headers.get('etag')).toBe(user.meta.version);
    expect((await app.client.get(`/Users/${user.id}`)).body).toEqual(user);
  });

  it('ignores a client-sent id and meta (Entra ID sends meta.resourceType)', async () => {
    const res = await app.client.post('/Users', {
      schemas: [USER_URN],
      id: 'client-chosen',
      userName: unique(),
      meta: { resourceType: 'User', created: '2000-01-01T00:00:00Z' },
    });
    expect(res.status).toBe(201);
    expect(res.body.id).not.toBe('client-chosen');
    expect(res.body.meta.created).not.toBe('2000-01-01T00:00:00Z');
  });

  it('treats attribute names case-insensitively (Entra PascalCase)', async () => {
    const userName = unique('Pascal');
    const res = await app.client.post('/Users', {
      Schemas: [USER_URN],
      UserName: userName,
      Active: true,
      DisplayName: 'Pascal Case',
      Name: { GivenName: 'Pascal', FAMILYNAME: 'Case' },
      Emails: [{ Primary: true, Type: 'work', Value: 'p@example.com' }],
      [ENTERPRISE_URN.toUpperCase()]: { EmployeeNumber: '42' },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      userName,
      active: true,
      displayName: 'Pascal Case',
      name: { givenName: 'Pascal', familyName: 'Case' },
      emails: [{ primary: true, type: 'work', value: 'p@example.com' }],
      [ENTERPRISE_URN]: { employeeNumber: '42' },
    });
    expect(res.body.schemas).toEqual([USER_URN, ENTERPRISE_URN]);
    expect(Object.keys(res.body)).not.toContain('UserName');
  });

  it('accepts null and empty arrays as unassigned (RFC 7643 §2.5)', async () => {
    const res = await app.client.post('/Users', {
      schemas: [USER_URN],
      userName: unique(),
      displayName: null,
      roles: [],
      groups: [],
      name: { givenName: 'N', familyName: null },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).not.toHaveProperty('displayName');
    expect(res.body).not.toHaveProperty('roles');
    expect(res.body.name).toEqual({ givenName: 'N' });
  });

  it('ignores attributes no schema declares', async () => {
    const res = await app.client.post('/Users', { schemas: [USER_URN], userName: unique(), favouriteColour: 'blue' });
    expect(res.status).toBe(201);
    expect(res.body).not.toHaveProperty('favouriteColour');
  });

  it('accepts a password but never returns it', async () => {
    const res = await app.client.post('/Users', { schemas: [USER_URN], userName: unique(), password: 'S3cret!' });
    expect(res.status).toBe(201);
    expect(res.text).not.toContain('S3cret');
    expect(res.body).not.toHaveProperty('password');
    const got = await app.client.get(`/Users/${res.body.id}?attributes=password`);
    expect(got.body).not.toHaveProperty('password');
  });

  it('requires userName (400 invalidValue naming it) and creates nothing', async () => {
    const before = await userCount();
    const res = await app.client.post('/Users', { schemas: [USER_URN], name: { givenName: 'X' } });
    expectScimError(res, 400, 'invalidValue');
    expect(res.body.detail).toContain('userName');
    expect(await userCount()).toBe(before);
  });

  it('rejects a wrongly typed value naming the attribute', async () => {
    const res = await app.client.post('/Users', { schemas: [USER_URN], userName: unique(), active: 'yes' });
    expectScimError(res, 400, 'invalidValue');
    expect(res.body.detail).toContain('active');
    const nested = await app.client.post('/Users', { schemas: [USER_URN], userName: unique(), emails: [{ value: 7 }] });
    expectScimError(nested, 400, 'invalidValue');
    expect(nested.body.detail).toContain('emails[0].value');
  });

  it('rejects a duplicate userName, compared case-insensitively, with 409 uniqueness', async () => {
    const userName = unique('Dup');
    await createUser({ userName });
    const before = await userCount();
    const res = await app.client.post('/Users', { schemas: [USER_URN], userName: userName.toUpperCase() });
    expectScimError(res, 409, 'uniqueness');
    expect(res.body.detail).toContain('userName');
    expect(await userCount()).toBe(before);
  });
});

describe('GET /Users/{id}', () => {
  it('answers 404 with a SCIM error for an unknown id', async () => {
    const res = await app.client.get('/Users/2819c223-7f76-453a-919d-413861904646');
    expectScimError(res, 404);
  });

  it('answers 304 when If-None-Match lists the current version, 200 otherwise', async () => {
    const user = await createUser();
    const fresh = await app.client.get(`/Users/${user.id}`, { headers: { 'If-None-Match': user.meta.version } });
    expect(fresh.status).toBe(304);
    expect(fresh.text).toBe('');
    const stale = await app.client.get(`/Users/${user.id}`, { headers: { 'If-None-Match': 'W/"other"' } });
    expect(stale.status).toBe(200);
  });

  it('honours attributes and excludedAttributes', async () => {
    const user = await createUser({ displayName: 'D', emails: [{ value: 'a@b.c', type: 'work' }] });
    const some = await app.client.get(`/Users/${user.id}?attributes=userName,emails.value`);
    expect(some.body).toEqual({ schemas: [USER_URN], id: user.id, userName: user.userName, emails: [{ value: 'a@b.c' }] });
    const without = await app.client.get(`/Users/${user.id}?excludedAttributes=emails,id`);
    expect(without.body).not.toHaveProperty('emails');
    expect(without.body.id).toBe(user.id); // returned: always
    expect(without.body.displayName).toBe('D');
  });
});

describe('PUT /Users/{id}', () => {
  it('replaces the resource: omitted attributes are cleared, readOnly values ignored', async () => {
    const user = await createUser({ displayName: 'Old', title: 'Boss', name: { givenName: 'G' } });
    const res = await app.client.put(`/Users/${user.id}`, {
      schemas: [USER_URN],
      id: 'ignored',
      userName: user.userName,
      displayName: 'New',
      meta: { created: '1999-01-01T00:00:00Z' },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.id).toBe(user.id);
    expect(res.body.displayName).toBe('New');
    expect(res.body).not.toHaveProperty('title');
    expect(res.body).not.toHaveProperty('name');
    expect(res.body.meta.created).toBe(user.meta.created);
    expect(res.body.meta.version).not.toBe(user.meta.version);
    expect(res.headers.get('etag')).toBe(res.body.meta.version);
    expect((await app.client.get(`/Users/${user.id}`)).body).toEqual(res.body);
  });

  it('can rename, but not onto another user\'s userName (409) and then changes nothing', async () => {
    const a = await createUser();
    const b = await createUser();
    const renamed = await app.client.put(`/Users/${a.id}`, { schemas: [USER_URN], userName: `${a.userName}-renamed` });
    expect(renamed.status).toBe(200);
    const clash = await app.client.put(`/Users/${a.id}`, { schemas: [USER_URN], userName: b.userName.toUpperCase(), title: 'x' });
    expectScimError(clash, 409, 'uniqueness');
    const after = await app.client.get(`/Users/${a.id}`);
    expect(after.body.userName).toBe(`${a.userName}-renamed`);
    expect(after.body).not.toHaveProperty('title');
    // The old name is free again.
    await createUser({ userName: a.userName });
  });

  it('requires userName and answers 404 for an unknown id', async () => {
    const user = await createUser();
    expectScimError(await app.client.put(`/Users/${user.id}`, { schemas: [USER_URN] }), 400, 'invalidValue');
    expectScimError(await app.client.put('/Users/nope', { schemas: [USER_URN], userName: unique() }), 404);
  });

  it('applies If-Match: a stale version is 412 and changes nothing', async () => {
    const user = await createUser({ title: 'T1' });
    const stale = await app.client.put(
      `/Users/${user.id}`,
      { schemas: [USER_URN], userName: user.userName, title: 'T2' },
      { headers: { 'If-Match': 'W/"stale"' } },
    );
    expectScimError(stale, 412);
    expect((await app.client.get(`/Users/${user.id}`)).body.title).toBe('T1');
    const ok = await app.client.put(
      `/Users/${user.id}`,
      { schemas: [USER_URN], userName: user.userName, title: 'T3' },
      { headers: { 'If-Match': user.meta.version } },
    );
    expect(ok.status).toBe(200);
  });

  it('keeps the password when a replace does not send it (it cannot be read back)', async () => {
    const user = await createUser({ password: 'first' });
    const stored = async () => (await app.server.store.get('User', user.id))!.data.password;
    const hash = await stored();
    expect(typeof hash).toBe('string');
    expect(hash).not.toContain('first');
    await app.client.put(`/Users/${user.id}`, { schemas: [USER_URN], userName: user.userName });
    expect(await stored()).toBe(hash);
  });
});

describe('DELETE /Users/{id}', () => {
  it('deletes (204) and the user is gone (404)', async () => {
    const user = await createUser();
    const res = await app.client.delete(`/Users/${user.id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expectScimError(await app.client.get(`/Users/${user.id}`), 404);
    expectScimError(await app.client.delete(`/Users/${user.id}`), 404);
    await createUser({ userName: user.userName }); // its userName is free again
  });
});

describe('GET /Users (index paging, RFC 7644 §3.4.2.4)', () => {
  let fresh: TestApp;
  let ids: string[];
  beforeAll(async () => {
    fresh = await startApp({ maxResults: 4, defaultCount: 3 });
    ids = [];
    for (let i = 0; i < 7; i++) {
      ids.push((await fresh.client.post('/Users', { schemas: [USER_URN], userName: `page${i}` })).body.id);
    }
  });
  afterAll(() => fresh.close());

  it('pages in a stable order with totalResults, startIndex and itemsPerPage', async () => {
    const page = await fresh.client.get('/Users?startIndex=3&count=2');
    expect(page.body).toMatchObject({ totalResults: 7, startIndex: 3, itemsPerPage: 2 });
    expect(page.body.Resources.map((r: { id: string }) => r.id)).toEqual(ids.slice(2, 4));
  });

  it('uses the default count and caps count at maxResults', async () => {
    expect((await fresh.client.get('/Users')).body.itemsPerPage).toBe(3);
    expect((await fresh.client.get('/Users?count=100')).body.itemsPerPage).toBe(4);
  });

  it('treats startIndex < 1 as 1 and a negative count as 0; count=0 gives totals only', async () => {
    const low = await fresh.client.get('/Users?startIndex=-5&count=1');
    expect(low.body.startIndex).toBe(1);
    expect(low.body.Resources[0].id).toBe(ids[0]);
    const none = await fresh.client.get('/Users?count=-1');
    expect(none.body).toMatchObject({ totalResults: 7, itemsPerPage: 0 });
    expect((await fresh.client.get('/Users?count=0')).body.itemsPerPage).toBe(0);
  });

  it('returns an empty page past the end', async () => {
    const past = await fresh.client.get('/Users?startIndex=50');
    expect(past.body).toMatchObject({ totalResults: 7, itemsPerPage: 0, Resources: [] });
  });

  it('rejects a non-integer count with a SCIM error', async () => {
    expectScimError(await fresh.client.get('/Users?count=many'), 400, 'invalidValue');
  });
});

// `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9) on every operation that returns
// resources, combined with each attribute's `returned` characteristic (RFC 7643 §2.2): "always"
// (id, schemas) is there even when excluded or not asked for; "never" (password) is never there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE_URN, GROUP_URN, startApp, USER_URN, type ScimTestClient, type TestApp } from '../helpers/scim-app.ts';
import { q, SEARCH_REQUEST_URN, seedDirectory, userBody, type Directory } from '../helpers/query-fixtures.ts';

let app: TestApp;
let client: ScimTestClient;
let dir: Directory;

beforeAll(async () => {
  app = await startApp();
  client = app.client;
  dir = await seedDirectory(client);
});
afterAll(() => app.close());

const keys = (o: object) => Object.keys(o).sort();
const userPath = (handle: keyof Directory['users'], query: string) => `/Users/${dir.users[handle].id}?${query}`;

describe('GET /Users/{id}', () => {
  it('attributes=userName: just userName plus id and schemas (returned "always")', async () => {
    const res = await client.get(userPath('alice', 'attributes=userName'));
    expect(res.status).toBe(200);
    expect(keys(res.body)).toEqual(['id', 'schemas', 'userName']);
    expect(res.body.userName).toBe('alice.anders@example.com');
    expect(res.body.id).toBe(dir.users.alice.id);
  });

  it('sub-attribute paths: name.givenName and emails.value keep only those sub-attributes', async () => {
    const res = await client.get(userPath('alice', 'attributes=name.givenName,emails.value'));
    expect(keys(res.body)).toEqual(['emails', 'id', 'name', 'schemas']);
    expect(res.body.name).toEqual({ givenName: 'Alice' });
    expect(res.body.emails).toEqual([{ value: 'alice.anders@example.com' }, { value: 'alice@home.test' }]);
  });

  it('attribute names are case-insensitive', async () => {
    const res = await client.get(userPath('alice', 'attributes=USERNAME,Name.GivenName'));
    expect(keys(res.body)).toEqual(['id', 'name', 'schemas', 'userName']);
    expect(res.body.name).toEqual({ givenName: 'Alice' });
  });

  it('a meta sub-attribute: attributes=meta.lastModified', async () => {
    const res = await client.get(userPath('bob', 'attributes=meta.lastModified'));
    expect(keys(res.body)).toEqual(['id', 'meta', 'schemas']);
    expect(res.body.meta).toEqual({ lastModified: dir.users.bob.meta.lastModified });
  });

  it('excludedAttributes removes whole attributes and single sub-attributes, nothing else', async () => {
    const full = (await client.get(`/Users/${dir.users.alice.id}`)).body;
    const res = await client.get(userPath('alice', 'excludedAttributes=emails,name.familyName,meta'));
    expect(res.body).not.toHaveProperty('emails');
    expect(res.body).not.toHaveProperty('meta');
    expect(res.body.name).toEqual({ givenName: 'Alice' });
    const { emails: _e, meta: _m, name: _n, ...rest } = full;
    expect(res.body).toMatchObject(rest);
  });

  it('id and schemas stay even when excluded; other attributes go', async () => {
    const res = await client.get(userPath('carol', 'excludedAttributes=id,schemas,userName'));
    expect(res.body.id).toBe(dir.users.carol.id);
    expect(res.body.schemas).toContain(USER_URN);
    expect(res.body).not.toHaveProperty('userName');
    expect(res.body.displayName).toBe('Carol Chen');
  });

  it('password (returned "never") is absent, even when asked for', async () => {
    const plain = await client.get(`/Users/${dir.users.oscar.id}`);
    expect(plain.body).not.toHaveProperty('password');
    const asked = await client.get(userPath('oscar', 'attributes=password,userName'));
    expect(keys(asked.body)).toEqual(['id', 'schemas', 'userName']);
  });

  it('an enterprise attribute by URN path', async () => {
    const res = await client.get(userPath('alice', `attributes=${q(`${ENTERPRISE_URN}:employeeNumber`)}`));
    expect(keys(res.body)).toEqual(['id', 'schemas', ENTERPRISE_URN].sort());
    expect(res.body[ENTERPRISE_URN]).toEqual({ employeeNumber: '0007' });
  });

  it('the whole extension by its URN, in attributes and in excludedAttributes', async () => {
    const only = await client.get(userPath('alice', `attributes=${q(ENTERPRISE_URN)}`));
    expect(keys(only.body)).toEqual(['id', 'schemas', ENTERPRISE_URN].sort());
    expect(only.body[ENTERPRISE_URN]).toEqual({ employeeNumber: '0007', department: 'Engineering' });

    const without = await client.get(userPath('alice', `excludedAttributes=${q(ENTERPRISE_URN)}`));
    expect(without.body).not.toHaveProperty(ENTERPRISE_URN);
    expect(without.body.userName).toBe('alice.anders@example.com');
    expect(without.body.emails).toHaveLength(2);

    const partly = await client.get(userPath('alice', `excludedAttributes=${q(`${ENTERPRISE_URN}:department`)}`));
    expect(partly.body[ENTERPRISE_URN]).toEqual({ employeeNumber: '0007' });
  });

  it('core attributes by their URN-qualified path', async () => {
    const res = await client.get(userPath('ivan', `attributes=${q(`${USER_URN}:userName,${USER_URN}:name.familyName`)}`));
    expect(keys(res.body)).toEqual(['id', 'name', 'schemas', 'userName']);
    expect(res.body.name).toEqual({ familyName: 'Ito' });
  });

  it('the derived groups attribute can be asked for or left out', async () => {
    const asked = await client.get(userPath('alice', 'attributes=groups.value'));
    expect(keys(asked.body)).toEqual(['groups', 'id', 'schemas']);
    expect(asked.body.groups.map((g: { value: string }) => g.value).sort()).toEqual(
      [dir.groups.engineering.id, dir.groups.allStaff.id].sort(),
    );
    expect(asked.body.groups.every((g: object) => keys(g).join() === 'value')).toBe(true);
    const left = await client.get(userPath('alice', 'excludedAttributes=groups'));
    expect(left.body).not.toHaveProperty('groups');
  });
});

describe('GET /Groups/{id}', () => {
  it('excludedAttributes=members leaves the member list out', async () => {
    const res = await client.get(`/Groups/${dir.groups.engineering.id}?excludedAttributes=members`);
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('members');
    expect(res.body.displayName).toBe('Engineering');
    expect(res.body.meta.resourceType).toBe('Group');
  });

  it('attributes=displayName returns displayName, id and schemas only', async () => {
    const res = await client.get(`/Groups/${dir.groups.engineering.id}?attributes=displayName`);
    expect(keys(res.body)).toEqual(['displayName', 'id', 'schemas']);
  });

  it('attributes=members.value keeps only the member ids', async () => {
    const res = await client.get(`/Groups/${dir.groups.sales.id}?attributes=members.value`);
    expect(keys(res.body)).toEqual(['id', 'members', 'schemas']);
    expect(res.body.members).toEqual([{ value: dir.users.bob.id }, { value: dir.users.erin.id }]);
  });
});

describe('lists and searches', () => {
  it('GET /Users applies the projection to every resource and leaves the envelope alone', async () => {
    const res = await client.get('/Users?attributes=userName&count=100');
    expect(res.status).toBe(200);
    expect(res.body.totalResults).toBe(12);
    expect(res.body.itemsPerPage).toBe(12);
    for (const user of res.body.Resources) expect(keys(user)).toEqual(['id', 'schemas', 'userName']);
  });

  it('GET /Groups?excludedAttributes=members (how Entra ID lists groups)', async () => {
    const res = await client.get('/Groups?excludedAttributes=members');
    expect(res.body.totalResults).toBe(4);
    for (const group of res.body.Resources) {
      expect(group).not.toHaveProperty('members');
      expect(group.displayName).toEqual(expect.any(String));
    }
  });

  it('POST /Users/.search takes attributes and excludedAttributes as arrays', async () => {
    const asked = await client.post('/Users/.search', {
      schemas: [SEARCH_REQUEST_URN],
      filter: 'userName eq "dave"',
      attributes: ['userName', 'name.givenName', 'password'],
    });
    expect(asked.status, asked.text).toBe(200);
    expect(asked.body.Resources).toEqual([{ schemas: [USER_URN], id: dir.users.dave.id, userName: 'dave', name: { givenName: 'Dave' } }]);

    const excluded = await client.post('/Users/.search', {
      schemas: [SEARCH_REQUEST_URN],
      filter: 'userName eq "dave"',
      excludedAttributes: ['emails', 'meta', 'name', 'id'],
    });
    const [dave] = excluded.body.Resources;
    expect(dave.id).toBe(dir.users.dave.id);
    expect(dave).not.toHaveProperty('emails');
    expect(dave).not.toHaveProperty('meta');
    expect(dave).not.toHaveProperty('name');
    expect(dave.title).toBe('engineer');
  });

  it('POST /Groups/.search with excludedAttributes: ["members"]', async () => {
    const res = await client.post('/Groups/.search', { filter: 'displayName eq "All Staff"', excludedAttributes: ['members'] });
    expect(res.body.totalResults).toBe(1);
    expect(res.body.Resources[0]).not.toHaveProperty('members');
  });

  it('POST /.search projects users and groups alike', async () => {
    const res = await client.post('/.search', {
      schemas: [SEARCH_REQUEST_URN],
      filter: 'displayName sw "a"',
      attributes: ['displayName'],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.totalResults).toBe(3); // Alice Anders, All Staff, Admins
    for (const r of res.body.Resources) expect(keys(r)).toEqual(['displayName', 'id', 'schemas']);

    const excluded = await client.post('/.search', { filter: 'displayName eq "Engineering"', excludedAttributes: ['members', 'meta'] });
    expect(excluded.body.Resources).toEqual([{ schemas: [GROUP_URN], id: dir.groups.engineering.id, displayName: 'Engineering' }]);
  });
});

describe('writes return the projected resource', () => {
  it('POST /Users?attributes=userName -> 201 with userName, id and schemas (never the password)', async () => {
    const res = await client.post('/Users?attributes=userName,password', {
      schemas: [USER_URN],
      userName: 'projected.create@example.com',
      displayName: 'Projected Create',
      password: 'Hunter2-long-enough',
    });
    expect(res.status, res.text).toBe(201);
    expect(keys(res.body)).toEqual(['id', 'schemas', 'userName']);
    expect(res.headers.get('etag')).toEqual(expect.any(String));
    // the projection shapes the response only: the whole resource was stored
    const stored = await client.get(`/Users/${res.body.id}`);
    expect(stored.body.displayName).toBe('Projected Create');
    expect(res.headers.get('etag')).toBe(stored.body.meta.version);
  });

  // RFC 7644 §3.3: the URI of the created resource SHALL be in the Location header, whatever the
  // projection leaves in the body. (Regression: Location used to be read from the projected body's
  // meta.location and so went missing; fixed in src/handlers/resources.ts withResource.)
  it('POST /Users?attributes=userName still sends Location', async () => {
    const res = await client.post('/Users?attributes=userName', { schemas: [USER_URN], userName: 'projected.location@example.com' });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`${client.base}/Users/${res.body.id}`);
  });

  it('POST /Groups?excludedAttributes=members -> 201 without members; the members were stored', async () => {
    const res = await client.post('/Groups?excludedAttributes=members', {
      schemas: [GROUP_URN],
      displayName: 'Projected Group',
      members: [{ value: dir.users.heidi.id }],
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).not.toHaveProperty('members');
    expect(res.body.displayName).toBe('Projected Group');
    const stored = await client.get(`/Groups/${res.body.id}`);
    expect(stored.body.members.map((m: { value: string }) => m.value)).toEqual([dir.users.heidi.id]);
  });

  it('PUT /Users/{id}?attributes=userName,title -> 200 with just those', async () => {
    const res = await client.put(`/Users/${dir.users.mallory.id}?attributes=userName,title`, {
      ...userBody('mallory'),
      title: 'Consultant',
    });
    expect(res.status, res.text).toBe(200);
    expect(keys(res.body)).toEqual(['id', 'schemas', 'title', 'userName']);
    expect(res.body.title).toBe('Consultant');
  });

  it('PUT /Users/{id}?excludedAttributes=<enterprise URN> leaves the extension out of the response only', async () => {
    const res = await client.put(`/Users/${dir.users.ivan.id}?excludedAttributes=${q(ENTERPRISE_URN)}`, userBody('ivan'));
    expect(res.status, res.text).toBe(200);
    expect(res.body).not.toHaveProperty(ENTERPRISE_URN);
    expect(res.body).not.toHaveProperty('password');
    const stored = await client.get(`/Users/${dir.users.ivan.id}`);
    expect(stored.body[ENTERPRISE_URN]).toEqual({ employeeNumber: '0002', department: 'Engineering' });
  });

  it('PUT /Groups/{id}?excludedAttributes=members', async () => {
    const res = await client.put(`/Groups/${dir.groups.admins.id}?excludedAttributes=members`, {
      schemas: [GROUP_URN],
      displayName: 'Admins',
      members: [{ value: dir.users.dave.id }, { value: dir.users.heidi.id }],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).not.toHaveProperty('members');
    const stored = await client.get(`/Groups/${dir.groups.admins.id}?attributes=members.value`);
    expect(stored.body.members).toEqual([{ value: dir.users.dave.id }, { value: dir.users.heidi.id }]);
  });
});

// Discovery endpoints (RFC 7644 §4; RFC 7643 §5-7) over HTTP, through the real app. /Schemas must be
// the contract's own description of the resources, so it is compared with the contract itself.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContract } from '../../src/contract/load.ts';
import {
  ENTERPRISE_URN,
  expectScimError,
  GROUP_URN,
  startApp,
  USER_URN,
  type ScimTestClient,
  type TestApp,
} from '../helpers/scim-app.ts';

const SPC_URN = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const SCHEMA_URN = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
const RESOURCE_TYPE_URN = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const LIST_URN = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

type Attr = {
  name: string;
  type: string;
  multiValued: boolean;
  description?: string;
  required: boolean;
  caseExact: boolean;
  mutability: string;
  returned: string;
  uniqueness: string;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: Attr[];
};

const attr = (attrs: Attr[], name: string): Attr => {
  const found = attrs.find((a) => a.name === name);
  expect(found, `attribute ${name}`).toBeDefined();
  return found!;
};

const expectAbsolute = (url: string, base: string) => {
  expect(() => new URL(url)).not.toThrow();
  expect(url.startsWith(`${base}/`), `${url} under ${base}`).toBe(true);
};

describe('Discovery', () => {
  let app: TestApp;
  let client: ScimTestClient;
  beforeAll(async () => {
    app = await startApp();
    client = app.client;
  });
  afterAll(() => app.close());

  describe('/ServiceProviderConfig', () => {
    it('is served with its schema URN, an absolute meta.location and no authentication scheme when no tokens are set', async () => {
      const res = await client.get('/ServiceProviderConfig');
      expect(res.status).toBe(200);
      expect(res.body.schemas).toEqual([SPC_URN]);
      expect(res.body.authenticationSchemes).toEqual([]);
      expect(res.body.meta.resourceType).toBe('ServiceProviderConfig');
      expect(res.body.meta.location).toBe(`${client.base}/ServiceProviderConfig`);
      expect(res.body.filter.maxResults).toBe(1000);
    });

    // Each flag is compared with what the server actually does when a client relies on it.

    it('patch.supported matches whether PATCH works', async () => {
      const spc = (await client.get('/ServiceProviderConfig')).body;
      const user = (await client.post('/Users', { schemas: [USER_URN], userName: `patch-${randomUUID()}` })).body;
      const res = await client.patch(`/Users/${user.id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'displayName', value: 'Patched' }],
      });
      const works = res.status === 200 || res.status === 204;
      if (!works) expectScimError(res, 501);
      expect(spc.patch.supported).toBe(works);
    });

    it('bulk.supported matches whether /Bulk works', async () => {
      const spc = (await client.get('/ServiceProviderConfig')).body;
      const res = await client.post('/Bulk', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: [{ method: 'POST', path: '/Users', bulkId: 'a', data: { schemas: [USER_URN], userName: `bulk-${randomUUID()}` } }],
      });
      const works = res.status === 200;
      if (!works) expectScimError(res, 501);
      expect(spc.bulk.supported).toBe(works);
      if (!works) {
        expect(spc.bulk.maxOperations).toBe(0);
        expect(spc.bulk.maxPayloadSize).toBe(0);
      }
    });

    it('filter.supported matches whether ?filter= works', async () => {
      const spc = (await client.get('/ServiceProviderConfig')).body;
      const userName = `filter-${randomUUID()}`;
      await client.post('/Users', { schemas: [USER_URN], userName });
      const res = await client.get(`/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
      const works = res.status === 200;
      if (works) expect(res.body.totalResults).toBe(1);
      else expectScimError(res, 400, 'invalidFilter');
      expect(spc.filter.supported).toBe(works);
    });

    it('sort.supported matches whether ?sortBy= orders the results', async () => {
      const spc = (await client.get('/ServiceProviderConfig')).body;
      const prefix = randomUUID().slice(0, 6);
      // created in non-alphabetical order
      for (const n of ['c', 'a', 'b']) await client.post('/Users', { schemas: [USER_URN], userName: `${n}-${prefix}` });
      const asc = await client.get('/Users?sortBy=userName&sortOrder=ascending&count=1000');
      const desc = await client.get('/Users?sortBy=userName&sortOrder=descending&count=1000');
      // only the relative order of this test's three users matters
      const names = (r: typeof asc) =>
        (r.body.Resources as { userName: string }[]).map((u) => u.userName).filter((n) => n.endsWith(`-${prefix}`));
      const works =
        asc.status === 200 &&
        desc.status === 200 &&
        names(asc).join() === ['a', 'b', 'c'].map((n) => `${n}-${prefix}`).join() &&
        names(desc).join() === ['c', 'b', 'a'].map((n) => `${n}-${prefix}`).join();
      expect(spc.sort.supported).toBe(works);
    });

    it('etag.supported matches whether ETags and preconditions work', async () => {
      const spc = (await client.get('/ServiceProviderConfig')).body;
      const created = await client.post('/Users', { schemas: [USER_URN], userName: `etag-${randomUUID()}` });
      const etag = created.headers.get('etag');
      const fresh = await client.get(`/Users/${created.body.id}`, { headers: { 'If-None-Match': etag ?? '"none"' } });
      const stale = await client.put(
        `/Users/${created.body.id}`,
        { schemas: [USER_URN], userName: created.body.userName },
        { headers: { 'If-Match': 'W/"not-the-version"' } },
      );
      const works = etag !== null && fresh.status === 304 && stale.status === 412;
      expect(works).toBe(true); // today's behaviour, so the flag must say so
      expect(spc.etag.supported).toBe(works);
    });

    it('changePassword.supported matches whether a password can be set with PUT', async () => {
      const spc = (await client.get('/ServiceProviderConfig')).body;
      const created = await client.post('/Users', { schemas: [USER_URN], userName: `pw-${randomUUID()}` });
      const res = await client.put(`/Users/${created.body.id}`, {
        schemas: [USER_URN],
        userName: created.body.userName,
        password: 'n3w-Secret!',
      });
      expect(spc.changePassword.supported).toBe(res.status === 200);
      expect(res.body).not.toHaveProperty('password');
    });
  });

  describe('/ResourceTypes', () => {
    it('lists User (with the optional enterprise extension) and Group', async () => {
      const res = await client.get('/ResourceTypes');
      expect(res.status).toBe(200);
      expect(res.body.schemas).toEqual([LIST_URN]);
      expect(res.body.totalResults).toBe(2);
      expect(res.body.Resources).toHaveLength(2);
      const byName = new Map((res.body.Resources as Record<string, any>[]).map((r) => [r.name, r]));
      const user = byName.get('User')!;
      expect(user).toMatchObject({
        schemas: [RESOURCE_TYPE_URN],
        id: 'User',
        name: 'User',
        endpoint: '/Users',
        schema: USER_URN,
        schemaExtensions: [{ schema: ENTERPRISE_URN, required: false }],
      });
      const group = byName.get('Group')!;
      expect(group).toMatchObject({ schemas: [RESOURCE_TYPE_URN], id: 'Group', name: 'Group', endpoint: '/Groups', schema: GROUP_URN });
      expect(group.schemaExtensions ?? []).toEqual([]);
      for (const rt of res.body.Resources) {
        expect(rt.meta.resourceType).toBe('ResourceType');
        expect(rt.meta.location).toBe(`${client.base}/ResourceTypes/${rt.id}`);
        expectAbsolute(rt.meta.location, client.base);
      }
    });

    it('serves each resource type at its meta.location', async () => {
      const list = await client.get('/ResourceTypes');
      for (const rt of list.body.Resources) {
        const one = await client.get(rt.meta.location);
        expect(one.status).toBe(200);
        expect(one.body).toEqual(rt);
      }
      const user = await client.get('/ResourceTypes/User');
      expect(user.body.endpoint).toBe('/Users');
      expect(user.body.schemaExtensions).toEqual([{ schema: ENTERPRISE_URN, required: false }]);
    });

    it('each endpoint it advertises is really served', async () => {
      const list = await client.get('/ResourceTypes');
      for (const rt of list.body.Resources) {
        const res = await client.get(`${rt.endpoint}?count=0`);
        expect(res.status).toBe(200);
      }
    });

    it('answers 404 with a SCIM error for an unknown resource type', async () => {
      expectScimError(await client.get('/ResourceTypes/Nope'), 404);
    });
  });

  describe('/Schemas', () => {
    it('lists the core User, enterprise User and Group schemas', async () => {
      const res = await client.get('/Schemas');
      expect(res.status).toBe(200);
      expect(res.body.schemas).toEqual([LIST_URN]);
      expect(res.body.totalResults).toBe(3);
      const ids = (res.body.Resources as { id: string }[]).map((s) => s.id).sort();
      expect(ids).toEqual([USER_URN, ENTERPRISE_URN, GROUP_URN].sort());
      for (const s of res.body.Resources) {
        expect(s.schemas).toEqual([SCHEMA_URN]);
        expect(s.meta.resourceType).toBe('Schema');
        expect(s.meta.location).toBe(`${client.base}/Schemas/${s.id}`);
        expectAbsolute(s.meta.location, client.base);
      }
    });

    it.each([USER_URN, ENTERPRISE_URN, GROUP_URN])('serves %s by its URN, equal to the listed one', async (urn) => {
      const list = await client.get('/Schemas');
      const listed = (list.body.Resources as { id: string }[]).find((s) => s.id === urn);
      const res = await client.get(`/Schemas/${urn}`);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(urn);
      expect(res.body.schemas).toEqual([SCHEMA_URN]);
      expect(res.body).toEqual(listed);
      expectAbsolute(res.body.meta.location, client.base);
    });

    it('answers 404 with a SCIM error for an unknown schema', async () => {
      expectScimError(await client.get('/Schemas/urn:ietf:params:scim:schemas:core:2.0:Nope'), 404);
      expectScimError(await client.get('/Schemas/Nope'), 404);
    });

    it('answers 403 to a filter on /Schemas and /ResourceTypes (RFC 7644 §4)', async () => {
      expectScimError(await client.get(`/Schemas?filter=${encodeURIComponent('id eq "x"')}`), 403);
      expectScimError(await client.get(`/ResourceTypes?filter=${encodeURIComponent('name eq "User"')}`), 403);
    });

    it('states the RFC 7643 characteristics of User', async () => {
      const user = (await client.get(`/Schemas/${USER_URN}`)).body;
      expect(user.name).toBe('User');
      const attrs = user.attributes as Attr[];
      expect(attrs.map((a) => a.name)).not.toContain('id');
      expect(attrs.map((a) => a.name)).not.toContain('schemas');
      const userName = attr(attrs, 'userName');
      expect(userName).toMatchObject({ type: 'string', required: true, uniqueness: 'server', caseExact: false, multiValued: false });
      const password = attr(attrs, 'password');
      expect(password).toMatchObject({ returned: 'never', mutability: 'writeOnly' });
      const groups = attr(attrs, 'groups');
      expect(groups).toMatchObject({ mutability: 'readOnly', multiValued: true, type: 'complex' });
      for (const sub of groups.subAttributes!) expect(sub.mutability, `groups.${sub.name}`).toBe('readOnly');
      const emails = attr(attrs, 'emails');
      expect(emails.multiValued).toBe(true);
      expect(attr(emails.subAttributes!, 'type').canonicalValues).toEqual(['work', 'home', 'other']);
      expect(attr(attrs, 'active').type).toBe('boolean');
      expect(attr(attrs, 'profileUrl')).toMatchObject({ type: 'reference', referenceTypes: ['external'] });
      expect(attr(attr(attrs, 'x509Certificates').subAttributes!, 'value').type).toBe('binary');
    });

    it('states the RFC 7643 characteristics of Group and the enterprise extension', async () => {
      const group = (await client.get(`/Schemas/${GROUP_URN}`)).body;
      const attrs = group.attributes as Attr[];
      expect(attrs.map((a) => a.name)).not.toContain('id');
      expect(attr(attrs, 'displayName').required).toBe(true);
      const members = attr(attrs, 'members');
      expect(members).toMatchObject({ type: 'complex', multiValued: true });
      expect(attr(members.subAttributes!, 'value')).toMatchObject({ caseExact: true, mutability: 'immutable' });
      expect(attr(members.subAttributes!, '$ref')).toMatchObject({ type: 'reference', referenceTypes: ['User', 'Group'] });

      const ent = (await client.get(`/Schemas/${ENTERPRISE_URN}`)).body;
      const manager = attr(ent.attributes, 'manager');
      expect(manager.type).toBe('complex');
      expect(attr(manager.subAttributes!, 'displayName').mutability).toBe('readOnly');
      expect(attr(manager.subAttributes!, '$ref')).toMatchObject({ type: 'reference', referenceTypes: ['User'] });
    });
  });

  describe('/Schemas is built from the contract', () => {
    const SKIP = new Set(['schemas', 'id', 'externalId', 'meta']);
    const X_SCIM_KEYS = ['caseExact', 'returned', 'uniqueness', 'required', 'canonicalValues', 'referenceTypes'] as const;
    // RFC 7643 §7 defaults for characteristics the contract leaves out.
    const DEFAULTS: Record<string, unknown> = { caseExact: false, returned: 'default', uniqueness: 'none', required: false };

    function expectedType(prop: any): string {
      const item = prop.type === 'array' ? prop.items : prop;
      const x = { ...(item?.['x-scim'] ?? {}), ...(prop['x-scim'] ?? {}) };
      if (x.type) return x.type;
      if (item.type === 'object') return 'complex';
      if (item.type === 'boolean' || item.type === 'integer') return item.type;
      if (item.type === 'number') return 'decimal';
      if (item.format === 'date-time') return 'dateTime';
      return 'string';
    }

    /** Compares one contract property with the attribute /Schemas serves for it. */
    function compare(where: string, prop: any, served: Attr): void {
      const multi = prop.type === 'array';
      const item = multi ? prop.items : prop;
      const x = { ...(item?.['x-scim'] ?? {}), ...(prop['x-scim'] ?? {}) };
      expect(served.multiValued, `${where}.multiValued`).toBe(multi);
      expect(served.type, `${where}.type`).toBe(expectedType(prop));
      const readOnly = prop.readOnly === true || item?.readOnly === true;
      expect(served.mutability === 'readOnly', `${where}.mutability readOnly <=> contract readOnly`).toBe(readOnly);
      if (prop.writeOnly === true) expect(served.mutability, `${where}.mutability`).toBe('writeOnly');
      if (x.mutability) expect(served.mutability, `${where}.mutability`).toBe(x.mutability);
      for (const key of X_SCIM_KEYS) {
        if (key in x) expect(served[key], `${where}.${key}`).toEqual(x[key]);
        else if (key in DEFAULTS) expect(served[key], `${where}.${key} (default)`).toEqual(DEFAULTS[key]);
        else expect(served[key], `${where}.${key} (absent)`).toBeUndefined();
      }
      expect(served.description, `${where}.description`).toBe(prop.description ?? item?.description);
      if (item?.type === 'object') {
        const subs = Object.entries(item.properties ?? {}) as [string, any][];
        expect(served.subAttributes?.map((s) => s.name), `${where}.subAttributes`).toEqual(subs.map(([n]) => n));
        for (const [n, sub] of subs) compare(`${where}.${n}`, sub, attr(served.subAttributes!, n));
      } else {
        expect(served.subAttributes, `${where}.subAttributes`).toBeUndefined();
      }
    }

    async function compareSchema(contractSchema: any, urn: string): Promise<number> {
      const served = (await client.get(`/Schemas/${urn}`)).body;
      expect(contractSchema['x-scim-schema'].id).toBe(urn);
      expect(served.name).toBe(contractSchema['x-scim-schema'].name);
      expect(served.description).toBe(contractSchema.description);
      const props = Object.entries(contractSchema.properties as Record<string, any>).filter(
        ([name, p]) => !SKIP.has(name) && !p['x-scim-schema'],
      );
      expect(props.length).toBeGreaterThan(0);
      // the same attributes, no more, no fewer, in the contract's order
      expect((served.attributes as Attr[]).map((a) => a.name)).toEqual(props.map(([n]) => n));
      for (const [name, prop] of props) compare(name, prop, attr(served.attributes, name));
      return props.length;
    }

    it('core User: every contract property is an attribute with the contract characteristics', async () => {
      const contract = (await loadContract()).dereferenced as any;
      const schemas = contract.components.schemas;
      const props = schemas.User.properties as Record<string, any>;
      // the extension key is a schema of its own, not an attribute
      expect(props[ENTERPRISE_URN]['x-scim-schema'].id).toBe(ENTERPRISE_URN);
      const n = await compareSchema(schemas.User, USER_URN);
      expect(n).toBeGreaterThanOrEqual(20);
    });

    it('enterprise User and Group likewise', async () => {
      const schemas = ((await loadContract()).dereferenced as any).components.schemas;
      await compareSchema(schemas.EnterpriseUser, ENTERPRISE_URN);
      await compareSchema(schemas.Group, GROUP_URN);
    });

    it('resource types come from the contract x-scim-resource-type annotations', async () => {
      const schemas = ((await loadContract()).dereferenced as any).components.schemas;
      const declared = Object.values(schemas as Record<string, any>)
        .filter((s) => s?.['x-scim-resource-type'])
        .map((s) => ({ ...s['x-scim-resource-type'], schema: s['x-scim-schema'].id }));
      const served = (await client.get('/ResourceTypes')).body.Resources as Record<string, any>[];
      expect(served.map((r) => r.name).sort()).toEqual(declared.map((d) => d.name).sort());
      for (const d of declared) {
        const rt = served.find((r) => r.name === d.name)!;
        expect(rt).toMatchObject({ endpoint: d.endpoint, schema: d.schema, description: d.description });
      }
    });
  });
});

describe('Discovery with bearer tokens', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ tokens: ['t'] });
  });
  afterAll(() => app.close());

  it('advertises the oauthbearertoken scheme', async () => {
    const res = await app.client.withHeaders({ Authorization: 'Bearer t' }).get('/ServiceProviderConfig');
    expect(res.status).toBe(200);
    expect(res.body.authenticationSchemes).toHaveLength(1);
    expect(res.body.authenticationSchemes[0]).toMatchObject({ type: 'oauthbearertoken' });
    expect(typeof res.body.authenticationSchemes[0].name).toBe('string');
    expect(typeof res.body.authenticationSchemes[0].description).toBe('string');
  });
});

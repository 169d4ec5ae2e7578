// POST /Bulk over HTTP (RFC 7644 §3.7), through the real app; every response (the BulkResponse
// included) is checked against the contract by the test client. Black-box: resources created or
// changed by a bulk request are checked afterwards with plain GETs.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ENTERPRISE_URN,
  ERROR_URN,
  expectScimError,
  GROUP_URN,
  startApp,
  USER_URN,
  type ScimTestClient,
  type TestApp,
} from '../helpers/scim-app.ts';

const BULK_REQUEST_URN = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const BULK_RESPONSE_URN = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';
const PATCH_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

interface BulkOp {
  method: string;
  bulkId?: string;
  location?: string;
  version?: string;
  status: string;
  response?: any;
}

async function bulk(client: ScimTestClient, Operations: unknown[], extra: Record<string, unknown> = {}) {
  return client.post('/Bulk', { schemas: [BULK_REQUEST_URN], ...extra, Operations });
}

/** A 200 BulkResponse; its Operations. */
function operationsOf(res: { status: number; text: string; body: any }): BulkOp[] {
  expect(res.status, res.text).toBe(200);
  expect(res.body.schemas).toEqual([BULK_RESPONSE_URN]);
  for (const op of res.body.Operations) expect(typeof op.status, JSON.stringify(op)).toBe('string');
  return res.body.Operations;
}

function byBulkId(ops: BulkOp[], bulkId: string): BulkOp {
  const found = ops.filter((o) => o.bulkId === bulkId);
  expect(found, `one answer for bulkId ${bulkId}: ${JSON.stringify(ops)}`).toHaveLength(1);
  return found[0];
}

/** A failed operation: its status and a SCIM error (RFC 7644 §3.12) as its `response`. */
function expectOpError(op: BulkOp, status: number, scimType?: string): void {
  expect(op.status, JSON.stringify(op)).toBe(String(status));
  expect(op.response?.schemas, JSON.stringify(op)).toEqual([ERROR_URN]);
  expect(op.response.status).toBe(String(status));
  if (scimType) expect(op.response.scimType).toBe(scimType);
  expect(typeof op.response.detail).toBe('string');
}

const idFromLocation = (location: string) => decodeURIComponent(location.slice(location.lastIndexOf('/') + 1));

const userOp = (bulkId: string, userName: string, extra: Record<string, unknown> = {}) => ({
  method: 'POST',
  path: '/Users',
  bulkId,
  data: { schemas: [USER_URN], userName, ...extra },
});

const groupOp = (bulkId: string, displayName: string, members?: unknown[]) => ({
  method: 'POST',
  path: '/Groups',
  bulkId,
  data: { schemas: [GROUP_URN], displayName, ...(members ? { members } : {}) },
});

async function countWhere(client: ScimTestClient, endpoint: '/Users' | '/Groups', filter: string): Promise<number> {
  const res = await client.get(`${endpoint}?count=0&filter=${encodeURIComponent(filter)}`);
  expect(res.status, res.text).toBe(200);
  return res.body.totalResults;
}
const usersNamed = (client: ScimTestClient, userName: string) => countWhere(client, '/Users', `userName eq "${userName}"`);
const groupsNamed = (client: ScimTestClient, displayName: string) => countWhere(client, '/Groups', `displayName eq "${displayName}"`);

async function totals(client: ScimTestClient): Promise<{ users: number; groups: number }> {
  const users = (await client.get('/Users?count=0')).body.totalResults;
  const groups = (await client.get('/Groups?count=0')).body.totalResults;
  return { users, groups };
}

async function createUser(client: ScimTestClient, extra: Record<string, unknown> = {}) {
  const res = await client.post('/Users', { schemas: [USER_URN], userName: unique('user'), ...extra });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; userName: string; displayName?: string; meta: { version: string; location: string } };
}

async function createGroup(client: ScimTestClient, extra: Record<string, unknown> = {}) {
  const res = await client.post('/Groups', { schemas: [GROUP_URN], displayName: unique('group'), ...extra });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; displayName: string; meta: { version: string; location: string } };
}

const memberValues = (group: { members?: { value?: unknown }[] }) => (group.members ?? []).map((m) => m.value).sort();

describe('POST /Bulk', () => {
  let app: TestApp;
  let client: ScimTestClient;
  beforeAll(async () => {
    app = await startApp();
    client = app.client;
  });
  afterAll(() => app.close());

  describe('POST, PUT, PATCH and DELETE on Users and Groups', () => {
    it('answers each operation with method, bulkId, absolute location = meta.location, version = meta.version, status as a string', async () => {
      const toPut = await createUser(client);
      const toPatch = await createUser(client, { displayName: 'Before' });
      const toDelete = await createUser(client);
      const groupToPut = await createGroup(client);
      const groupToPatch = await createGroup(client);
      const groupToDelete = await createGroup(client);
      const newUserName = unique('bulk-user');
      const newGroupName = unique('bulk-group');
      const putUserName = unique('put-user');
      const putGroupName = unique('put-group');

      const res = await bulk(client, [
        userOp('u', newUserName, { displayName: 'Bulk User' }),
        groupOp('g', newGroupName),
        { method: 'PUT', path: `/Users/${toPut.id}`, version: toPut.meta.version, data: { schemas: [USER_URN], userName: putUserName } },
        {
          method: 'PATCH',
          path: `/Users/${toPatch.id}`,
          version: toPatch.meta.version,
          data: { schemas: [PATCH_URN], Operations: [{ op: 'replace', path: 'displayName', value: 'After' }] },
        },
        { method: 'DELETE', path: `/Users/${toDelete.id}`, version: toDelete.meta.version },
        { method: 'PUT', path: `/Groups/${groupToPut.id}`, data: { schemas: [GROUP_URN], displayName: putGroupName } },
        {
          method: 'PATCH',
          path: `/Groups/${groupToPatch.id}`,
          data: { schemas: [PATCH_URN], Operations: [{ op: 'add', path: 'members', value: [{ value: toPatch.id }] }] },
        },
        { method: 'DELETE', path: `/Groups/${groupToDelete.id}` },
      ]);
      const ops = operationsOf(res);
      expect(ops).toHaveLength(8);
      // Answers come in the request's order here (no references, so no reordering).
      expect(ops.map((o) => [o.method, o.status])).toEqual([
        ['POST', '201'],
        ['POST', '201'],
        ['PUT', '200'],
        ['PATCH', '200'],
        ['DELETE', '204'],
        ['PUT', '200'],
        ['PATCH', '200'],
        ['DELETE', '204'],
      ]);
      expect(ops[0].bulkId).toBe('u');
      expect(ops[1].bulkId).toBe('g');
      for (const op of ops.slice(2)) expect(op.bulkId).toBeUndefined();

      // Created: location is absolute and is the resource's meta.location; version its meta.version.
      for (const [op, endpoint, check] of [
        [ops[0], 'Users', (b: any) => expect(b.userName).toBe(newUserName)],
        [ops[1], 'Groups', (b: any) => expect(b.displayName).toBe(newGroupName)],
      ] as const) {
        expect(op.location).toMatch(new RegExp(`^${client.base.replace(/[.]/g, '\\.')}/${endpoint}/[^/]+$`));
        const got = await client.get(op.location!);
        expect(got.status, got.text).toBe(200);
        check(got.body);
        expect(got.body.meta.location).toBe(op.location);
        expect(got.body.meta.version).toBe(op.version);
        expect(got.headers.get('etag')).toBe(op.version);
        expect(op.response === undefined || op.response?.schemas?.[0] !== ERROR_URN).toBe(true);
      }

      // Replaced and modified: location names the resource, version is its new meta.version.
      const checks: [BulkOp, string, (b: any) => void][] = [
        [ops[2], toPut.meta.location, (b) => expect(b.userName).toBe(putUserName)],
        [ops[3], toPatch.meta.location, (b) => expect(b.displayName).toBe('After')],
        [ops[5], groupToPut.meta.location, (b) => expect(b.displayName).toBe(putGroupName)],
        [ops[6], groupToPatch.meta.location, (b) => expect(memberValues(b)).toEqual([toPatch.id])],
      ];
      for (const [op, loc, check] of checks) {
        expect(op.location).toBe(loc);
        const got = await client.get(loc);
        expect(got.status, got.text).toBe(200);
        check(got.body);
        expect(op.version).toBe(got.body.meta.version);
      }
      expect(ops[2].version).not.toBe(toPut.meta.version);
      expect(ops[3].version).not.toBe(toPatch.meta.version);

      // Deleted.
      expect(ops[4].location).toBe(toDelete.meta.location);
      expect(ops[7].location).toBe(groupToDelete.meta.location);
      expectScimError(await client.get(`/Users/${toDelete.id}`), 404);
      expectScimError(await client.get(`/Groups/${groupToDelete.id}`), 404);
    });
  });

  describe('bulkId references (RFC 7644 §3.7.2)', () => {
    it('resolves a group member "bulkId:x" to the created user, in dependency order', async () => {
      const userName = unique('member');
      const displayName = unique('Tour Guides');
      const ops = operationsOf(await bulk(client, [userOp('qwerty', userName), groupOp('ytrewq', displayName, [{ type: 'User', value: 'bulkId:qwerty' }])]));
      expect(ops).toHaveLength(2);
      const user = byBulkId(ops, 'qwerty');
      const group = byBulkId(ops, 'ytrewq');
      expect(user.status).toBe('201');
      expect(group.status).toBe('201');
      const got = await client.get(group.location!);
      expect(got.status).toBe(200);
      expect(memberValues(got.body)).toEqual([idFromLocation(user.location!)]);
      expect(JSON.stringify(got.body)).not.toContain('bulkId:');
    });

    it('resolves forward references: the referencing operations are listed before the ones they refer to', async () => {
      const userName = unique('fwd-user');
      const innerName = unique('fwd-inner');
      const outerName = unique('fwd-outer');
      const ops = operationsOf(
        await bulk(client, [
          // outer refers to inner (a group) and to the user; inner refers to the user; all listed first.
          groupOp('outer', outerName, [{ value: 'bulkId:inner', type: 'Group' }, { value: 'bulkId:user', type: 'User' }]),
          groupOp('inner', innerName, [{ value: 'bulkId:user', type: 'User' }]),
          userOp('user', userName),
        ]),
      );
      expect(ops).toHaveLength(3);
      for (const id of ['outer', 'inner', 'user']) expect(byBulkId(ops, id).status, JSON.stringify(ops)).toBe('201');
      const userId = idFromLocation(byBulkId(ops, 'user').location!);
      const innerId = idFromLocation(byBulkId(ops, 'inner').location!);
      const outer = await client.get(byBulkId(ops, 'outer').location!);
      expect(memberValues(outer.body)).toEqual([innerId, userId].sort());
      const inner = await client.get(byBulkId(ops, 'inner').location!);
      expect(memberValues(inner.body)).toEqual([userId]);
      const user = await client.get(`/Users/${userId}`);
      expect(user.body.userName).toBe(userName);
    });

    it('resolves the enterprise manager value "bulkId:x" (listed before the manager)', async () => {
      const ops = operationsOf(
        await bulk(client, [
          userOp('employee', unique('employee'), { schemas: [USER_URN, ENTERPRISE_URN], [ENTERPRISE_URN]: { manager: { value: 'bulkId:boss' } } }),
          userOp('boss', unique('boss')),
        ]),
      );
      expect(ops.map((o) => o.status)).toEqual(['201', '201']);
      const bossId = idFromLocation(byBulkId(ops, 'boss').location!);
      const employee = await client.get(byBulkId(ops, 'employee').location!);
      expect(employee.status).toBe(200);
      expect(employee.body[ENTERPRISE_URN].manager.value).toBe(bossId);
    });

    it('resolves "bulkId:x" in a path (/Users/bulkId:x, /Groups/bulkId:x), even listed first', async () => {
      const userName = unique('path-user');
      const groupName = unique('path-group');
      const ops = operationsOf(
        await bulk(client, [
          {
            method: 'PATCH',
            path: '/Users/bulkId:pu',
            data: { schemas: [PATCH_URN], Operations: [{ op: 'replace', path: 'displayName', value: 'Patched via bulkId' }] },
          },
          { method: 'PUT', path: '/Groups/bulkId:pg', data: { schemas: [GROUP_URN], displayName: `${groupName}-renamed` } },
          userOp('pu', userName),
          groupOp('pg', groupName),
          userOp('gone', unique('path-gone')),
          { method: 'DELETE', path: '/Users/bulkId:gone' },
        ]),
      );
      expect(ops).toHaveLength(6);
      const patch = ops.find((o) => o.method === 'PATCH')!;
      const put = ops.find((o) => o.method === 'PUT')!;
      const del = ops.find((o) => o.method === 'DELETE')!;
      const created = byBulkId(ops, 'pu');
      expect([patch.status, put.status, created.status, del.status]).toEqual(['200', '200', '201', '204']);
      expect(patch.location).toBe(created.location);
      expect(put.location).toBe(byBulkId(ops, 'pg').location);
      expect(del.location).toBe(byBulkId(ops, 'gone').location);

      const user = await client.get(created.location!);
      expect(user.body.userName).toBe(userName);
      expect(user.body.displayName).toBe('Patched via bulkId');
      expect(patch.version).toBe(user.body.meta.version);
      const group = await client.get(put.location!);
      expect(group.body.displayName).toBe(`${groupName}-renamed`);
      expectScimError(await client.get(del.location!), 404);
    });

    it('answers circular references (A member of B, B member of A) with 409 per operation; nothing of the cycle is created', async () => {
      const nameA = unique('cycle-A');
      const nameB = unique('cycle-B');
      const bystander = unique('bystander');
      const ops = operationsOf(
        await bulk(client, [
          groupOp('A', nameA, [{ value: 'bulkId:B', type: 'Group' }]),
          groupOp('B', nameB, [{ value: 'bulkId:A', type: 'Group' }]),
          userOp('ok', bystander),
        ]),
      );
      expect(ops).toHaveLength(3);
      expectOpError(byBulkId(ops, 'A'), 409);
      expectOpError(byBulkId(ops, 'B'), 409);
      expect(byBulkId(ops, 'A').location).toBeUndefined();
      expect(byBulkId(ops, 'ok').status).toBe('201');
      expect(await groupsNamed(client, nameA)).toBe(0);
      expect(await groupsNamed(client, nameB)).toBe(0);
      expect(await usersNamed(client, bystander)).toBe(1);
    });

    it('answers a self-reference (a group member of itself) with 409', async () => {
      const name = unique('self');
      const ops = operationsOf(await bulk(client, [groupOp('me', name, [{ value: 'bulkId:me', type: 'Group' }])]));
      expect(ops).toHaveLength(1);
      expectOpError(ops[0], 409);
      expect(await groupsNamed(client, name)).toBe(0);
    });

    it('resolves "bulkId:x" in a PATCH value (members added to a group created in the same request, user listed last)', async () => {
      const userName = unique('patch-member');
      const ops = operationsOf(
        await bulk(client, [
          groupOp('grp', unique('patch-group')),
          {
            method: 'PATCH',
            path: '/Groups/bulkId:grp',
            data: { schemas: [PATCH_URN], Operations: [{ op: 'add', path: 'members', value: [{ value: 'bulkId:usr' }] }] },
          },
          userOp('usr', userName),
        ]),
      );
      expect(ops.map((o) => o.status)).toEqual(['201', '200', '201']);
      const userId = idFromLocation(byBulkId(ops, 'usr').location!);
      const group = await client.get(byBulkId(ops, 'grp').location!);
      expect(memberValues(group.body)).toEqual([userId]);
      expect(group.body.meta.version).toBe(ops[1].version);
    });

    it('answers a reference to an unknown bulkId with 409; nothing created', async () => {
      const name = unique('dangling');
      const ops = operationsOf(await bulk(client, [groupOp('g', name, [{ value: 'bulkId:nobody' }])]));
      expect(ops).toHaveLength(1);
      expectOpError(ops[0], 409);
      expect(await groupsNamed(client, name)).toBe(0);
    });

    it('answers a reference to an operation that failed with 409 (the referencing operation does not run)', async () => {
      const name = unique('after-failure');
      const ops = operationsOf(
        await bulk(client, [
          groupOp('g', name, [{ value: 'bulkId:bad' }]),
          { method: 'POST', path: '/Users', bulkId: 'bad', data: { schemas: [USER_URN], displayName: 'no userName' } },
        ]),
      );
      expectOpError(byBulkId(ops, 'bad'), 400);
      expectOpError(byBulkId(ops, 'g'), 409);
      expect(await groupsNamed(client, name)).toBe(0);
    });
  });

  describe('bulkId rules', () => {
    it('rejects a duplicate bulkId with 400 (only the first declaration runs)', async () => {
      const first = unique('dup-first');
      const second = unique('dup-second');
      const ops = operationsOf(await bulk(client, [userOp('same', first), userOp('same', second)]));
      expect(ops).toHaveLength(2);
      expect(ops[0].status).toBe('201');
      expectOpError(ops[1], 400);
      expect(await usersNamed(client, first)).toBe(1);
      expect(await usersNamed(client, second)).toBe(0);
    });

    it('requires bulkId on POST: 400 for that operation, nothing created', async () => {
      const userName = unique('no-bulkid');
      const ops = operationsOf(await bulk(client, [{ method: 'POST', path: '/Users', data: { schemas: [USER_URN], userName } }]));
      expect(ops).toHaveLength(1);
      expect(ops[0].method).toBe('POST');
      expectOpError(ops[0], 400);
      expect(await usersNamed(client, userName)).toBe(0);
    });
  });

  describe('errors and failOnErrors (RFC 7644 §3.7.3)', () => {
    it('without failOnErrors, a failing operation in the middle does not stop the others; every operation is answered', async () => {
      const taken = await createUser(client);
      const before = unique('before');
      const after = unique('after');
      const ops = operationsOf(await bulk(client, [userOp('1', before), userOp('2', taken.userName), userOp('3', after)]));
      expect(ops).toHaveLength(3);
      expect(ops.map((o) => o.bulkId)).toEqual(['1', '2', '3']);
      expect(ops[0].status).toBe('201');
      expectOpError(ops[1], 409, 'uniqueness');
      expect(ops[1].location).toBeUndefined();
      expect(ops[2].status).toBe('201');
      expect(await usersNamed(client, before)).toBe(1);
      expect(await usersNamed(client, after)).toBe(1);
      expect(await usersNamed(client, taken.userName)).toBe(1);
    });

    it('with failOnErrors: 1, stops after the first error: later operations are neither answered nor run', async () => {
      const taken = await createUser(client);
      const before = unique('fe-before');
      const laterUser = unique('fe-later');
      const laterGroup = unique('fe-later-group');
      const ops = operationsOf(
        await bulk(client, [userOp('1', before), userOp('2', taken.userName), userOp('3', laterUser), groupOp('4', laterGroup)], { failOnErrors: 1 }),
      );
      expect(ops.map((o) => o.bulkId)).toEqual(['1', '2']);
      expect(ops[0].status).toBe('201');
      expectOpError(ops[1], 409, 'uniqueness');
      expect(await usersNamed(client, before)).toBe(1);
      expect(await usersNamed(client, laterUser)).toBe(0);
      expect(await groupsNamed(client, laterGroup)).toBe(0);
    });

    it('with failOnErrors: 2, runs on after the first error and stops after the second', async () => {
      const taken = await createUser(client);
      const ok = unique('fe2-ok');
      const never = unique('fe2-never');
      const ops = operationsOf(
        await bulk(client, [userOp('1', taken.userName), userOp('2', ok), { method: 'DELETE', path: `/Users/${randomUUID()}` }, userOp('4', never)], {
          failOnErrors: 2,
        }),
      );
      expect(ops).toHaveLength(3);
      expectOpError(ops[0], 409, 'uniqueness');
      expect(ops[1].status).toBe('201');
      expectOpError(ops[2], 404);
      expect(await usersNamed(client, ok)).toBe(1);
      expect(await usersNamed(client, never)).toBe(0);
    });
  });

  describe('version acts as If-Match (RFC 7644 §3.7)', () => {
    it('answers a stale version with 412 for PUT, PATCH and DELETE, and changes nothing', async () => {
      const user = await createUser(client, { displayName: 'Original' });
      const group = await createGroup(client);
      // Make the creation-time versions stale.
      const bumped = await client.patch(`/Users/${user.id}`, { schemas: [PATCH_URN], Operations: [{ op: 'replace', path: 'nickName', value: 'nick' }] });
      expect(bumped.status, bumped.text).toBe(200);
      const current = bumped.body.meta.version;
      expect(current).not.toBe(user.meta.version);
      const stale = user.meta.version;

      const ops = operationsOf(
        await bulk(client, [
          { method: 'PUT', path: `/Users/${user.id}`, version: stale, data: { schemas: [USER_URN], userName: unique('replaced') } },
          {
            method: 'PATCH',
            path: `/Users/${user.id}`,
            version: stale,
            data: { schemas: [PATCH_URN], Operations: [{ op: 'replace', path: 'displayName', value: 'Changed' }] },
          },
          { method: 'DELETE', path: `/Users/${user.id}`, version: stale },
          { method: 'DELETE', path: `/Groups/${group.id}`, version: 'W/"not-the-version"' },
        ]),
      );
      expect(ops.map((o) => o.method)).toEqual(['PUT', 'PATCH', 'DELETE', 'DELETE']);
      for (const op of ops) expectOpError(op, 412);

      const got = await client.get(`/Users/${user.id}`);
      expect(got.status).toBe(200);
      expect(got.body.userName).toBe(user.userName);
      expect(got.body.displayName).toBe('Original');
      expect(got.body.meta.version).toBe(current);
      const g = await client.get(`/Groups/${group.id}`);
      expect(g.status).toBe(200);
      expect(g.body.meta.version).toBe(group.meta.version);
    });

    it('runs an operation whose version is current', async () => {
      const user = await createUser(client);
      const ops = operationsOf(
        await bulk(client, [
          {
            method: 'PATCH',
            path: `/Users/${user.id}`,
            version: user.meta.version,
            data: { schemas: [PATCH_URN], Operations: [{ op: 'replace', path: 'displayName', value: 'Fresh' }] },
          },
        ]),
      );
      expect(ops[0].status).toBe('200');
      const got = await client.get(`/Users/${user.id}`);
      expect(got.body.displayName).toBe('Fresh');
      expect(got.body.meta.version).toBe(ops[0].version);
    });
  });

  describe('operation data is validated like a single request', () => {
    it('answers a POST without userName with 400 in that operation; the others run', async () => {
      const ok = unique('valid');
      const ops = operationsOf(
        await bulk(client, [
          { method: 'POST', path: '/Users', bulkId: 'bad', data: { schemas: [USER_URN], displayName: 'No userName' } },
          userOp('good', ok),
        ]),
      );
      expectOpError(byBulkId(ops, 'bad'), 400);
      expect(byBulkId(ops, 'bad').response.detail).toMatch(/userName/);
      expect(byBulkId(ops, 'good').status).toBe('201');
      expect(await usersNamed(client, ok)).toBe(1);
    });

    it('treats attribute names in data case-insensitively (UserName, DisplayName, Members/Value)', async () => {
      const userName = unique('Pascal');
      const groupName = unique('PascalGroup');
      const ops = operationsOf(
        await bulk(client, [
          { method: 'POST', path: '/Users', bulkId: 'u', data: { schemas: [USER_URN], UserName: userName, DisplayName: 'Pascal Case' } },
          { method: 'POST', path: '/Groups', bulkId: 'g', data: { schemas: [GROUP_URN], DisplayName: groupName, Members: [{ Value: 'bulkId:u' }] } },
        ]),
      );
      expect(ops.map((o) => o.status)).toEqual(['201', '201']);
      const user = await client.get(byBulkId(ops, 'u').location!);
      expect(user.body.userName).toBe(userName);
      expect(user.body.displayName).toBe('Pascal Case');
      expect(user.body.UserName).toBeUndefined();
      const group = await client.get(byBulkId(ops, 'g').location!);
      expect(group.body.displayName).toBe(groupName);
      expect(memberValues(group.body)).toEqual([user.body.id]);
    });

    it('treats PatchOp keys in PATCH data case-insensitively, like a single PATCH (Operations/Op/Path/Value)', async () => {
      // Regression: bulk data is free-form in the contract, so it missed the key renaming a
      // single PATCH body gets; {Op, Path, Value} answered 400 in /Bulk (fixed in src/bulk/execute.ts).
      const user = await createUser(client);
      const single = await client.patch(`/Users/${user.id}`, {
        schemas: [PATCH_URN],
        Operations: [{ Op: 'Replace', Path: 'displayName', Value: 'Single' }],
      });
      expect(single.status, single.text).toBe(200);
      const ops = operationsOf(
        await bulk(client, [
          { method: 'PATCH', path: `/Users/${user.id}`, data: { schemas: [PATCH_URN], Operations: [{ Op: 'Replace', Path: 'displayName', Value: 'Bulk1' }] } },
          { method: 'PATCH', path: `/Users/${user.id}`, data: { schemas: [PATCH_URN], OPERATIONS: [{ op: 'replace', PATH: 'nickName', VALUE: 'Bulk2' }] } },
        ]),
      );
      expect(ops.map((o) => o.status), JSON.stringify(ops)).toEqual(['200', '200']);
      const got = await client.get(`/Users/${user.id}`);
      expect(got.body.displayName).toBe('Bulk1');
      expect(got.body.nickName).toBe('Bulk2');
    });

    it('answers an invalid PATCH operation with 400 in that operation, nothing changed', async () => {
      const user = await createUser(client, { displayName: 'Kept' });
      const ops = operationsOf(
        await bulk(client, [
          { method: 'PATCH', path: `/Users/${user.id}`, data: { schemas: [PATCH_URN], Operations: [{ op: 'frobnicate', path: 'displayName', value: 'x' }] } },
          { method: 'PATCH', path: `/Users/${user.id}`, data: { schemas: [PATCH_URN], Operations: [] } },
          { method: 'PATCH', path: `/Users/${user.id}` },
        ]),
      );
      for (const op of ops) expectOpError(op, 400);
      const got = await client.get(`/Users/${user.id}`);
      expect(got.body.displayName).toBe('Kept');
      expect(got.body.meta.version).toBe(user.meta.version);
    });

    it('treats BulkRequest attribute names case-insensitively (operations, Method, Path, BulkId, Data)', async () => {
      const userName = unique('lower');
      const res = await client.post('/Bulk', {
        schemas: [BULK_REQUEST_URN],
        operations: [{ Method: 'POST', Path: '/Users', BulkId: 'l', Data: { schemas: [USER_URN], userName } }],
      });
      const ops = operationsOf(res);
      expect(ops).toHaveLength(1);
      expect(ops[0].bulkId).toBe('l');
      expect(ops[0].status).toBe('201');
      expect(await usersNamed(client, userName)).toBe(1);
    });

    it('answers an unknown endpoint in a path with an error in that operation', async () => {
      const ops = operationsOf(await bulk(client, [{ method: 'POST', path: '/Widgets', bulkId: 'w', data: { schemas: [USER_URN], userName: unique('w') } }]));
      expect(Number(ops[0].status)).toBeGreaterThanOrEqual(400);
      expect(ops[0].response.schemas).toEqual([ERROR_URN]);
    });
  });

  describe('malformed requests', () => {
    it('answers a request without Operations with 400', async () => {
      const before = await totals(client);
      const res = await client.post('/Bulk', { schemas: [BULK_REQUEST_URN], failOnErrors: 1 });
      expectScimError(res, 400);
      expect(await totals(client)).toEqual(before);
    });

    it('answers an operation with method GET with 400; no operation runs', async () => {
      const userName = unique('not-run');
      const res = await bulk(client, [userOp('1', userName), { method: 'GET', path: '/Users' }]);
      expectScimError(res, 400);
      expect(await usersNamed(client, userName)).toBe(0);
    });

    it('answers failOnErrors below 1 with 400; no operation runs', async () => {
      const userName = unique('fe0');
      expectScimError(await bulk(client, [userOp('1', userName)], { failOnErrors: 0 }), 400);
      expect(await usersNamed(client, userName)).toBe(0);
    });

    it('answers an empty Operations list with an empty BulkResponse', async () => {
      expect(operationsOf(await bulk(client, []))).toEqual([]);
    });

    it('answers Operations that is not an array, and a body that is not JSON, with 400', async () => {
      expectScimError(await client.post('/Bulk', { schemas: [BULK_REQUEST_URN], Operations: { method: 'POST' } }), 400);
      expectScimError(await client.post('/Bulk', '{"Operations": ['), 400, 'invalidSyntax');
    });
  });
});

describe('POST /Bulk limits (RFC 7644 §3.7.4)', () => {
  const MAX_OPERATIONS = 3;
  const MAX_PAYLOAD = 2048;
  let app: TestApp;
  let client: ScimTestClient;
  beforeAll(async () => {
    app = await startApp({ bulkMaxOperations: MAX_OPERATIONS, bulkMaxPayloadSize: MAX_PAYLOAD });
    client = app.client;
  });
  afterAll(() => app.close());

  it('advertises bulk.supported with the configured maxOperations and maxPayloadSize', async () => {
    const res = await client.get('/ServiceProviderConfig');
    expect(res.status).toBe(200);
    expect(res.body.bulk).toEqual({ supported: true, maxOperations: MAX_OPERATIONS, maxPayloadSize: MAX_PAYLOAD });
  });

  it('accepts exactly maxOperations operations', async () => {
    const names = [unique('lim'), unique('lim'), unique('lim')];
    const ops = operationsOf(await bulk(client, names.map((n, i) => userOp(String(i), n))));
    expect(ops.map((o) => o.status)).toEqual(['201', '201', '201']);
  });

  it('answers more than maxOperations operations with 413 and runs none', async () => {
    const before = await totals(client);
    const names = [unique('over'), unique('over'), unique('over'), unique('over')];
    const res = await bulk(client, names.map((n, i) => userOp(String(i), n)));
    expectScimError(res, 413);
    expect(res.body.detail).toMatch(String(MAX_OPERATIONS));
    expect(await totals(client)).toEqual(before);
  });

  it('answers a body over maxPayloadSize with 413 and runs none', async () => {
    const before = await totals(client);
    const userName = unique('big');
    const body = { schemas: [BULK_REQUEST_URN], Operations: [userOp('1', userName, { displayName: 'x'.repeat(MAX_PAYLOAD) })] };
    expect(JSON.stringify(body).length).toBeGreaterThan(MAX_PAYLOAD);
    const res = await client.post('/Bulk', body);
    expectScimError(res, 413);
    expect(await usersNamed(client, userName)).toBe(0);
    expect(await totals(client)).toEqual(before);
  });

  it('accepts a body just under maxPayloadSize', async () => {
    const userName = unique('fits');
    const base = { schemas: [BULK_REQUEST_URN], Operations: [userOp('1', userName, { displayName: '' })] };
    const room = MAX_PAYLOAD - Buffer.byteLength(JSON.stringify(base)) - 10;
    const body = { schemas: [BULK_REQUEST_URN], Operations: [userOp('1', userName, { displayName: 'y'.repeat(room) })] };
    expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThanOrEqual(MAX_PAYLOAD);
    const ops = operationsOf(await client.post('/Bulk', body));
    expect(ops[0].status).toBe('201');
    expect(await usersNamed(client, userName)).toBe(1);
  });

  it('the /Bulk limit does not change the body limit of other endpoints', async () => {
    const res = await client.post('/Users', { schemas: [USER_URN], userName: unique('plain'), displayName: 'z'.repeat(MAX_PAYLOAD * 2) });
    expect(res.status, res.text).toBe(201);
  });
});

describe('POST /Bulk body limit above the general body limit', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ bodyLimit: 1024, bulkMaxPayloadSize: 8192 });
  });
  afterAll(() => app.close());

  it('accepts a /Bulk body over bodyLimit but within bulkMaxPayloadSize; other endpoints keep bodyLimit', async () => {
    const userName = unique('roomy');
    const ops = operationsOf(await bulk(app.client, [userOp('1', userName, { displayName: 'q'.repeat(3000) })]));
    expect(ops[0].status).toBe('201');
    expect(await usersNamed(app.client, userName)).toBe(1);
    expectScimError(await app.client.post('/Users', { schemas: [USER_URN], userName: unique('cramped'), displayName: 'q'.repeat(3000) }), 413);
  });
});

describe('POST /Bulk with authentication', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ tokens: ['bulk-token'] });
  });
  afterAll(() => app.close());

  it('answers 401 without a token and runs nothing; runs with the token', async () => {
    const userName = unique('authn');
    expectScimError(await bulk(app.client, [userOp('1', userName)]), 401);
    const authed = app.client.withHeaders({ authorization: 'Bearer bulk-token' });
    expect(await usersNamed(authed, userName)).toBe(0);
    const ops = operationsOf(await bulk(authed, [userOp('1', userName)]));
    expect(ops[0].status).toBe('201');
    expect(await usersNamed(authed, userName)).toBe(1);
  });
});

describe('POST /Bulk defaults', () => {
  it('advertises maxOperations 1000 and maxPayloadSize 4 MiB when not configured', async () => {
    const app = await startApp();
    try {
      const res = await app.client.get('/ServiceProviderConfig');
      expect(res.body.bulk).toEqual({ supported: true, maxOperations: 1000, maxPayloadSize: 4 * 1024 * 1024 });
    } finally {
      await app.close();
    }
  });
});

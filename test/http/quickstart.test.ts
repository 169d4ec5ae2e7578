// The README's quickstart, as written: the library API, and the router mounted in an Express app
// at a prefix of the user's choosing.
import express from 'express';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ScimError, ScimServer, type ScimGroup, type ScimUser } from 'scim2-server';
import { ScimTestClient, SCIM_PATH, USER_URN } from '../helpers/scim-app.ts';

describe('library quickstart', () => {
  it('creates data from code and serves it from a mounted router', async () => {
    const server = await ScimServer.create();
    const bjensen: ScimUser = await server.users.create({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'bjensen',
      name: { givenName: 'Barbara', familyName: 'Jensen' },
    });
    const guides: ScimGroup = await server.groups.create({ displayName: 'Tour Guides', members: [{ value: bjensen.id! }] });
    expect(bjensen.id).toBeTruthy();
    expect(guides.members).toEqual([
      expect.objectContaining({ value: bjensen.id, type: 'User', display: 'bjensen' }),
    ]);

    const app = express();
    app.use('/api/identity/scim', server.router);
    const http = app.listen(0, '127.0.0.1');
    await new Promise((r) => http.once('listening', r));
    try {
      const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/api/identity/scim`;
      const res = await fetch(`${base}/Users/${bjensen.id}`);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.userName).toBe('bjensen');
      expect(body.meta.location).toBe(`${base}/Users/${bjensen.id}`);
      expect(body.groups).toEqual([expect.objectContaining({ value: guides.id, display: 'Tour Guides', type: 'direct' })]);
    } finally {
      http.close();
    }
  });

  it('rejects a user without userName from code, naming userName', async () => {
    const server = await ScimServer.create();
    const attempt = server.users.create({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'] } as ScimUser);
    await expect(attempt).rejects.toBeInstanceOf(ScimError);
    await expect(attempt).rejects.toThrow(/userName/);
    expect((await server.users.list()).totalResults).toBe(0);
  });

  it('enforces the same rules from code as over HTTP', async () => {
    const server = await ScimServer.create();
    await server.users.create({ userName: 'Alice' });
    await expect(server.users.create({ userName: 'ALICE' })).rejects.toMatchObject({ status: 409, scimType: 'uniqueness' });
    await expect(server.groups.create({ displayName: 'g', members: [{ value: 'nobody' }] })).rejects.toMatchObject({
      status: 400,
      scimType: 'invalidValue',
    });
    const u = await server.users.create({ UserName: 'bob', Active: true } as unknown as ScimUser);
    expect(u).toMatchObject({ userName: 'bob', active: true });
    const replaced = await server.users.replace(u.id!, { userName: 'bob', title: 'T' });
    expect(replaced.active).toBeUndefined();
    await server.users.delete(u.id!);
    await expect(server.users.get(u.id!)).rejects.toMatchObject({ status: 404 });
  });

  it("serves writes under an app that runs its own body parser first (express.json() for SCIM's media types)", async () => {
    const server = await ScimServer.create();
    const app = express();
    app.use(express.json({ type: ['application/json', 'application/scim+json'] }));
    app.use(SCIM_PATH, server.router);
    const http = app.listen(0, '127.0.0.1');
    await new Promise((r) => http.once('listening', r));
    try {
      const client = new ScimTestClient(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, server);
      const created = await client.post('/Users', { schemas: [USER_URN], userName: 'parsed-before' });
      expect(created.status).toBe(201);
      const patched = await client.patch(`/Users/${created.body.id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'title', value: 'Guide' }],
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ userName: 'parsed-before', title: 'Guide' });
    } finally {
      http.close();
    }
  });
});

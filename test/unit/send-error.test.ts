// sendError (src/http/errors.ts) on real HTTP exchanges: a SCIM error body normally, and when the
// answer has already begun, the exchange ends without a throw (which would be an unhandled
// rejection in the router, so a process crash).
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScimError } from '../../src/errors.ts';
import { sendError } from '../../src/http/errors.ts';

let server: Server;
let port: number;
const logged: unknown[] = [];
const thrown: unknown[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/begun') res.writeHead(200, { 'Content-Type': 'application/scim+json' });
    try {
      sendError(res as unknown as Response, new ScimError(409, 'Conflict', 'uniqueness'), (e) => logged.push(e));
    } catch (err) {
      thrown.push(err);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function fetchRaw(path: string): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
      res.on('error', (e) => resolve({ error: e.message }));
    });
    req.on('error', (e) => resolve({ error: e.message }));
  });
}

describe('sendError', () => {
  it('answers a SCIM error body with the status as a string', async () => {
    const res = await fetchRaw('/');
    expect(res).toMatchObject({ status: 409 });
    const body = JSON.parse((res as { body: string }).body);
    expect(body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409', scimType: 'uniqueness' });
  });

  it('ends an exchange whose answer has begun instead of throwing, and logs the error', async () => {
    const before = logged.length;
    const res = await fetchRaw('/begun');
    expect(thrown).toEqual([]);
    expect(logged.length).toBe(before + 1);
    // The client sees the begun answer cut short, never a second one.
    if ('status' in res) expect(res.status).toBe(200);
    else expect(res.error).toMatch(/aborted|socket hang up|ECONNRESET/);
  });
});

// Shared bits of the security tests: credentials as headers, a check that no request managed to
// pollute Object.prototype, and raw HTTP/1.1 exchanges for what fetch cannot send.
import { createHash, randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { expect } from 'vitest';
import type { ScimTestClient } from '../helpers/scim-app.ts';

export const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
export const PATCH_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SEARCH_URN = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
export const BULK_URN = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

export const bearer = (client: ScimTestClient, token: string) => client.withHeaders({ authorization: `Bearer ${token}` });
export const basic = (client: ScimTestClient, user: string, password: string) =>
  client.withHeaders({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

export const sha256Digest = (token: string) => `sha256:${createHash('sha256').update(token).digest('hex')}`;

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

/** Nothing was added to Object.prototype, and a fresh object has no `polluted` property. */
export function expectNoPollution(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS);
  expect(Object.getOwnPropertySymbols(Object.prototype)).toEqual([]);
  expect(Object.getOwnPropertyNames(Array.prototype)).not.toContain('polluted');
}

/** Users (totalResults) visible with a credential that may read. */
export async function userCount(client: ScimTestClient): Promise<number> {
  const res = await client.get('/Users?count=0');
  expect(res.status, res.text).toBe(200);
  return res.body.totalResults;
}

/** A raw HTTP/1.1 exchange: the status line and body of whatever the server answers first. */
export function rawRequest(origin: string, head: string, body: Buffer | string, opts: { endBody?: boolean } = {}): Promise<{ status: number; head: string; text: string; ms: number }> {
  const { hostname, port } = new URL(origin);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 10 s; got ${JSON.stringify(data.slice(0, 200))}`));
    }, 10_000);
    socket.on('connect', () => {
      socket.write(head);
      socket.write(body);
      if (opts.endBody) socket.end();
    });
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = /content-length:\s*(\d+)/i.exec(data.slice(0, end));
      if (length && data.length - end - 4 >= Number(length[1])) {
        clearTimeout(timer);
        socket.destroy();
        resolve({ status: Number(data.slice(9, 12)), head: data.slice(0, end), text: data.slice(end + 4), ms: Date.now() - started });
      }
    });
    socket.on('error', () => {}); // the server may close while we are still sending
    socket.on('close', () => {
      clearTimeout(timer);
      if (data) resolve({ status: Number(data.slice(9, 12)), head: data.slice(0, data.indexOf('\r\n\r\n')), text: data.slice(data.indexOf('\r\n\r\n') + 4), ms: Date.now() - started });
    });
  });
}

// Request logs, black-box: the real app with an injected log destination; every line must be JSON
// with the request's id, method, path, status, latency and SCIM operationId, and no line may carry
// a credential, a password or a query value.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/ops/logger.ts';
import { ScimServer } from '../../src/server.ts';

const TOKEN = 'secret-token';
const PASSWORD = 'Tr0ub4dor&3-never-log-me';
const SCIM = 'application/scim+json';

let raw: string[] = [];
const lines = () => raw.map((l) => JSON.parse(l) as Record<string, any>);
const requestLines = () => lines().filter((l) => l.msg?.startsWith('request'));

let http: Server;
let server: ScimServer;
let origin: string;

async function start(level: string): Promise<{ http: Server; server: ScimServer; origin: string }> {
  const server = await ScimServer.create({ tokens: [TOKEN], logError: () => {} });
  const logger = createLogger({ level, destination: { write: (line: string) => void raw.push(line) } });
  const app = createApp(server, { logger });
  const http = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { http, server, origin: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

async function stop(s: { http: Server; server: ScimServer }): Promise<void> {
  s.http.closeAllConnections();
  await new Promise((resolve) => s.http.close(resolve));
  await s.server.close();
}

const auth = { authorization: `Bearer ${TOKEN}` };

beforeAll(async () => {
  ({ http, server, origin } = await start('info'));
});
afterAll(async () => {
  if (http) await stop({ http, server });
});
beforeEach(() => {
  raw = [];
});

describe('request log lines', () => {
  it('are one JSON line per request with id, method, path, status, latency, operationId and subject', async () => {
    const res = await fetch(`${origin}/scim/v2/Users?filter=userName%20eq%20%22bjensen%22&count=5`, { headers: auth });
    expect(res.status).toBe(200);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const logged = requestLines();
    expect(logged).toHaveLength(1);
    const [line] = logged;
    expect(line).toMatchObject({
      level: 'info',
      requestId: id,
      method: 'GET',
      path: '/scim/v2/Users',
      status: 200,
      operationId: 'listUsers',
      msg: 'request completed',
    });
    expect(line.subject).toEqual(expect.any(String));
    expect(line.latencyMs).toEqual(expect.any(Number));
    expect(line.latencyMs).toBeGreaterThanOrEqual(0);
    // Query values (filters name people) stay out of the log.
    expect(raw.join('')).not.toContain('bjensen');
  });

  it('have the members, order and formats of a line pino writes itself (level, time, pid, hostname first)', async () => {
    expect((await fetch(`${origin}/scim/v2/ServiceProviderConfig`, { headers: auth })).status).toBe(200);
    // A line from the same kind of logger, written by pino from an object.
    const own: string[] = [];
    createLogger({ level: 'info', destination: { write: (line: string) => void own.push(line) } }).info({ requestId: 'r' }, 'x');
    const byPino = JSON.parse(own[0]!) as Record<string, unknown>;
    const [line] = requestLines();
    expect(raw[raw.length - 1]!.endsWith('}\n')).toBe(true);
    expect(Object.keys(line).slice(0, 5)).toEqual(Object.keys(byPino).slice(0, 5));
    expect(Object.keys(line)).toEqual(['level', 'time', 'pid', 'hostname', 'requestId', 'method', 'path', 'status', 'latencyMs', 'operationId', 'subject', 'msg']);
    expect(line).toMatchObject({ level: 'info', pid: byPino.pid, hostname: byPino.hostname, method: 'GET', path: '/scim/v2/ServiceProviderConfig', status: 200 });
    expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(typeof byPino.time).toBe('string');
  });

  it('echo a sane incoming X-Request-Id and log it', async () => {
    const res = await fetch(`${origin}/scim/v2/ServiceProviderConfig`, { headers: { ...auth, 'x-request-id': 'lb-7f3a.9_Z-1' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('lb-7f3a.9_Z-1');
    expect(requestLines()[0]).toMatchObject({ requestId: 'lb-7f3a.9_Z-1', operationId: 'getServiceProviderConfig' });
  });

  it('replace an insane X-Request-Id (too long, or characters a log could be forged with) by a new one', async () => {
    for (const incoming of ['x'.repeat(129), 'a b', 'id"}{"level":"fatal', 'a,b', '../etc']) {
      const res = await fetch(`${origin}/healthz`, { headers: { 'x-request-id': incoming } });
      const echoed = res.headers.get('x-request-id');
      expect(echoed).not.toBe(incoming);
      expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
    }
    const accepted = await fetch(`${origin}/healthz`, { headers: { 'x-request-id': 'x'.repeat(128) } });
    expect(accepted.headers.get('x-request-id')).toBe('x'.repeat(128));
  });

  it('never contain the Authorization header, the token or a password from the body', async () => {
    const res = await fetch(`${origin}/scim/v2/Users`, {
      method: 'POST',
      headers: { ...auth, 'content-type': SCIM },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'pwuser', password: PASSWORD }),
    });
    expect(res.status).toBe(201);
    // A wrong token and a Basic attempt are not logged either.
    const denied = await fetch(`${origin}/scim/v2/Users`, { headers: { authorization: 'Bearer wrong-secret-token-value' } });
    expect(denied.status).toBe(401);

    const text = raw.join('');
    expect(requestLines().map((l) => l.status)).toEqual([201, 401]);
    expect(requestLines()[0].operationId).toBe('createUser');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('wrong-secret-token-value');
    expect(text).not.toContain(PASSWORD);
    expect(text.toLowerCase()).not.toContain('authorization');
    expect(text).not.toContain('Bearer');
    expect(text).not.toContain('pwuser'); // no body at all
  });

  it('log probes at debug, so they stay out of an info log', async () => {
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    expect((await fetch(`${origin}/metrics`)).status).toBe(200);
    expect(requestLines()).toEqual([]);
  });
});

describe('log level', () => {
  it('warn: successful requests are not logged', async () => {
    const quiet = await start('warn');
    try {
      raw = [];
      expect((await fetch(`${quiet.origin}/scim/v2/Users`, { headers: auth })).status).toBe(200);
      expect(requestLines()).toEqual([]);
    } finally {
      await stop(quiet);
    }
  });

  it('debug: probes are logged too', async () => {
    const verbose = await start('debug');
    try {
      raw = [];
      await fetch(`${verbose.origin}/readyz`);
      expect(requestLines()).toMatchObject([{ level: 'debug', path: '/readyz', status: 200 }]);
      expect(requestLines()[0].operationId).toBeUndefined();
    } finally {
      await stop(verbose);
    }
  });
});

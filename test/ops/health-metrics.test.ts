// Probes and Prometheus metrics, black-box through the real app: outside the SCIM base and its
// auth wall, readiness follows store.ping(), and each app has a metrics registry of its own.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, type AppOptions } from '../../src/http/app.ts';
import { MemoryStore } from '../../src/store/memory/memory-store.ts';
import { ScimServer, type ScimServerOptions } from '../../src/server.ts';

const TOKEN = 'metrics-test-token';
const auth = { authorization: `Bearer ${TOKEN}` };
const running: { http: Server; server: ScimServer }[] = [];

async function start(options: ScimServerOptions = {}, appOptions: AppOptions = {}): Promise<string> {
  const server = await ScimServer.create({ tokens: [TOKEN], logError: () => {}, ...options });
  const http = await new Promise<Server>((resolve) => {
    const s = createApp(server, appOptions).listen(0, '127.0.0.1', () => resolve(s));
  });
  running.push({ http, server });
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

afterAll(async () => {
  for (const { http, server } of running) {
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
    await server.close();
  }
});

/** A memory store whose ping and count fail, as a store whose database is down. */
function brokenStore(): ScimServerOptions['store'] {
  return (registry) => {
    const store = new MemoryStore(registry);
    store.ping = () => Promise.reject(new Error('database unreachable'));
    store.count = () => Promise.reject(new Error('database unreachable'));
    return store;
  };
}

function sample(metrics: string, name: string, labels: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe('probes', () => {
  it('/healthz and /readyz answer 200 without credentials, outside the SCIM base', async () => {
    const origin = await start();
    for (const path of ['/healthz', '/readyz']) {
      const res = await fetch(`${origin}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.json()).toEqual({ status: 'ok' });
    }
    // The SCIM base itself still wants a credential.
    expect((await fetch(`${origin}/scim/v2/Users`)).status).toBe(401);
  });

  it('/readyz answers 503 when store.ping() rejects, without saying why; /healthz stays 200', async () => {
    const origin = await start({ store: brokenStore() });
    const ready = await fetch(`${origin}/readyz`);
    expect(ready.status).toBe(503);
    const text = await ready.text();
    expect(JSON.parse(text)).toEqual({ status: 'unavailable' });
    expect(text).not.toContain('database');
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
  });

  it('/readyz answers 503 while the app is shutting down', async () => {
    let draining = false;
    const origin = await start({}, { isShuttingDown: () => draining });
    expect((await fetch(`${origin}/readyz`)).status).toBe(200);
    draining = true;
    const res = await fetch(`${origin}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'shutting down' });
  });
});

describe('/metrics', () => {
  it('counts requests and latency by operationId and status, and resources per type', async () => {
    const origin = await start();
    const user = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'metrics-user' };
    const post = { method: 'POST', headers: { ...auth, 'content-type': 'application/scim+json' }, body: JSON.stringify(user) };
    expect((await fetch(`${origin}/scim/v2/Users`, post)).status).toBe(201);
    expect((await fetch(`${origin}/scim/v2/Users`, post)).status).toBe(409);
    expect((await fetch(`${origin}/scim/v2/Users`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${origin}/scim/v2/Users/does-not-exist`, { headers: auth })).status).toBe(404);

    const res = await fetch(`${origin}/metrics`); // no credential needed
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const metrics = await res.text();
    expect(metrics).toContain('# TYPE scim_http_requests_total counter');
    expect(metrics).toContain('# TYPE scim_http_request_duration_seconds histogram');
    expect(metrics).toContain('# TYPE scim_resources gauge');
    expect(sample(metrics, 'scim_http_requests_total', 'operation_id="createUser",status="201"')).toBe(1);
    expect(sample(metrics, 'scim_http_requests_total', 'operation_id="createUser",status="409"')).toBe(1);
    expect(sample(metrics, 'scim_http_requests_total', 'operation_id="listUsers",status="200"')).toBe(1);
    expect(sample(metrics, 'scim_http_requests_total', 'operation_id="getUser",status="404"')).toBe(1);
    expect(sample(metrics, 'scim_http_request_duration_seconds_count', 'operation_id="createUser",status="201"')).toBe(1);
    expect(sample(metrics, 'scim_http_request_duration_seconds_bucket', 'le="+Inf",operation_id="listUsers",status="200"')).toBe(1);
    expect(sample(metrics, 'scim_resources', 'resource_type="User"')).toBe(1);
    expect(sample(metrics, 'scim_resources', 'resource_type="Group"')).toBe(0);
    // Process metrics are opt-in (the CLI turns them on).
    expect(metrics).not.toContain('process_cpu_user_seconds_total');
  });

  it('resource counts follow the store between scrapes', async () => {
    const origin = await start();
    const group = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Scraped' };
    const post = { method: 'POST', headers: { ...auth, 'content-type': 'application/scim+json' }, body: JSON.stringify(group) };
    expect(sample(await (await fetch(`${origin}/metrics`)).text(), 'scim_resources', 'resource_type="Group"')).toBe(0);
    expect((await fetch(`${origin}/scim/v2/Groups`, post)).status).toBe(201);
    expect(sample(await (await fetch(`${origin}/metrics`)).text(), 'scim_resources', 'resource_type="Group"')).toBe(1);
  });

  it('keeps one registry per app: two apps in one process do not share counters', async () => {
    const a = await start();
    const b = await start({}, { processMetrics: true });
    expect((await fetch(`${a}/scim/v2/Groups`, { headers: auth })).status).toBe(200);
    const ma = await (await fetch(`${a}/metrics`)).text();
    const mb = await (await fetch(`${b}/metrics`)).text();
    expect(sample(ma, 'scim_http_requests_total', 'operation_id="listGroups",status="200"')).toBe(1);
    expect(sample(mb, 'scim_http_requests_total', 'operation_id="listGroups",status="200"')).toBeUndefined();
    expect(mb).toContain('process_cpu_user_seconds_total');
  });

  it('still answers when the store cannot count (resource gauge left empty)', async () => {
    const origin = await start({ store: brokenStore() });
    const res = await fetch(`${origin}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).not.toMatch(/^scim_resources\{/m);
  });
});

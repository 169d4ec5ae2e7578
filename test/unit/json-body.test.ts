// The JSON body reader (src/http/json-body.ts) on real HTTP requests: what it accepts, what it
// refuses and with which status and type, and that it never hangs on a body read before it.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BodyReadError, readJsonBody } from '../../src/http/json-body.ts';

const LIMIT = 1024;
let server: Server;
let port: number;
/** Runs before the reader when set: stands for an embedding app's own body parser. */
let before: ((req: IncomingMessage & { body?: unknown; _body?: boolean }) => Promise<void>) | undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    void (async () => {
      try {
        if (before) await before(req);
        await readJsonBody(req, LIMIT);
        res.end(JSON.stringify({ ok: true, body: (req as { body?: unknown }).body ?? null }));
      } catch (err) {
        const e = err as BodyReadError;
        res.setHeader('Connection', 'close');
        res.end(JSON.stringify({ ok: false, status: e.status, type: e.type, isBodyReadError: err instanceof BodyReadError }));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends raw bytes with the given headers (chunked unless a Content-Length is given). */
function send(body: Buffer | string | Buffer[], headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-type': 'application/scim+json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve(JSON.parse(text) as Record<string, unknown>));
    });
    req.on('error', reject);
    for (const part of Array.isArray(body) ? body : [body]) req.write(part);
    req.end();
  });
}

const user = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'bjensen', name: { givenName: 'Bärbel' } };

describe('readJsonBody', () => {
  it('parses a UTF-8 JSON object, whole or in many chunks, with or without a charset', async () => {
    expect(await send(JSON.stringify(user))).toEqual({ ok: true, body: user });
    const bytes = Buffer.from(JSON.stringify(user));
    const parts = [...bytes].map((b) => Buffer.from([b])); // one byte per chunk, splitting the ä
    expect(await send(parts, { 'content-type': 'application/json; charset=UTF-8' })).toEqual({ ok: true, body: user });
    expect(await send('[1,2]', { 'content-type': 'application/json; charset=utf8' })).toEqual({ ok: true, body: [1, 2] });
  });

  it('ignores a UTF-8 byte order mark (RFC 8259 §8.1)', async () => {
    expect(await send(`\ufeff${JSON.stringify(user)}`)).toEqual({ ok: true, body: user });
  });

  it('inflates gzip, deflate and br bodies, the limit counting inflated bytes', async () => {
    const json = JSON.stringify(user);
    expect(await send(gzipSync(json), { 'content-encoding': 'gzip' })).toEqual({ ok: true, body: user });
    expect(await send(deflateSync(json), { 'content-encoding': 'deflate' })).toEqual({ ok: true, body: user });
    expect(await send(brotliCompressSync(json), { 'content-encoding': 'br' })).toEqual({ ok: true, body: user });
    // 2 KiB of JSON compresses far below the limit, but inflates above it.
    const big = JSON.stringify({ userName: 'x'.repeat(2048) });
    expect(gzipSync(big).length).toBeLessThan(LIMIT);
    expect(await send(gzipSync(big), { 'content-encoding': 'gzip' })).toMatchObject({ ok: false, status: 413, type: 'entity.too.large' });
  });

  it('refuses an unknown content encoding (415) and a corrupt compressed body (400)', async () => {
    expect(await send('{}', { 'content-encoding': 'compress' })).toMatchObject({ ok: false, status: 415, type: 'encoding.unsupported' });
    expect(await send('not gzip at all', { 'content-encoding': 'gzip' })).toMatchObject({ ok: false, status: 400, type: 'encoding.invalid' });
  });

  it('refuses a charset other than UTF-8 (415) and bytes that are not UTF-8 (400)', async () => {
    expect(await send('{}', { 'content-type': 'application/json; charset=utf-16le' })).toMatchObject({ ok: false, status: 415, type: 'charset.unsupported' });
    expect(await send('{}', { 'content-type': 'application/json; charset=iso-8859-1' })).toMatchObject({ ok: false, status: 415 });
    const latin1 = Buffer.concat([Buffer.from('{"userName":"'), Buffer.from([0xe4]), Buffer.from('"}')]);
    expect(await send(latin1)).toMatchObject({ ok: false, status: 400, type: 'entity.utf8.invalid' });
  });

  it('refuses malformed JSON and JSON that is neither an object nor an array (400 entity.parse.failed)', async () => {
    for (const text of ['{"userName":', 'null', '"a string"', '42', 'true', '  \n x']) {
      expect(await send(text), text).toMatchObject({ ok: false, status: 400, type: 'entity.parse.failed', isBodyReadError: true });
    }
  });

  it('refuses a chunked body over the limit (413)', async () => {
    const chunks = Array.from({ length: 64 }, () => Buffer.alloc(1024, 0x20));
    expect(await send(chunks)).toMatchObject({ ok: false, status: 413, type: 'entity.too.large' });
  });

  it('leaves an empty body undefined (no JSON document)', async () => {
    expect(await send('')).toEqual({ ok: true, body: null });
  });

  it('keeps a body an earlier body parser read, instead of waiting for a stream already consumed', async () => {
    // body-parser 2 (express.json() of Express 5) leaves only the consumed stream; body-parser 1 also sets _body.
    for (const flag of [false, true]) {
      before = async (req) => {
        for await (const _ of req) void _;
        req.body = { parsedBy: 'the embedding app' };
        if (flag) req._body = true;
      };
      try {
        expect(await send(JSON.stringify(user))).toEqual({ ok: true, body: { parsedBy: 'the embedding app' } });
      } finally {
        before = undefined;
      }
    }
  });

  it('keeps `__proto__` as data, never as the prototype of the parsed body', async () => {
    const res = await send('{"__proto__":{"polluted":true},"userName":"p"}');
    expect(res.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Parsed as an own member (JSON.parse never calls the __proto__ setter), echoed back as one.
    expect(Object.prototype.hasOwnProperty.call(res.body, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(res.body)).toBe(Object.prototype);
  });
});

// Test harness: the real app on an ephemeral loopback port, and a client whose every response is
// validated against the contract (status declared for the operation, body and headers per schema,
// media type application/scim+json).
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { expect } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { answerClientErrorsAsScim } from '../../src/ops/client-errors.ts';
import { ScimServer, type ScimServerOptions } from '../../src/server.ts';

export const SCIM_PATH = '/scim/v2';

export interface ScimResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Sent as JSON unless a string (sent as is). */
  body?: unknown;
  /** Skip contract validation (only for deliberately non-SCIM endpoints). */
  raw?: boolean;
}

export class ScimTestClient {
  constructor(
    readonly origin: string,
    readonly server: ScimServer,
    private readonly defaultHeaders: Record<string, string> = {},
  ) {}

  get base(): string {
    return `${this.origin}${SCIM_PATH}`;
  }

  withHeaders(headers: Record<string, string>): ScimTestClient {
    return new ScimTestClient(this.origin, this.server, { ...this.defaultHeaders, ...headers });
  }

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<ScimResponse<T>> {
    const headers: Record<string, string> = { ...this.defaultHeaders, ...options.headers };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/scim+json';
    }
    const url = path.startsWith('http') ? path : `${this.base}${path}`;
    const res = await fetch(url, { method, headers, body });
    const text = await res.text();
    const parsed = text.length > 0 ? JSON.parse(text) : undefined;
    const response = { status: res.status, headers: res.headers, body: parsed, text };
    if (!options.raw) this.validate(method, new URL(url).pathname, response);
    return response;
  }

  get<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('GET', path, options);
  }
  post<T = any>(path: string, body: unknown, options?: RequestOptions) {
    return this.request<T>('POST', path, { ...options, body });
  }
  put<T = any>(path: string, body: unknown, options?: RequestOptions) {
    return this.request<T>('PUT', path, { ...options, body });
  }
  patch<T = any>(path: string, body: unknown, options?: RequestOptions) {
    return this.request<T>('PATCH', path, { ...options, body });
  }
  delete<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('DELETE', path, options);
  }

  /** Every SCIM response must be one the contract declares for its operation. */
  private validate(method: string, pathname: string, res: ScimResponse): void {
    const where = `${method} ${pathname} -> ${res.status} ${res.text.slice(0, 300)}`;
    if (res.text.length > 0) {
      expect(res.headers.get('content-type'), where).toMatch(/^application\/scim\+json/);
    }
    const api = this.server.backend.api;
    const relative = pathname.startsWith(SCIM_PATH) ? pathname.slice(SCIM_PATH.length) || '/' : pathname;
    let operation;
    try {
      operation = api.router.matchOperation({ method, path: relative, headers: {} }, true);
    } catch {
      operation = undefined;
    }
    if (!operation) {
      // Unknown route or method: the body must still be a SCIM error.
      expect([404, 405], where).toContain(res.status);
      expectValid(api.validator, errorSchema(api), res.body, where);
      return;
    }
    const responses = operation.responses as Record<string, { content?: Record<string, { schema: object }> }>;
    const declared = responses[String(res.status)] ?? responses.default;
    expect(declared, `${where}: status not declared by ${operation.operationId}`).toBeDefined();
    const schema = declared!.content?.['application/scim+json']?.schema;
    if (schema) {
      expectValid(api.validator, schema, res.body, where);
    } else {
      expect(res.text, `${where}: no body declared`).toBe('');
    }
    const headers = Object.fromEntries(res.headers.entries());
    const check = api.validateResponseHeaders(headers, operation, { statusCode: res.status, setMatchType: 'superset' as never });
    expect(check.errors ?? [], where).toEqual([]);
  }
}

function errorSchema(api: ScimServer['backend']['api']): object {
  return (api.definition as any).components.schemas.Error;
}

const compiled = new WeakMap<object, (v: unknown) => boolean>();
function expectValid(validator: any, schema: object, body: unknown, where: string): void {
  let validate = compiled.get(schema) as any;
  if (!validate) {
    validate = validator.getAjv('response').compile(schema);
    compiled.set(schema, validate);
  }
  const ok = validate(body);
  expect(ok ? [] : validate.errors, `${where}: body does not match the contract`).toEqual([]);
}

export interface TestApp {
  client: ScimTestClient;
  server: ScimServer;
  origin: string;
  close(): Promise<void>;
}

export async function startApp(options: ScimServerOptions = {}): Promise<TestApp> {
  const server = await ScimServer.create({ logError: () => {}, ...options });
  const app = createApp(server);
  const http: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  answerClientErrorsAsScim(http); // as the CLI does
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    client: new ScimTestClient(origin, server),
    server,
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }).then(() => server.close()),
  };
}

export const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** Asserts a SCIM error response (RFC 7644 §3.12). */
export function expectScimError(res: ScimResponse, status: number, scimType?: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.body.schemas).toEqual([ERROR_URN]);
  expect(res.body.status).toBe(String(status));
  if (scimType) expect(res.body.scimType).toBe(scimType);
  expect(res.text).not.toMatch(/at .*\.(ts|js):\d+/); // never a stack trace
}

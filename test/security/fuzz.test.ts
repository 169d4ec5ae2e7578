// Property-based fuzzing of the whole HTTP surface (fast-check, fixed seed, bounded runs and time).
// Requests are built from the contract's operations — their methods, paths and query parameters —
// with bodies that are valid User/Group/PatchOp/SearchRequest/BulkRequest messages put through
// random mutations, or plain random JSON or text, plus fully random methods and paths. Properties:
//   - never a 5xx (not even inside a BulkResponse), but /Me's 501 for a credential without a User;
//   - every answer is one the contract declares, errors as SCIM errors (the test client checks);
//   - no credential, a wrong one or a read-only one never changes anything;
//   - the store stays consistent: totals match a full scan, every User is found by `userName eq`,
//     userNames are unique (case-insensitively), every Group member exists, and User.groups agrees
//     with Group.members.
// FUZZ_SEED, FUZZ_RUNS and FUZZ_TIME_LIMIT_MS override the defaults (scripts/fuzz-long.ts does).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE_URN, GROUP_URN, startApp, USER_URN, type ScimResponse, type ScimTestClient, type TestApp } from '../helpers/scim-app.ts';
import { BULK_URN, expectNoPollution, PATCH_URN, SEARCH_URN } from './helpers.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20_240_607);
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_LIMIT_MS ?? 35_000);
const CHECK_EVERY = 10; // runs between full consistency checks

const TOKENS = { admin: 'fuzz-admin', me: 'fuzz-me', reader: 'fuzz-reader' };
type Auth = 'admin' | 'me' | 'reader' | 'none' | 'wrong';

// ---------------------------------------------------------------------------------------------
// Value pools (valid, borderline and hostile), picked by generated indices at run time.

const STRINGS = ['', 'x', 'bjensen', 'Bjensen', ' bjensen ', '__proto__', 'constructor', 'bulkId:u1', 'ü😀', '"', '\\', '\u0000', 'a'.repeat(300), 'urn:x', 'null', '1', 'true'];
const ATTR_PATHS = ['userName', 'displayName', 'nickName', 'active', 'name', 'name.givenName', 'name.familyName', 'emails', 'emails.value', 'emails[type eq "work"]', 'emails[type eq "work"].value', 'emails[primary eq true].type', 'phoneNumbers', 'members', 'members.value', 'groups', 'meta', 'meta.created', 'id', 'externalId', 'title', 'password', `${ENTERPRISE_URN}:manager`, `${ENTERPRISE_URN}:manager.value`, `${ENTERPRISE_URN}:employeeNumber`, `${USER_URN}:userName`, 'UserName', 'EMAILS[TYPE EQ "work"].VALUE', 'x', 'name.x', '__proto__', 'emails[', 'members[value eq "@id"]'];
const FILTERS = ['userName eq "bjensen"', 'userName sw "f"', 'userName co "-"', 'displayName pr', 'not (active eq false)', 'emails[type eq "work" and value co "@"]', 'meta.created gt "2000-01-01T00:00:00Z"', 'meta.lastModified le "2100-01-01T00:00:00Z"', 'members.value eq "@id"', 'id eq "@id"', 'externalId eq null', `${ENTERPRISE_URN}:employeeNumber eq "1"`, 'active eq true or nickName pr', 'userName gt 1', 'title ew "x" and (userName pr or displayName pr)', '(', 'userName eq', 'userName xx "y"', 'emails[value pr', '"', 'displayName eq "\\u0041"', 'x eq "y"'];
const SORTS = ['userName', 'displayName', 'meta.created', 'emails', 'name.familyName', 'id', 'x', ''];
const ETAGS = ['*', 'W/"nope"', '"x"', 'W/"', '', '@version'];
const BROKEN_ESCAPES = ['%', '%E0%A4%A', '%C0%AF', '%zz', 'a%2', '%FF%FE']; // put in a path as they are
const HOSTILE_IDS = ['__proto__', 'constructor', 'bulkId:u1', ' ', 'a b', 'ü', '%', `${'x'.repeat(300)}`, '.search', 'Users'];
const SEGMENTS = ['Users', 'Groups', '.search', 'Me', 'Bulk', 'Schemas', 'ResourceTypes', 'ServiceProviderConfig', 'users', 'x', '', '@id', USER_URN, 'User'];
const CONTENT_TYPES = ['application/scim+json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/scim+json; charset=latin1', 'application/xml'];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** Run-time state the generated indices pick from. */
interface Pools {
  users: string[];
  groups: string[];
  versions: string[];
}
const pick = <T>(list: readonly T[], i: number): T | undefined => (list.length ? list[i % list.length] : undefined);

// ---------------------------------------------------------------------------------------------
// Arbitraries: a request plan is data only; it is resolved against the pools when it runs.

// Lone surrogates cannot be percent-encoded (URIError): replace them, as String#toWellFormed would.
const wellFormed = (s: string) => s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
const printable = (s: string) => s.replace(/[^\x20-\x7e]/g, '');

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const smallString = fc.oneof(fc.constantFrom(...STRINGS), fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 8 }));

interface Mutation {
  kind: 'delete' | 'replace' | 'add' | 'wrap' | 'upper' | 'null' | 'proto' | 'stringify' | 'empty';
  at: number;
  key: string;
  value: unknown;
}
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('delete', 'replace', 'add', 'wrap', 'upper', 'null', 'proto', 'stringify', 'empty'),
  at: fc.nat(),
  key: fc.oneof(fc.constantFrom(...ATTR_PATHS, 'schemas', 'Operations', 'op', 'path', 'value', 'data', 'method', 'bulkId', 'filter'), smallString),
  value: fc.oneof(jsonValue, smallString, fc.integer(), fc.boolean()),
});

interface Seeds {
  s: string[]; // strings
  n: number[]; // indices
  b: boolean[];
}
const seeds: fc.Arbitrary<Seeds> = fc.record({
  s: fc.array(smallString, { minLength: 6, maxLength: 6 }),
  n: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
  b: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
});

interface Plan {
  mode: 'contract' | 'random';
  op: number;
  method: number;
  segments: number[];
  id: { kind: 'user' | 'group' | 'random' | 'hostile' | 'broken'; i: number; text: string };
  query: [string, { kind: 'pool' | 'random' | 'number'; i: number; text: string; n: number }][];
  body: { kind: 'template' | 'json' | 'text' | 'none'; json: unknown; text: string; mutations: Mutation[]; seeds: Seeds };
  headers: { auth: Auth; ifMatch?: number; ifNoneMatch?: number; contentType?: number };
}

function planArb(queryNames: readonly string[]): fc.Arbitrary<Plan> {
  const queryParam = fc.tuple(
    fc.constantFrom(...queryNames, 'junk'),
    fc.record({ kind: fc.constantFrom('pool', 'pool', 'pool', 'random', 'number'), i: fc.nat(), text: smallString, n: fc.oneof(fc.integer({ min: -5, max: 50 }), fc.integer()) }),
  );
  return fc.record({
    mode: fc.constantFrom('contract', 'contract', 'contract', 'contract', 'contract', 'contract', 'random'),
    op: fc.nat(),
    method: fc.nat(),
    segments: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
    id: fc.record({ kind: fc.constantFrom('user', 'user', 'user', 'group', 'group', 'group', 'random', 'hostile', 'broken'), i: fc.nat(), text: smallString }),
    query: fc.oneof(fc.array(queryParam, { maxLength: 0 }), fc.array(queryParam, { maxLength: 3 })), // often none
    body: fc.record({
      kind: fc.constantFrom(...Array<'template'>(8).fill('template'), 'json', 'text', 'none'),
      json: jsonValue,
      text: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('{', '{"schemas":', '[]', 'null', '{"a":1}{', '\u0000')),
      // Half the bodies stay valid, so requests get past validation to the real work.
      mutations: fc.oneof(fc.array(mutation, { maxLength: 0 }), fc.array(mutation, { minLength: 1, maxLength: 4 })),
      seeds,
    }),
    headers: fc.record(
      {
        auth: fc.constantFrom<Auth>(...Array<Auth>(12).fill('admin'), 'me', 'me', 'reader', 'none', 'wrong'),
        ifMatch: fc.nat(),
        ifNoneMatch: fc.nat(),
        contentType: fc.nat(),
      },
      { requiredKeys: ['auth'] },
    ),
  });
}

// ---------------------------------------------------------------------------------------------
// Valid bodies per operation, then mutated.

function userBody(s: Seeds, pools: Pools): Record<string, unknown> {
  return {
    schemas: s.b[0] ? [USER_URN, ENTERPRISE_URN] : [USER_URN],
    userName: `fz-${s.s[0]}-${s.n[0] % 1000}`,
    ...(s.b[1] ? { name: { givenName: s.s[1], familyName: s.s[2] }, displayName: s.s[3] } : {}),
    ...(s.b[2] ? { emails: [{ value: `${s.n[1] % 100}@example.com`, type: pick(['work', 'home', 'other'], s.n[2]), primary: s.b[3] }] } : {}),
    ...(s.b[0] ? { [ENTERPRISE_URN]: { employeeNumber: String(s.n[3] % 50), manager: { value: pick(pools.users, s.n[4]) ?? 'none' } } } : {}),
    active: s.b[3],
  };
}

function groupBody(s: Seeds, pools: Pools): Record<string, unknown> {
  const members = [pick(pools.users, s.n[0]), pick(pools.users, s.n[1]), pick(pools.groups, s.n[2])]
    .filter((v, i): v is string => v !== undefined && s.n[5 + (i % 3)] % 3 !== 0)
    .map((value) => ({ value }));
  return { schemas: [GROUP_URN], displayName: `fz-g-${s.s[0]}-${s.n[3] % 500}`, ...(members.length ? { members } : {}) };
}

function patchBody(s: Seeds, pools: Pools): Record<string, unknown> {
  const operations = [0, 1, 2].slice(0, 1 + (s.n[0] % 3)).map((k) => {
    const op = pick(['add', 'replace', 'remove', 'Add', 'REPLACE'], s.n[1 + k])!;
    const path = pick(ATTR_PATHS, s.n[4 + k])!.replace('@id', pick(pools.users, s.n[7]) ?? 'x');
    const member = pick(pools.users, s.n[k]) ?? pick(pools.groups, s.n[k]);
    const value = pick<unknown>([s.s[k], { givenName: s.s[k + 1] }, [{ value: member ?? 'missing' }], s.b[k], [{ value: `${s.n[k] % 9}@example.com`, type: 'work' }], { displayName: s.s[k], nickName: s.s[k + 2] }], s.n[k + 3]);
    return { op, ...(s.b[k] || op.toLowerCase() === 'remove' ? { path } : {}), ...(op.toLowerCase() === 'remove' && !s.b[3] ? {} : { value }) };
  });
  return { schemas: [PATCH_URN], Operations: operations };
}

function searchBody(s: Seeds, pools: Pools): Record<string, unknown> {
  return {
    schemas: [SEARCH_URN],
    ...(s.b[0] ? { filter: pick(FILTERS, s.n[0])!.replace('@id', pick(pools.users, s.n[1]) ?? 'x') } : {}),
    ...(s.b[1] ? { attributes: [pick(ATTR_PATHS, s.n[2])] } : {}),
    ...(s.b[2] ? { excludedAttributes: [pick(ATTR_PATHS, s.n[3])] } : {}),
    ...(s.b[3] ? { sortBy: pick(SORTS, s.n[4]), sortOrder: pick(['ascending', 'descending', 'x'], s.n[5]) } : {}),
    startIndex: (s.n[6] % 5) - 1,
    count: s.n[7] % 20,
  };
}

function bulkBody(s: Seeds, pools: Pools): Record<string, unknown> {
  const ops: unknown[] = [
    { method: 'POST', path: '/Users', bulkId: 'u1', data: userBody(s, pools) },
    { method: 'POST', path: '/Groups', bulkId: 'g1', data: { ...groupBody(s, pools), members: [{ value: 'bulkId:u1' }, ...(s.b[0] ? [{ value: 'bulkId:g1' }] : [])] } },
    { method: 'PATCH', path: `/Users/${pick(pools.users, s.n[1]) ?? 'bulkId:u1'}`, data: patchBody(s, pools) },
    { method: 'PUT', path: `/Groups/${pick(pools.groups, s.n[2]) ?? 'bulkId:g1'}`, version: s.b[1] ? pick(pools.versions, s.n[3]) : undefined, data: groupBody({ ...s, n: s.n.slice().reverse() }, pools) },
    { method: 'DELETE', path: `/${s.b[2] ? 'Users' : 'Groups'}/${pick(s.b[2] ? pools.users : pools.groups, s.n[4]) ?? 'x'}` },
  ];
  return { schemas: [BULK_URN], ...(s.b[3] ? { failOnErrors: 1 + (s.n[5] % 2) } : {}), Operations: ops.filter((_, i) => (s.n[6] >> i) & 1 || i === 0) };
}

const TEMPLATES: Record<string, (s: Seeds, p: Pools) => Record<string, unknown>> = {
  createUser: userBody,
  replaceUser: userBody,
  replaceMe: userBody,
  createGroup: groupBody,
  replaceGroup: groupBody,
  patchUser: patchBody,
  patchGroup: patchBody,
  patchMe: patchBody,
  searchUsers: searchBody,
  searchGroups: searchBody,
  searchAll: searchBody,
  bulk: bulkBody,
};

/** Every node of a JSON value with its parent, up to depth 6. */
function nodesOf(root: unknown): { parent: Record<string, unknown> | unknown[]; key: string | number }[] {
  const out: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown, depth: number) => {
    if (depth > 6 || v === null || typeof v !== 'object') return;
    for (const [k, child] of Object.entries(v)) {
      out.push({ parent: v as Record<string, unknown>, key: Array.isArray(v) ? Number(k) : k });
      walk(child, depth + 1);
    }
  };
  walk(root, 0);
  return out;
}

function mutate(body: Record<string, unknown>, mutations: readonly Mutation[]): unknown {
  let root: unknown = structuredClone(body);
  for (const m of mutations) {
    const nodes = nodesOf(root);
    const node = pick(nodes, m.at);
    if (!node) continue;
    const parent = node.parent as Record<string | number, unknown>;
    const current = parent[node.key];
    switch (m.kind) {
      case 'delete':
        if (Array.isArray(parent)) parent.splice(node.key as number, 1);
        else delete parent[node.key];
        break;
      case 'replace':
        parent[node.key] = m.value;
        break;
      case 'add':
        if (Array.isArray(parent)) parent.push(m.value);
        else parent[m.key] = m.value;
        break;
      case 'wrap':
        parent[node.key] = [current];
        break;
      case 'upper':
        if (!Array.isArray(parent) && typeof node.key === 'string') {
          delete parent[node.key];
          parent[node.key.toUpperCase()] = current;
        }
        break;
      case 'null':
        parent[node.key] = null;
        break;
      case 'proto':
        Object.defineProperty(parent, m.kind === 'proto' ? pick(['__proto__', 'constructor', 'prototype'], m.at)! : m.key, { value: { polluted: true }, enumerable: true, configurable: true, writable: true });
        break;
      case 'stringify':
        parent[node.key] = JSON.stringify(current) ?? 'undefined';
        break;
      case 'empty':
        parent[node.key] = Array.isArray(current) ? [] : typeof current === 'object' ? {} : '';
        break;
    }
  }
  return root;
}

// ---------------------------------------------------------------------------------------------

interface ContractOp {
  operationId: string;
  method: string;
  path: string;
  query: string[];
  hasBody: boolean;
  write: boolean;
}

describe('fuzzing every operation of the contract', () => {
  let seed: TestApp;
  let app: TestApp;
  let ops: ContractOp[];
  const pools: Pools = { users: [], groups: [], versions: [] };
  let admin: ScimTestClient;
  const clients = {} as Record<Auth, ScimTestClient>;
  let requests = 0;
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    seed = await startApp();
    const me = (await seed.server.users.create({ schemas: [USER_URN], userName: 'fz-me' })) as { id: string };
    // Some data to start from, so updates, deletes and searches have something to work on.
    for (let i = 0; i < 12; i++) {
      const u = (await seed.server.users.create({ schemas: [USER_URN], userName: `fz-seed-${i}`, emails: [{ value: `s${i}@example.com`, type: 'work' }] })) as { id: string };
      pools.users.push(u.id);
    }
    for (let i = 0; i < 4; i++) {
      const g = (await seed.server.groups.create({ schemas: [GROUP_URN], displayName: `fz-seed-g${i}`, members: pools.users.slice(i, i + 3).map((value) => ({ value })) })) as { id: string };
      pools.groups.push(g.id);
    }
    app = await startApp({
      store: () => seed.server.store,
      auth: { tokens: [TOKENS.admin, { token: TOKENS.me, userId: me.id }, { token: TOKENS.reader, readOnly: true }] },
      bulkMaxOperations: 10,
    });
    admin = app.client.withHeaders({ authorization: `Bearer ${TOKENS.admin}` });
    clients.admin = admin;
    clients.me = app.client.withHeaders({ authorization: `Bearer ${TOKENS.me}` });
    clients.reader = app.client.withHeaders({ authorization: `Bearer ${TOKENS.reader}` });
    clients.none = app.client;
    clients.wrong = app.client.withHeaders({ authorization: 'Bearer fuzz-wrong' });
    pools.users.push(me.id);
    ops = app.server.backend.api.router.getOperations().map((op) => {
      const method = op.method.toUpperCase();
      return {
        operationId: op.operationId!,
        method,
        path: op.path,
        query: ((op.parameters ?? []) as { in?: string; name?: string }[]).filter((p) => p.in === 'query').map((p) => p.name!),
        hasBody: Boolean(op.requestBody),
        write: method !== 'GET' && !op.path.endsWith('/.search'),
      };
    });
    // Every operation with a body has a valid template to mutate: a new operation must get one.
    for (const op of ops) if (op.hasBody) expect(TEMPLATES[op.operationId], op.operationId).toBeDefined();
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await seed?.close();
  });

  function routed(method: string, path: string): ContractOp | undefined {
    try {
      const found = app.server.backend.api.router.matchOperation({ method: method === 'HEAD' ? 'GET' : method, path, headers: {} }, true);
      return ops.find((o) => o.operationId === found.operationId);
    } catch {
      return undefined;
    }
  }

  /** A path segment for the plan's id: percent-encoded, or a deliberately broken escape. */
  function idSegment(plan: Plan): string {
    return plan.id.kind === 'broken' ? pick(BROKEN_ESCAPES, plan.id.i)! : encodeURIComponent(resolveId(plan));
  }

  function resolveId(plan: Plan): string {
    const { kind, i, text } = plan.id;
    if (kind === 'user') return pick(pools.users, i) ?? 'none';
    if (kind === 'group') return pick(pools.groups, i) ?? 'none';
    if (kind === 'hostile') return pick(HOSTILE_IDS, i)!;
    return wellFormed(text) || 'x';
  }

  function queryValue(name: string, v: Plan['query'][number][1]): string {
    if (v.kind === 'number' || ((name === 'count' || name === 'startIndex') && v.kind === 'pool')) return String(v.n);
    if (v.kind === 'random') return wellFormed(v.text);
    const byName: Record<string, readonly string[]> = { filter: FILTERS, sortBy: SORTS, sortOrder: ['ascending', 'descending', 'DESCENDING', 'up'], attributes: ATTR_PATHS, excludedAttributes: ATTR_PATHS, cursor: ['', 'abc', 'eyJ4IjoxfQ'] };
    return (pick(byName[name] ?? STRINGS, v.i) ?? '').replace('@id', pick(pools.users, v.i) ?? 'x');
  }

  async function run(plan: Plan): Promise<void> {
    let method: string;
    let path: string;
    let op: ContractOp | undefined;
    if (plan.mode === 'contract') {
      op = ops[plan.op % ops.length];
      method = op.method;
      path = op.path.replace(/\{[^}]+\}/g, () => idSegment(plan));
    } else {
      method = METHODS[plan.method % METHODS.length];
      path = `/${plan.segments.map((n) => (pick(SEGMENTS, n) === '@id' ? idSegment(plan) : encodeURIComponent(pick(SEGMENTS, n)!))).join('/')}`;
      op = routed(method, path); // a random path may still name an operation (e.g. `/.search/`)
    }
    const query = new URLSearchParams();
    for (const [name, v] of plan.query) query.append(name, queryValue(name, v));
    const url = query.size ? `${path}?${query}` : path;

    const headers: Record<string, string> = {};
    const version = (i: number) => printable(pick(ETAGS, i)!.replace('@version', pick(pools.versions, i) ?? 'W/"0"'));
    if (plan.headers.ifMatch !== undefined && plan.headers.ifMatch % 4 === 0) headers['if-match'] = version(plan.headers.ifMatch);
    if (plan.headers.ifNoneMatch !== undefined && plan.headers.ifNoneMatch % 5 === 0) headers['if-none-match'] = version(plan.headers.ifNoneMatch);

    let body: unknown;
    const b = plan.body;
    if (b.kind === 'template' && (op?.hasBody || plan.mode === 'random')) {
      const template = (op?.hasBody && TEMPLATES[op.operationId]) || TEMPLATES[pick(Object.keys(TEMPLATES), b.seeds.n[0])!];
      body = JSON.stringify(mutate(template(b.seeds, pools), b.mutations));
    } else if (b.kind === 'json') {
      body = JSON.stringify(b.json);
    } else if (b.kind === 'text') {
      body = b.text;
    }
    if (method === 'GET' || method === 'HEAD') body = undefined; // fetch cannot send one
    if (body !== undefined) {
      headers['content-type'] = plan.headers.contentType !== undefined && plan.headers.contentType % 6 === 0 ? pick(CONTENT_TYPES, plan.headers.contentType / 6)! : 'application/scim+json';
    }

    const client = clients[plan.headers.auth];
    const where = `${plan.headers.auth} ${method} ${url} ${String(body ?? '').slice(0, 200)}`;
    // HEAD and OPTIONS have no operation in the contract to check against: status only.
    const raw = method === 'HEAD' || method === 'OPTIONS';
    const res: ScimResponse = await client.request(method, url, { headers, body, raw });
    requests++;
    if (process.env.FUZZ_DEBUG) console.info(`${res.status} ${where.slice(0, 160)} => ${res.text.slice(0, 160)}`);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);

    // RFC 7644 §3.11: /Me answers 501 for a credential that maps to no User — by design, not a failure.
    if (!(res.status === 501 && op?.path === '/Me')) expect(res.status, where).toBeLessThan(500);
    for (const o of res.body?.Operations ?? []) {
      if (o && typeof o.status === 'string') expect(Number(o.status), `${where} -> ${JSON.stringify(o).slice(0, 200)}`).toBeLessThan(500);
    }
    if (plan.headers.auth === 'none' || plan.headers.auth === 'wrong') expect([401, 404, 405], where).toContain(res.status);
    if (plan.headers.auth === 'reader' && op?.write) expect(res.status, where).toBeGreaterThanOrEqual(400);
    expectNoPollution();
    learn(res);
  }

  /** Ids and versions from answers, for later requests to use. */
  function learn(res: ScimResponse): void {
    const resources = [res.body, ...(res.body?.Resources ?? []), ...(res.body?.Operations ?? []).map((o: { response?: unknown }) => o?.response)];
    for (const r of resources) {
      if (!r || typeof r !== 'object' || typeof (r as { id?: unknown }).id !== 'string') continue;
      const { id, meta } = r as { id: string; meta?: { resourceType?: string; version?: string } };
      const pool = meta?.resourceType === 'Group' ? pools.groups : meta?.resourceType === 'User' ? pools.users : undefined;
      if (pool && !pool.includes(id)) pool.push(id);
      if (meta?.version) pools.versions.push(meta.version);
    }
    for (const o of res.body?.Operations ?? []) {
      const id = typeof o?.location === 'string' ? decodeURIComponent(o.location.slice(o.location.lastIndexOf('/') + 1)) : undefined;
      if (id) (o.location.includes('/Groups/') ? pools.groups : pools.users).push(id);
    }
    if (pools.versions.length > 200) pools.versions.splice(0, 100);
  }

  async function listAll(endpoint: '/Users' | '/Groups', attributes: string): Promise<{ total: number; resources: any[] }> {
    const resources: any[] = [];
    let total = 0;
    for (let start = 1; ; start += 500) {
      const res = await admin.get(`${endpoint}?startIndex=${start}&count=500&attributes=${attributes}`);
      expect(res.status, res.text.slice(0, 300)).toBe(200);
      total = res.body.totalResults;
      resources.push(...res.body.Resources);
      if (res.body.Resources.length === 0 || resources.length >= total) break;
    }
    return { total, resources };
  }

  async function checkConsistency(): Promise<void> {
    const users = await listAll('/Users', 'userName,groups');
    const groups = await listAll('/Groups', 'displayName,members');
    expect(users.resources).toHaveLength(users.total);
    expect(groups.resources).toHaveLength(groups.total);
    expect((await admin.get('/Users?count=0')).body.totalResults).toBe(users.total);
    expect(await app.server.store.count('User')).toBe(users.total);
    expect(await app.server.store.count('Group')).toBe(groups.total);

    // userName: unique ignoring case (RFC 7643 §4.1.1 caseExact false, uniqueness server), and the
    // index a filter uses agrees with the full scan.
    const names = users.resources.map((u) => String(u.userName).toLowerCase());
    expect(new Set(names).size, 'userNames unique').toBe(names.length);
    for (const u of users.resources) {
      const found = await admin.get(`/Users?count=2&attributes=userName&filter=${encodeURIComponent(`userName eq ${JSON.stringify(u.userName)}`)}`);
      expect(found.status, `${JSON.stringify(u.userName)} ${found.text.slice(0, 200)}`).toBe(200);
      expect(found.body.Resources.map((r: { id: string }) => r.id), `userName eq ${JSON.stringify(u.userName)}`).toEqual([u.id]);
    }

    // Membership: every member exists, with its type; User.groups (direct) mirrors Group.members.
    const userIds = new Set(users.resources.map((u) => u.id));
    const groupIds = new Set(groups.resources.map((g) => g.id));
    const direct = new Set<string>();
    for (const g of groups.resources) {
      for (const m of g.members ?? []) {
        expect(userIds.has(m.value) || groupIds.has(m.value), `member ${m.value} of ${g.id} exists`).toBe(true);
        expect(await app.server.store.typeOf(m.value)).toBe(userIds.has(m.value) ? 'User' : 'Group');
        if (userIds.has(m.value)) direct.add(`${m.value}>${g.id}`);
      }
      expect((await app.server.store.members(g.id)).length).toBe((g.members ?? []).length);
    }
    const fromUsers = new Set<string>();
    for (const u of users.resources) for (const g of u.groups ?? []) if (g.type === 'direct') fromUsers.add(`${u.id}>${g.value}`);
    expect([...fromUsers].sort()).toEqual([...direct].sort());
  }

  it(
    'never answers 5xx or a non-contract response, and keeps the store consistent',
    async () => {
      const queryNames = [...new Set(app.server.backend.api.router.getOperations().flatMap((op) => ((op.parameters ?? []) as { in?: string; name?: string }[]).filter((p) => p.in === 'query').map((p) => p.name!)))];
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(planArb(queryNames), { minLength: 1, maxLength: 6 }), async (plans) => {
          for (const plan of plans) await run(plan);
          if (++runs % CHECK_EVERY === 0) await checkConsistency();
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false },
      );
      await checkConsistency();
      // The fuzzer reached the server's real work, not only its front door.
      const ok = [...statuses].filter(([s]) => s < 300).reduce((n, [, c]) => n + c, 0);
      console.info(`fuzz: seed ${SEED}, ${runs} runs, ${requests} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
      expect(ok).toBeGreaterThan(requests / 10);
      expect(pools.users.length).toBeGreaterThan(5);
    },
    TIME_LIMIT_MS + 60_000,
  );
});

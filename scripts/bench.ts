// `npm run bench`: the server's throughput as ratios against floors measured in the same run.
// See bench/README.md. Everything runs on loopback; every child process is stopped on exit.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs, type BenchOptions } from './bench/args.ts';
import { cannon, type CannonResult, type RequestSpec } from './bench/cannon.ts';
import { brief, inPool, ScimClient } from './bench/client.ts';
import { BULK_REQUEST_URN, entraUser, floorBody, GROUP_URN, patchOp } from './bench/payloads.ts';
import { cpuTicks, killAllNow, readRss, startFloor, startServer, stopAll, TICKS_PER_SECOND, waitIdle, type ServerProcess } from './bench/procs.ts';
import { summariseProfile, type ProfileSummary, type Window } from './bench/profile.ts';
import {
  costRatio,
  failedRow,
  fmtBytes,
  fmtRps,
  renderMarkdown,
  rowFrom,
  skippedRow,
  throughputRatio,
  workloadTable,
  type Machine,
  type Memory,
  type Ratio,
  type Report,
  type Row,
  type Seeding,
} from './bench/report.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = join(ROOT, 'bench', 'results');
const PROFILES = join(RESULTS, 'profiles');
const SCIM = '/scim/v2';
const POOL_USERS = 1000;
const SMALL_GROUP = 100;
/** Seconds of each floor_express run between workloads (the first one runs --duration). */
const FLOOR_SECONDS = (opts: BenchOptions) => Math.min(opts.duration, 4);

const log = (msg: string) => console.log(`[bench] ${msg}`);
/** Monotonic µs: the clock V8 stamps CPU profiles with (CLOCK_MONOTONIC on Linux). */
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

// ---- process hygiene --------------------------------------------------------------------------

process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`[bench] ${signal}: stopping child processes`);
    void stopAll(2000).finally(() => process.exit(130));
  });
}

// ---- state shared with the report (also written when a run aborts) ----------------------------

interface State {
  opts: BenchOptions;
  machine: Machine;
  support: Record<string, unknown>;
  seeding?: Seeding;
  memory: Memory;
  rows: Row[];
  notes: string[];
  windows: Window[];
  profile?: ProfileSummary;
}

function machineInfo(): Machine {
  let cpu = 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux
  }
  let commit: string | undefined;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    // not a git checkout
  }
  return {
    node: process.version,
    cpu,
    cores: availableParallelism(),
    date: new Date().toISOString(),
    platform: `${process.platform}-${process.arch}`,
    loadavgStart: loadavg(),
    commit,
  };
}

// ---- seeding ----------------------------------------------------------------------------------

interface Seeded {
  ids: string[];
  pool: string[];
  smallGroupId?: string;
  bigGroupId?: string;
  bigGroupMembers: number;
  removeForm: 'rfc' | 'entra';
}

function progress(label: string, total: number) {
  const start = Date.now();
  let last = start;
  let lastPct = 0;
  return (done: number) => {
    const now = Date.now();
    const pct = Math.floor((done * 10) / total);
    if (done === total || (total >= 5000 && (pct > lastPct || now - last > 5000))) {
      lastPct = pct;
      last = now;
      const rate = done / Math.max(0.001, (now - start) / 1000);
      log(`${label}: ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} (${Math.round(rate).toLocaleString('en-US')}/s)`);
    }
  };
}

async function seedUsers(client: ScimClient, count: number, concurrency: number, label: string, name: (i: number) => string, prefix: number): Promise<string[]> {
  const ids = new Array<string>(count);
  await inPool(
    count,
    concurrency,
    async (i) => {
      const r = await client.ok('POST', '/Users', entraUser(i, name(i), prefix), 30_000);
      const id = (r.body as { id?: unknown }).id;
      if (typeof id !== 'string') throw new Error(`POST /Users answered ${r.status} without an id: ${brief(r.body)}`);
      ids[i] = id;
    },
    progress(label, count),
  );
  return ids;
}

const memberBytes = (id: string) => JSON.stringify({ value: id }).length + 1;

/** Fills the big group: PATCH add in chunks when PATCH works, else one PUT as large as the body limit allows. */
async function fillBigGroup(
  client: ScimClient,
  groupId: string,
  displayName: string,
  memberIds: readonly string[],
  opts: BenchOptions,
  patchSupported: boolean,
  notes: string[],
): Promise<{ members: number; method: string } | undefined> {
  const fit = Math.floor((opts.bodyLimit - 4096) / memberBytes(memberIds[0]!));
  if (patchSupported) {
    const chunk = Math.min(10_000, fit);
    let added = 0;
    let failure: string | undefined;
    for (let at = 0; at < memberIds.length; at += chunk) {
      const slice = memberIds.slice(at, at + chunk);
      const r = await client.call('PATCH', `/Groups/${groupId}`, patchOp([{ op: 'add', path: 'members', value: slice.map((value) => ({ value })) }]), 300_000);
      if (r.status !== 200 && r.status !== 204) {
        failure = `PATCH add of ${slice.length} members answered ${r.status}: ${brief(r.body, 160)}`;
        break;
      }
      added += slice.length;
      log(`big group: ${added.toLocaleString('en-US')}/${memberIds.length.toLocaleString('en-US')} members (PATCH)`);
    }
    if (!failure) return { members: added, method: `PATCH add in chunks of ${chunk.toLocaleString('en-US')}` };
    notes.push(`big group: ${failure}; falling back to PUT`);
  }
  // PUT replaces the whole list, so the group holds what one body under the limit can carry.
  let n = Math.min(memberIds.length, fit);
  for (let attempt = 0; attempt < 6 && n > 0; attempt++) {
    const body = { schemas: [GROUP_URN], displayName, members: memberIds.slice(0, n).map((value) => ({ value })) };
    const r = await client.call('PUT', `/Groups/${groupId}`, body, 300_000);
    if (r.status === 200) {
      if (n < memberIds.length) {
        notes.push(
          `big group: PATCH unavailable, so PUT with ${n.toLocaleString('en-US')} members (the most a ${fmtBytes(opts.bodyLimit)} body holds) instead of ${memberIds.length.toLocaleString('en-US')}`,
        );
      }
      return { members: n, method: `PUT, one body of ${fmtBytes(Buffer.byteLength(JSON.stringify(body)))}` };
    }
    if (r.status !== 413) {
      notes.push(`big group: PUT with ${n} members answered ${r.status}: ${brief(r.body, 160)}`);
      return undefined;
    }
    n = Math.floor(n / 2);
  }
  notes.push('big group: PUT bodies were rejected as too large even when halved 6 times');
  return undefined;
}

async function countMembers(client: ScimClient, groupId: string): Promise<number | undefined> {
  const r = await client.call('GET', `/Groups/${groupId}?attributes=members`, undefined, 120_000);
  const members = (r.body as { members?: unknown[] } | undefined)?.members;
  return r.status === 200 ? (members?.length ?? 0) : undefined;
}

/** Which remove form the server takes: RFC 7644 `members[value eq "id"]`, or Entra's `path: members, value: [...]`. */
async function probeRemoveForm(client: ScimClient, groupId: string, memberId: string, notes: string[]): Promise<'rfc' | 'entra'> {
  const add = await client.call('PATCH', `/Groups/${groupId}`, patchOp([{ op: 'add', path: 'members', value: [{ value: memberId }] }]));
  if (add.status !== 200 && add.status !== 204) {
    notes.push(`PATCH add member on a group answered ${add.status}: ${brief(add.body, 160)}`);
    return 'rfc';
  }
  const before = await countMembers(client, groupId);
  const rfc = await client.call('PATCH', `/Groups/${groupId}`, patchOp([{ op: 'remove', path: `members[value eq "${memberId}"]` }]));
  if ((rfc.status === 200 || rfc.status === 204) && (await countMembers(client, groupId)) === (before ?? 0) - 1) return 'rfc';
  const entra = await client.call('PATCH', `/Groups/${groupId}`, patchOp([{ op: 'remove', path: 'members', value: [{ value: memberId }] }]));
  if (entra.status === 200 || entra.status === 204) {
    notes.push(`remove member: the RFC form members[value eq "…"] answered ${rfc.status}; using Entra's form (path "members" with a value list)`);
    return 'entra';
  }
  notes.push(`remove member: neither the RFC form (${rfc.status}) nor Entra's form (${entra.status}) worked`);
  return 'rfc';
}

// ---- workloads --------------------------------------------------------------------------------

interface Workload {
  /** Rows this workload produces (one per tag). */
  readonly names: readonly string[];
  readonly specs?: readonly RequestSpec[];
  /** Set when the workload cannot run against this server. */
  readonly skip?: string;
  readonly notes?: Record<string, string[]>;
}

function workloads(seed: Seeded, support: { patch: boolean; bulk: { supported: boolean; maxOperations: number; maxPayloadSize: number }; filter: boolean }, opts: BenchOptions, runId: string): Workload[] {
  const { ids, pool } = seed;
  const n = ids.length;
  const list: Workload[] = [];
  let k = 0; // shared by every rotating workload: each request gets a fresh index
  const next = () => k++;

  list.push({
    names: ['get_by_id'],
    specs: [{ tag: 'get_by_id', method: 'GET', setup: () => ({ path: `${SCIM}/Users/${ids[next() % n]}` }) }],
  });
  const filterNote = support.filter ? [] : ['ServiceProviderConfig says filter.supported=false'];
  list.push({
    names: ['filter_eq'],
    specs: [
      {
        tag: 'filter_eq',
        method: 'GET',
        setup: () => ({ path: `${SCIM}/Users?filter=${encodeURIComponent(`userName eq "user${next() % n}@example.com"`)}` }),
      },
    ],
    notes: { filter_eq: filterNote },
  });
  list.push({
    names: ['filter_co'],
    specs: [{ tag: 'filter_co', method: 'GET', path: `${SCIM}/Users?filter=${encodeURIComponent('emails.value co "user1234"')}` }],
    notes: { filter_co: filterNote },
  });
  const deepStart = Math.floor(n * 0.9);
  list.push({
    names: ['deep_page'],
    specs: [{ tag: 'deep_page', method: 'GET', path: `${SCIM}/Users?startIndex=${deepStart}&count=100` }],
    notes: { deep_page: [`startIndex=${deepStart.toLocaleString('en-US')}&count=100`] },
  });
  const groupForGet = seed.bigGroupId ?? seed.smallGroupId;
  list.push(
    groupForGet
      ? {
          names: ['get_group_excluded_members'],
          specs: [{ tag: 'get_group_excluded_members', method: 'GET', path: `${SCIM}/Groups/${groupForGet}?excludedAttributes=members` }],
          notes: {
            get_group_excluded_members: [
              seed.bigGroupId ? `group of ${seed.bigGroupMembers.toLocaleString('en-US')} members` : `no big group: the ${SMALL_GROUP}-member group`,
            ],
          },
        }
      : { names: ['get_group_excluded_members'], skip: 'skipped: no group could be created' },
  );
  list.push({
    names: ['put'],
    specs: [
      {
        tag: 'put',
        method: 'PUT',
        setup: () => {
          const c = next();
          const i = c % n;
          return { path: `${SCIM}/Users/${ids[i]}`, body: JSON.stringify(entraUser(i, `user${i}@example.com`, 0, c + 1)) };
        },
      },
    ],
  });
  const noPatch = 'skipped (unsupported): ServiceProviderConfig patch.supported=false';
  list.push(
    support.patch
      ? {
          names: ['patch_user'],
          specs: [
            {
              tag: 'patch_user',
              method: 'PATCH',
              setup: () => {
                const c = next();
                const i = c % n;
                return {
                  path: `${SCIM}/Users/${ids[i]}`,
                  body: patchOp([
                    { op: 'replace', path: 'active', value: c % 2 === 0 },
                    { op: 'replace', path: 'displayName', value: `User ${i} p${c}` },
                  ]),
                };
              },
            },
          ],
        }
      : { names: ['patch_user'], skip: noPatch },
  );
  const membership = (size: string, groupId: string | undefined, members: number, missing: string): Workload => {
    const names = [`group_add_member_${size}`, `group_remove_member_${size}`];
    if (!support.patch) return { names, skip: noPatch };
    if (!groupId) return { names, skip: missing };
    let p = 0;
    const removeOp = (id: string) =>
      seed.removeForm === 'rfc' ? { op: 'remove', path: `members[value eq "${id}"]` } : { op: 'remove', path: 'members', value: [{ value: id }] };
    const note = [`group of ${members.toLocaleString('en-US')} members; each connection alternates add(u), remove(u) with u from ${pool.length} users outside the group`];
    return {
      names,
      specs: [
        {
          tag: names[0]!,
          method: 'PATCH',
          setup: (ctx) => {
            const u = pool[p++ % pool.length]!;
            ctx.member = u;
            return { path: `${SCIM}/Groups/${groupId}`, body: patchOp([{ op: 'add', path: 'members', value: [{ value: u }] }]) };
          },
        },
        {
          tag: names[1]!,
          method: 'PATCH',
          setup: (ctx) => ({ path: `${SCIM}/Groups/${groupId}`, body: patchOp([removeOp(String(ctx.member))]) }),
        },
      ],
      notes: { [names[0]!]: note, [names[1]!]: note },
    };
  };
  list.push(membership(String(SMALL_GROUP), seed.smallGroupId, SMALL_GROUP, 'skipped: the 100-member group could not be created'));
  list.push(
    membership(
      '100000',
      seed.bigGroupId,
      seed.bigGroupMembers,
      n < opts.bigGroup ? `skipped: needs --users >= ${opts.bigGroup.toLocaleString('en-US')}` : 'skipped: the big group could not be built (see Seeding)',
    ),
  );
  let created = 0;
  list.push({
    names: ['create'],
    specs: [
      {
        tag: 'create',
        method: 'POST',
        path: `${SCIM}/Users`,
        setup: () => {
          const c = created++;
          return { body: JSON.stringify(entraUser(c, `bench-${runId}-c${c}@example.com`, 0xc)) };
        },
      },
    ],
  });
  const b = support.bulk;
  const bulkSkip = !b.supported
    ? 'skipped (unsupported): ServiceProviderConfig bulk.supported=false'
    : b.maxOperations < 1000
      ? `skipped (unsupported): bulk.maxOperations=${b.maxOperations} < 1000`
      : undefined;
  let bulkRound = 0;
  const bulkBody = (r: number) =>
    JSON.stringify({
      schemas: [BULK_REQUEST_URN],
      Operations: Array.from({ length: 1000 }, (_, j) => ({
        method: 'POST',
        path: '/Users',
        bulkId: `b${r}-${j}`,
        data: entraUser(j, `bench-${runId}-b${r}-${j}@example.com`, 0xb),
      })),
    });
  const bulkBytes = Buffer.byteLength(bulkBody(999_999));
  const bulkTooBig =
    !bulkSkip && b.maxPayloadSize > 0 && bulkBytes > b.maxPayloadSize
      ? `skipped (unsupported): a 1,000-operation body is ${fmtBytes(bulkBytes)}, over bulk.maxPayloadSize=${b.maxPayloadSize}`
      : undefined;
  list.push(
    bulkSkip || bulkTooBig
      ? { names: ['bulk_1000'], skip: bulkSkip ?? bulkTooBig }
      : {
          names: ['bulk_1000'],
          specs: [
            {
              tag: 'bulk_1000',
              method: 'POST',
              path: `${SCIM}/Bulk`,
              setup: () => ({ body: bulkBody(bulkRound++) }),
              inspect: (body) => {
                try {
                  const ops = (JSON.parse(body) as { Operations?: { status?: unknown }[] }).Operations ?? [];
                  const failed = ops.filter((o) => !/^2\d\d$/.test(String(o.status))).length;
                  return failed + Math.max(0, 1000 - ops.length);
                } catch {
                  return 1000;
                }
              },
            },
          ],
          notes: { bulk_1000: [`1,000 POST /Users operations per request (${fmtBytes(bulkBytes)}); sub-operation failures count as errors`] },
        },
  );
  if (opts.only) {
    const wanted = new Set(opts.only);
    return list.filter((w) => w.names.some((name) => wanted.has(name)));
  }
  return list;
}

// ---- main -------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const opts = parseBenchArgs(process.argv.slice(2));
  const startedAt = Date.now();
  const watchdog = setTimeout(() => {
    console.error(`[bench] the run exceeded --timeout-min ${opts.timeoutMinutes}: aborting`);
    killAllNow();
    process.exit(3);
  }, opts.timeoutMinutes * 60_000);

  const state: State = { opts, machine: machineInfo(), support: {}, memory: {}, rows: [], notes: [], windows: [] };
  mkdirSync(RESULTS, { recursive: true });
  log(`node ${state.machine.node}, ${state.machine.cpu}, ${state.machine.cores} cores; users=${opts.users}, duration=${opts.duration}s, warm-up=${opts.warmup}s, connections=${opts.connections}`);

  let server: ServerProcess | undefined;
  let aborted: string | undefined;
  try {
    const body = floorBody();
    const floorScript = join(ROOT, 'scripts', 'bench', 'floor-server.ts');
    const [express, http] = await Promise.all([
      startFloor(floorScript, 'express', body, ROOT),
      startFloor(floorScript, 'http', body, ROOT),
    ]);
    log(`floors listening: express :${express.port}, node:http :${http.port}`);

    if (opts.profile) mkdirSync(PROFILES, { recursive: true });
    server = await startServer(ROOT, { profileDir: opts.profile ? PROFILES : undefined, logLevel: opts.logLevel });
    const srv = server;
    const guarded = <T>(p: Promise<T>): Promise<T> => Promise.race([p, srv.died]);
    log(`server under test: pid ${srv.child.pid}, ${srv.base}${opts.profile ? ' (with --cpu-prof)' : ''}`);
    const client = new ScimClient(srv.base);
    const pid = srv.child.pid!;
    await new Promise((r) => setTimeout(r, 500));
    state.memory = { rssStart: readRss(pid)?.rss };

    const spc = (await guarded(client.ok('GET', '/ServiceProviderConfig'))).body as {
      patch?: { supported?: boolean };
      bulk?: { supported?: boolean; maxOperations?: number; maxPayloadSize?: number };
      filter?: { supported?: boolean; maxResults?: number };
      sort?: { supported?: boolean };
    };
    const support = {
      patch: spc.patch?.supported === true,
      bulk: { supported: spc.bulk?.supported === true, maxOperations: spc.bulk?.maxOperations ?? 0, maxPayloadSize: spc.bulk?.maxPayloadSize ?? 0 },
      filter: spc.filter?.supported === true,
    };
    state.support = {
      patch: support.patch,
      bulk: support.bulk.supported,
      'bulk.maxOperations': support.bulk.maxOperations,
      'bulk.maxPayloadSize': support.bulk.maxPayloadSize,
      filter: support.filter,
      'filter.maxResults': spc.filter?.maxResults,
      sort: spc.sort?.supported === true,
    };

    // Seeding.
    const seedStart = Date.now();
    const seedStartUs = nowUs();
    const ids = await guarded(seedUsers(client, opts.users, opts.seedConcurrency, 'seeding users', (i) => `user${i}@example.com`, 0));
    const seedSeconds = (Date.now() - seedStart) / 1000;
    await new Promise((r) => setTimeout(r, 1000));
    const rssAfterUsers = readRss(pid)?.rss;
    state.memory = {
      ...state.memory,
      rssAfterUsers,
      perUser: rssAfterUsers !== undefined && state.memory.rssStart !== undefined ? (rssAfterUsers - state.memory.rssStart) / opts.users : undefined,
    };
    const runId = Date.now().toString(36);
    const pool = await guarded(seedUsers(client, POOL_USERS, opts.seedConcurrency, 'seeding pool users', (i) => `pool${i}@example.com`, 0xf));

    const groupNotes: string[] = [];
    const seed: Seeded = { ids, pool, bigGroupMembers: 0, removeForm: 'rfc' };
    const small = await guarded(
      client.call('POST', '/Groups', {
        schemas: [GROUP_URN],
        externalId: 'bench-group-100',
        displayName: 'bench group 100',
        members: ids.slice(0, SMALL_GROUP).map((value) => ({ value })),
      }),
    );
    if (small.status === 201) seed.smallGroupId = (small.body as { id: string }).id;
    else groupNotes.push(`POST /Groups with ${SMALL_GROUP} members answered ${small.status}: ${brief(small.body, 160)}`);
    let bigGroup: Seeding['bigGroup'];
    if (opts.users >= opts.bigGroup) {
      const bigStart = Date.now();
      const displayName = `bench group ${opts.bigGroup}`;
      const created = await guarded(client.call('POST', '/Groups', { schemas: [GROUP_URN], externalId: 'bench-group-big', displayName }));
      if (created.status === 201) {
        const bigId = (created.body as { id: string }).id;
        const filled = await guarded(fillBigGroup(client, bigId, displayName, ids.slice(0, opts.bigGroup), opts, support.patch, groupNotes));
        if (filled) {
          const counted = await guarded(countMembers(client, bigId));
          seed.bigGroupId = bigId;
          seed.bigGroupMembers = counted ?? filled.members;
          if (counted !== undefined && counted !== filled.members) groupNotes.push(`big group: sent ${filled.members} members, the server lists ${counted}`);
          bigGroup = { id: bigId, members: seed.bigGroupMembers, method: filled.method, seconds: (Date.now() - bigStart) / 1000 };
          log(`big group: ${seed.bigGroupMembers.toLocaleString('en-US')} members via ${filled.method}`);
        }
      } else {
        groupNotes.push(`POST /Groups (empty) answered ${created.status}: ${brief(created.body, 160)}`);
      }
      if (!seed.bigGroupId) groupNotes.push('the _100000 group workloads are skipped: the big group could not be built');
    } else {
      groupNotes.push(`no big group: --users ${opts.users} < --big-group ${opts.bigGroup}`);
    }
    if (support.patch && seed.smallGroupId) seed.removeForm = await guarded(probeRemoveForm(client, seed.smallGroupId, pool[0]!, groupNotes));
    state.windows.push({ name: 'seeding (users, pool, groups)', startUs: seedStartUs, endUs: nowUs() });
    await waitIdle(pid, 10);
    const afterGroups = readRss(pid);
    state.memory = { ...state.memory, rssAfterGroups: afterGroups?.rss };
    const sample = await guarded(client.call('GET', `/Users/${ids[1]}`));
    state.seeding = {
      users: opts.users,
      seconds: seedSeconds,
      perSecond: opts.users / seedSeconds,
      poolUsers: POOL_USERS,
      smallGroup: seed.smallGroupId ? { id: seed.smallGroupId, members: SMALL_GROUP } : undefined,
      bigGroup,
      groupNotes,
      userGetBytes: sample.bytes,
      floorBodyBytes: Buffer.byteLength(body),
    };
    log(`seeded ${opts.users.toLocaleString('en-US')} users in ${seedSeconds.toFixed(1)} s; server RSS ${fmtBytes(rssAfterUsers)} (${fmtBytes(state.memory.perUser)} per user)`);

    // Workloads.
    const origin = `http://127.0.0.1:${srv.port}`;
    const drained: Record<string, number> = {};
    // CPU time the target process spent per request in a measured run: unlike req/s, it hardly
    // depends on how much of the machine other processes take.
    const cpuUs = new WeakMap<CannonResult, { us: number; requests: number }>();
    const measure = async (label: string, target: string, specs: readonly RequestSpec[], seconds = opts.duration, warmup = opts.warmup, targetPid = pid): Promise<CannonResult> => {
      // Start each run on an idle server (slow requests of the previous one may still be running).
      const waited = await guarded(waitIdle(pid));
      if (waited > 1) log(`waited ${waited.toFixed(1)} s for the server to go idle before ${label}`);
      if (warmup > 0) await guarded(cannon(specs, { origin: target, connections: opts.connections, seconds: warmup }));
      const t0 = nowUs();
      const ticks0 = cpuTicks(targetPid);
      const r = await guarded(cannon(specs, { origin: target, connections: opts.connections, seconds }));
      const ticks1 = cpuTicks(targetPid);
      const handled = [...r.tags.values()].reduce((n, t) => n + t.ok + t.non2xx, 0);
      if (ticks0 !== undefined && ticks1 !== undefined && handled > 0) {
        cpuUs.set(r, { us: ((ticks1 - ticks0) * 1e6) / TICKS_PER_SECOND, requests: handled });
      }
      if (target === origin) {
        state.windows.push({ name: label, startUs: t0, endUs: nowUs() });
        drained[label] = await guarded(waitIdle(pid));
      }
      const summary = [...r.tags.values()]
        .map((t) => `${t.tag} ${Math.round(t.ok / r.seconds).toLocaleString('en-US')} req/s${t.non2xx ? `, ${t.non2xx} non-2xx` : ''}`)
        .join('; ');
      log(`${label}: ${summary}${r.errors ? `, ${r.errors} socket errors` : ''}`);
      return r;
    };
    const floorSpecs = (tag: string): RequestSpec[] => {
      let c = 0;
      // A rotating query string, so that the client does the same per-request work as for the server.
      return [{ tag, method: 'GET', setup: () => ({ path: `/x?i=${c++}` }) }];
    };
    const rpsOf = (r: CannonResult, tag: string) => (r.tags.get(tag)?.ok ?? 0) / r.seconds;
    // floor_express runs between every two workloads (shorter, already warm), and each workload is
    // compared with the mean of the floors just before and just after it: the machine's load drifts.
    const expressRuns: CannonResult[] = [];
    const floorExpress = async (first: boolean): Promise<{ rps: number; cpu: number | undefined }> => {
      const r = await measure('floor_express', `http://127.0.0.1:${express.port}`, floorSpecs('floor_express'), first ? opts.duration : FLOOR_SECONDS(opts), first ? opts.warmup : 0, express.child.pid!);
      expressRuns.push(r);
      return { rps: rpsOf(r, 'floor_express'), cpu: perRequest([r]) };
    };
    const perRequest = (runs: CannonResult[]) => {
      const parts = runs.map((r) => cpuUs.get(r)).filter((c) => c !== undefined);
      const requests = parts.reduce((n, c) => n + c.requests, 0);
      return parts.length === runs.length && requests > 0 ? parts.reduce((n, c) => n + c.us, 0) / requests : undefined;
    };
    const mean2 = (a?: number, b?: number) => (a !== undefined && b !== undefined ? (a + b) / 2 : undefined);
    const httpRuns: CannonResult[] = [];
    const floorHttp = async () => httpRuns.push(await measure('floor_http', `http://127.0.0.1:${http.port}`, floorSpecs('floor_http'), opts.duration, opts.warmup, http.child.pid!));

    await floorHttp();
    let floorBefore = await floorExpress(true);
    const rows: Row[] = state.rows;
    for (const w of workloads(seed, support, opts, runId)) {
      if (w.skip || !w.specs) {
        for (const name of w.names) rows.push(skippedRow(name, w.skip ?? 'not applicable'));
        log(`${w.names.join(', ')}: ${w.skip}`);
        continue;
      }
      try {
        const r = await measure(w.names.join(' + '), origin, w.specs);
        const busy = drained[w.names.join(' + ')] ?? 0;
        const floorAfter = await floorExpress(false);
        const extra = busy > 1 ? [`the server stayed busy ${busy.toFixed(1)} s after the run (requests still queued when it ended)`] : [];
        for (const name of w.names) {
          const row = rowFrom(name, [r], name, [...(w.notes?.[name] ?? []), ...extra]);
          row.floorExpressRps = (floorBefore.rps + floorAfter.rps) / 2;
          row.cpuUsPerRequest = perRequest([r]);
          row.floorCpuUsPerRequest = mean2(floorBefore.cpu, floorAfter.cpu);
          if (w.names.length > 1) row.notes.push('CPU per request is for the add/remove pair run as a whole');
          rows.push(row);
        }
        floorBefore = floorAfter;
      } catch (err) {
        if (srv.child.exitCode !== null || srv.child.signalCode !== null) throw err;
        for (const name of w.names) rows.push(failedRow(name, err instanceof Error ? err.message : String(err)));
      }
    }
    await floorHttp();
    const spread = (runs: CannonResult[], tag: string) => {
      const v = runs.map((r) => rpsOf(r, tag));
      return `${v.length} passes, ${fmtRps(Math.min(...v))}–${fmtRps(Math.max(...v))} req/s`;
    };
    const floorRow = rowFrom('floor_express', expressRuns, 'floor_express', [spread(expressRuns, 'floor_express'), 'Express 5, GET /x; measured around every workload']);
    floorRow.cpuUsPerRequest = perRequest(expressRuns);
    rows.push(floorRow);
    const httpRow = rowFrom('floor_http', httpRuns, 'floor_http', [spread(httpRuns, 'floor_http'), 'node:http, GET /x; before and after the workloads']);
    httpRow.cpuUsPerRequest = perRequest(httpRuns);
    rows.push(httpRow);

    const end = readRss(pid);
    state.memory = { ...state.memory, rssEnd: end?.rss, peak: end?.hwm };
  } catch (err) {
    aborted = err instanceof Error ? err.message : String(err);
    console.error(`[bench] aborted: ${aborted}`);
  }

  // Stop the server first (a --cpu-prof profile is written when it exits), then the floors.
  if (server) {
    const stopped = await server.stop();
    if (stopped.forced) state.notes.push('the server did not stop within 20 s of SIGTERM and was killed (no CPU profile is written then)');
    const scan = server.log.scan();
    const problems = scan.error + scan.other;
    state.notes.push(
      `server log: ${scan.lines.toLocaleString('en-US')} lines (${fmtBytes(scan.bytes)}); ${scan.warn} warn, ${scan.error} error/fatal, ${scan.other} not JSON` +
        (scan.firstProblem ? `; first problem: \`${scan.firstProblem.replace(/`/g, "'")}\`` : ''),
    );
    const keep = aborted !== undefined || problems > 0;
    if (keep) state.notes.push(`the server log is kept at ${server.log.path}`);
    server.log.close(keep);
  }
  await stopAll();
  clearTimeout(watchdog);

  if (opts.profile && server) {
    try {
      const pid = server.child.pid;
      const files = readdirSync(PROFILES)
        .filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${pid}.`))
        .map((f) => join(PROFILES, f))
        .filter((f) => statSync(f).mtimeMs >= startedAt)
        // One file per thread (tsx's loader runs on a thread of its own): the main thread's is the largest.
        .sort((a, b) => statSync(b).size - statSync(a).size);
      if (files[0]) state.profile = summariseProfile(files[0], ROOT, state.windows);
      else state.notes.push(`no CPU profile of pid ${pid} was found in ${PROFILES}`);
    } catch (err) {
      state.notes.push(`the CPU profile could not be read: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  const report = buildReport(state, aborted);
  writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(report, jsonReplacer, 2)}\n`);
  const md = renderMarkdown(report);
  writeFileSync(join(RESULTS, 'latest.md'), md);
  console.log('');
  console.log(workloadTable(report.rows));
  console.log('');
  console.log(md.slice(md.indexOf('## Targets')));
  log(`wrote bench/results/latest.json and bench/results/latest.md in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
  return aborted ? 1 : 0;
}

function buildReport(state: State, aborted: string | undefined): Report {
  const rows = state.rows;
  const byName = new Map(rows.map((r) => [r.name, r]));
  const floor = byName.get('floor_express');
  for (const r of rows) {
    const f = r.floorExpressRps ?? floor?.rps;
    if (f && r.rps !== undefined && r.ok > 0) r.vsFloorExpress = r.rps / f;
    const fc = r.floorCpuUsPerRequest ?? floor?.cpuUsPerRequest;
    if (fc && r.cpuUsPerRequest && r.ok > 0) r.cpuVsFloorExpress = fc / r.cpuUsPerRequest;
  }
  const bulk = byName.get('bulk_1000');
  if (bulk?.rps) bulk.notes.push(`≈ ${Math.round(bulk.rps * 1000).toLocaleString('en-US')} user creations/s`);
  const ratios: Ratio[] = [
    throughputRatio(byName, 'get_by_id', 'floor_express', 0.7),
    throughputRatio(byName, 'create', 'floor_express', 0.6),
    throughputRatio(byName, 'filter_eq', 'get_by_id', 0.9),
    costRatio(byName, 'group_add_member_100000', `group_add_member_${SMALL_GROUP}`, 2),
  ];
  const perUser = state.memory.perUser;
  ratios.push(
    perUser === undefined
      ? { name: 'RSS per user', target: '<= 2 KiB', status: 'n/a', detail: 'RSS not readable (needs /proc)' }
      : {
          name: 'RSS per user',
          value: perUser,
          target: '<= 2 KiB',
          // Below ~50,000 users the heap's step-wise growth and GC timing dominate the difference.
          status: state.opts.users < 50_000 ? 'n/a' : perUser <= 2048 ? 'met' : 'missed',
          detail: `(${fmtBytes(state.memory.rssAfterUsers)} after seeding − ${fmtBytes(state.memory.rssStart)} at start) / ${state.opts.users.toLocaleString('en-US')} users; includes garbage not yet collected${state.opts.users < 50_000 ? '; too few users for a stable figure (heap growth comes in steps)' : ''}`,
        },
  );
  return {
    machine: { ...state.machine, loadavgEnd: loadavg() },
    options: {
      users: state.opts.users,
      duration: state.opts.duration,
      warmup: state.opts.warmup,
      connections: state.opts.connections,
      seedConcurrency: state.opts.seedConcurrency,
      bigGroup: state.opts.bigGroup,
      bodyLimit: state.opts.bodyLimit,
      profile: state.opts.profile,
      serverLogLevel: state.opts.logLevel ?? 'server default',
      ...(state.opts.only ? { only: state.opts.only } : {}),
    },
    support: state.support,
    seeding: state.seeding,
    memory: state.memory,
    rows,
    ratios,
    notes: state.notes,
    profile: state.profile,
    aborted,
  };
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value;
}

main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    console.error('[bench] failed:', err);
    await stopAll(3000);
    process.exit(1);
  },
);

// Seeding the server under test through its HTTP API (bench/README.md, "Seeding"): the users, the
// pool of users outside every group, the 100-member group and the big group.
import type { BenchOptions } from './args.ts';
import { brief, inPool, type ScimClient } from './client.ts';
import { entraUser, GROUP_URN, patchOp } from './payloads.ts';
import { readRss, waitIdle } from './procs.ts';
import { fmtBytes, type Memory, type Seeding } from './report.ts';
import type { Support } from './workloads.ts';

export const SCIM = '/scim/v2';
export const POOL_USERS = 1000;
export const SMALL_GROUP = 100;

/**
 * Idle seconds before a settled RSS reading. V8's memory reducer collects and shrinks the heap once
 * allocation stops, but only after a delay: measured here, an idle server's RSS dropped between 20
 * and 35 s after start-up and after seeding, and not at all within 10 s.
 */
export const SETTLE_SECONDS = 45;

/** RSS once the process has been idle and SETTLE_SECONDS more have passed. */
export async function settledRss(pid: number): Promise<{ rss?: number; seconds: number }> {
  const idle = await waitIdle(pid, 60);
  await sleep(SETTLE_SECONDS * 1000);
  return { rss: readRss(pid)?.rss, seconds: idle + SETTLE_SECONDS };
}

const log = (msg: string) => console.log(`[bench] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Seeded {
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

export async function seedUsers(client: ScimClient, count: number, concurrency: number, label: string, name: (i: number) => string, prefix: number): Promise<string[]> {
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
export async function fillBigGroup(
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

export async function countMembers(client: ScimClient, groupId: string): Promise<number | undefined> {
  const r = await client.call('GET', `/Groups/${groupId}?attributes=members`, undefined, 120_000);
  const members = (r.body as { members?: unknown[] } | undefined)?.members;
  return r.status === 200 ? (members?.length ?? 0) : undefined;
}

/** Which remove form the server takes: RFC 7644 `members[value eq "id"]`, or Entra's `path: members, value: [...]`. */
export async function probeRemoveForm(client: ScimClient, groupId: string, memberId: string, notes: string[]): Promise<'rfc' | 'entra'> {
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


export interface SeedContext {
  readonly client: ScimClient;
  readonly opts: BenchOptions;
  readonly support: Support;
  /** The server's pid, for RSS and idleness. */
  readonly pid: number;
  /** Races a promise against the server's death. */
  readonly guarded: <T>(p: Promise<T>) => Promise<T>;
  /** Records memory readings as they are taken (a run that aborts later still reports them). */
  readonly memory: (m: Partial<Memory>) => Memory;
}

/** Users (with RSS readings right after them and once settled), pool users, both groups, the remove form. */
export async function seedServer(ctx: SeedContext): Promise<{ seed: Seeded; seeding: Omit<Seeding, 'userGetBytes' | 'floorBodyBytes'> }> {
  const { client, opts, support, pid, guarded } = ctx;
  const seedStart = Date.now();
  const ids = await guarded(seedUsers(client, opts.users, opts.seedConcurrency, 'seeding users', (i) => `user${i}@example.com`, 0));
  const seedSeconds = (Date.now() - seedStart) / 1000;
  await sleep(1000);
  const rssAfterUsers = readRss(pid)?.rss;
  let memory = ctx.memory({ rssAfterUsers, perUser: perUser(rssAfterUsers, ctx.memory({}).rssStart, opts.users) });
  log(`seeded ${opts.users.toLocaleString('en-US')} users in ${seedSeconds.toFixed(1)} s; server RSS ${fmtBytes(rssAfterUsers)} (${fmtBytes(memory.perUser)} per user)`);
  // The figure above includes garbage not yet collected; this one is what the users really hold.
  const settled = await guarded(settledRss(pid));
  const rssSettled = settled.rss;
  // Both ends settled: the start-up's own garbage (the contract parsed, validators compiled) is
  // collected by the same memory reducer, so it must not count against the users.
  memory = ctx.memory({ rssSettled, settleSeconds: settled.seconds, perUserSettled: perUser(rssSettled, memory.rssStartSettled ?? memory.rssStart, opts.users) });
  log(`settled after ${settled.seconds.toFixed(0)} s idle: server RSS ${fmtBytes(rssSettled)} (${fmtBytes(memory.perUserSettled)} per user)`);

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
  return {
    seed,
    seeding: {
      users: opts.users,
      seconds: seedSeconds,
      perSecond: opts.users / seedSeconds,
      poolUsers: POOL_USERS,
      smallGroup: seed.smallGroupId ? { id: seed.smallGroupId, members: SMALL_GROUP } : undefined,
      bigGroup,
      groupNotes,
    },
  };
}

function perUser(rss: number | undefined, start: number | undefined, users: number): number | undefined {
  return rss !== undefined && start !== undefined ? (rss - start) / users : undefined;
}

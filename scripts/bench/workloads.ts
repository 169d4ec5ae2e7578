// The measured workloads (bench/README.md, "Workloads"): each a list of tagged requests that
// autocannon cycles through, or the reason it cannot run against this server.
import type { BenchOptions } from './args.ts';
import type { RequestSpec } from './cannon.ts';
import { BULK_REQUEST_URN, entraUser, patchOp } from './payloads.ts';
import { fmtBytes } from './report.ts';
import { SCIM, SMALL_GROUP, type Seeded } from './seed.ts';

export interface Workload {
  /** Rows this workload produces (one per tag). */
  readonly names: readonly string[];
  readonly specs?: readonly RequestSpec[];
  /** Set when the workload cannot run against this server. */
  readonly skip?: string;
  readonly notes?: Record<string, string[]>;
}

/** What the server's /ServiceProviderConfig advertises, as the workloads need it. */
export interface Support {
  readonly patch: boolean;
  readonly bulk: { readonly supported: boolean; readonly maxOperations: number; readonly maxPayloadSize: number };
  readonly filter: boolean;
}

export function workloads(seed: Seeded, support: Support, opts: BenchOptions, runId: string): Workload[] {
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


// The named targets: issue #8 (the server's overhead, on the memory store), issue #7 (what every
// store must keep: an indexed equality filter, member changes that do not grow with the group) and
// the comparison between backends of one run (SQLite create vs memory create).
import type { BenchOptions } from './args.ts';
import { costRatio, fmtBytes, fmtRps, throughputRatio, type BackendReport, type Memory, type Ratio, type Row } from './report.ts';
import { SETTLE_SECONDS, SMALL_GROUP } from './seed.ts';

/** Fills each row's floor ratios (from the floors measured around it, else the pooled floor). */
export function fillFloorRatios(rows: readonly Row[]): void {
  const floor = rows.find((r) => r.name === 'floor_express');
  for (const r of rows) {
    const f = r.floorExpressRps ?? floor?.rps;
    if (f && r.rps !== undefined && r.ok > 0) r.vsFloorExpress = r.rps / f;
    const fc = r.floorCpuUsPerRequest ?? floor?.cpuUsPerRequest;
    if (fc && r.cpuUsPerRequest && r.ok > 0) r.cpuVsFloorExpress = fc / r.cpuUsPerRequest;
  }
}

/** Issue #8: the server's own overhead, measured on the memory store. */
export function overheadTargets(rows: ReadonlyMap<string, Row>, memory: Memory, opts: BenchOptions): Ratio[] {
  return [
    throughputRatio(rows, 'get_by_id', 'floor_express', 0.7),
    throughputRatio(rows, 'create', 'floor_express', 0.6),
    throughputRatio(rows, 'filter_eq', 'get_by_id', 0.9),
    costRatio(rows, 'group_add_member_100000', `group_add_member_${SMALL_GROUP}`, 2),
    rssPerUser(memory, opts),
  ];
}

/** Issue #7, on every store: each ratio compares two workloads on the same backend. */
export function storeTargets(rows: ReadonlyMap<string, Row>): Ratio[] {
  return [throughputRatio(rows, 'filter_eq', 'get_by_id', 0.5), costRatio(rows, 'group_add_member_100000', `group_add_member_${SMALL_GROUP}`, 2)];
}

function rssPerUser(memory: Memory, opts: BenchOptions): Ratio {
  const { perUserSettled: settled, perUser: immediate } = memory;
  if (settled === undefined) {
    return { name: 'RSS per user', target: '<= 2 KiB', status: 'n/a', detail: immediate === undefined ? 'RSS not readable (needs /proc)' : 'no settled reading (the run ended before it)' };
  }
  // Below ~50,000 users the heap's step-wise growth and GC timing dominate the difference.
  const few = opts.users < 50_000;
  return {
    name: 'RSS per user',
    value: settled,
    target: '<= 2 KiB',
    status: few ? 'n/a' : settled <= 2048 ? 'met' : 'missed',
    detail:
      `settled: (${fmtBytes(memory.rssSettled)} − ${fmtBytes(memory.rssStartSettled ?? memory.rssStart)} at start) / ${opts.users.toLocaleString('en-US')} users, each read once the server had been idle ` +
      `and ${SETTLE_SECONDS} s more had passed; right after seeding, against the unsettled start: ${fmtBytes(immediate)} per user (with garbage not yet collected)` +
      (few ? '; too few users for a stable figure (heap growth comes in steps)' : ''),
  };
}

/** Between backends of one run: SQLite's create rate against the memory store's (and PostgreSQL's, for comparison). */
export function backendComparisons(backends: readonly BackendReport[]): Ratio[] {
  const memory = backends.find((b) => b.store === 'memory');
  if (!memory) return [];
  const out: Ratio[] = [];
  for (const b of backends) {
    if (b.store === 'memory') continue;
    out.push(createVsMemory(b, memory, b.store === 'sqlite' ? 0.3 : undefined));
  }
  return out;
}

function createVsMemory(b: BackendReport, memory: BackendReport, min: number | undefined): Ratio {
  const name = `${b.store} create / memory create (req/s)`;
  const target = min === undefined ? '—' : `>= ${min}`;
  const mine = b.rows.find((r) => r.name === 'create');
  const theirs = memory.rows.find((r) => r.name === 'create');
  if (!mine?.rps || !mine.ok) return { name, target, status: 'n/a', detail: `${b.store} create: ${mine?.reason ?? 'no 2xx response'}` };
  if (!theirs?.rps || !theirs.ok) return { name, target, status: 'n/a', detail: `memory create: ${theirs?.reason ?? 'no 2xx response'}` };
  const value = mine.rps / theirs.rps;
  // The backends run minutes apart: their floors tell how much the machine's load moved meanwhile.
  const normalised = mine.vsFloorExpress && theirs.vsFloorExpress ? (mine.vsFloorExpress / theirs.vsFloorExpress).toFixed(2) : '—';
  const cpu =
    b.store === 'sqlite' && mine.cpuUsPerRequest && theirs.cpuUsPerRequest
      ? `; CPU-based (SQLite runs in the server process): ${(theirs.cpuUsPerRequest / mine.cpuUsPerRequest).toFixed(2)}`
      : '';
  const errors = [mine, theirs].filter((r) => r.status === 'errors').map((r) => (r === mine ? b.store : 'memory'));
  return {
    name,
    value,
    target,
    status: min === undefined ? 'info' : value >= min ? 'met' : 'missed',
    detail:
      `${fmtRps(mine.rps)} / ${fmtRps(theirs.rps)} req/s; each against the floor_express around it: ${normalised}${cpu}` +
      (errors.length ? ` (with errors on ${errors.join(', ')})` : ''),
  };
}

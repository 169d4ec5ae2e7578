// Turning measurements into rows, ratios and the Markdown report.
import { mean, percentile, type CannonResult, type TagStats } from './cannon.ts';
import type { ProfileSummary } from './profile.ts';
import type { StoreKind } from './stores.ts';

export interface Row {
  readonly name: string;
  /** ok: every response 2xx; errors: some were not (or socket errors); skipped: not run; failed: the harness could not run it. */
  readonly status: 'ok' | 'errors' | 'skipped' | 'failed';
  readonly reason?: string;
  readonly seconds?: number;
  readonly rps?: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  readonly meanMs?: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly socketErrors: number;
  readonly subErrors: number;
  readonly statusCounts: Record<string, number>;
  readonly sampleError?: string;
  /** floor_express measured around this workload (mean of the runs just before and after it). */
  floorExpressRps?: number;
  vsFloorExpress?: number;
  /** CPU time of the target process per request handled (µs), from /proc/<pid>/stat. */
  cpuUsPerRequest?: number;
  /** The same for the floor_express runs around this workload. */
  floorCpuUsPerRequest?: number;
  /** floor CPU per request / this CPU per request: the throughput ratio one core would give, load aside. */
  cpuVsFloorExpress?: number;
  readonly notes: string[];
}

export function skippedRow(name: string, reason: string): Row {
  return { name, status: 'skipped', reason, ok: 0, non2xx: 0, socketErrors: 0, subErrors: 0, statusCounts: {}, notes: [] };
}

export function failedRow(name: string, reason: string): Row {
  return { name, status: 'failed', reason, ok: 0, non2xx: 0, socketErrors: 0, subErrors: 0, statusCounts: {}, notes: [] };
}

/** A row from one tag of one or more runs (several runs are pooled: the floors run twice). */
export function rowFrom(name: string, runs: readonly CannonResult[], tag: string, notes: string[] = []): Row {
  const parts = runs.map((r) => r.tags.get(tag)).filter((t): t is TagStats => t !== undefined);
  const seconds = runs.reduce((s, r) => s + r.seconds, 0);
  const ok = parts.reduce((s, t) => s + t.ok, 0);
  const non2xx = parts.reduce((s, t) => s + t.non2xx, 0);
  const subErrors = parts.reduce((s, t) => s + t.subErrors, 0);
  const socketErrors = runs.reduce((s, r) => s + r.errors, 0);
  const statusCounts: Record<string, number> = {};
  for (const t of parts) for (const [k, v] of Object.entries(t.statusCounts)) statusCounts[k] = (statusCounts[k] ?? 0) + v;
  const total = parts.reduce((s, t) => s + t.latencies.length, 0);
  const all = new Float64Array(total);
  let at = 0;
  for (const t of parts) {
    const s = t.latencies.sorted();
    all.set(s, at);
    at += s.length;
  }
  all.sort();
  const erroneous = non2xx + socketErrors + subErrors > 0;
  return {
    name,
    status: erroneous ? 'errors' : 'ok',
    seconds,
    rps: seconds > 0 ? ok / seconds : undefined,
    p50Ms: percentile(all, 50),
    p99Ms: percentile(all, 99),
    meanMs: mean(all),
    ok,
    non2xx,
    socketErrors,
    subErrors,
    statusCounts,
    sampleError: parts.find((t) => t.sampleError)?.sampleError,
    notes,
  };
}

export interface Ratio {
  readonly name: string;
  readonly value?: number;
  readonly target: string;
  /** info: a figure shown for comparison, with no target. */
  readonly status: 'met' | 'missed' | 'n/a' | 'info';
  readonly detail: string;
}

function usable(row: Row | undefined): row is Row & { rps: number } {
  return row !== undefined && row.status !== 'skipped' && row.status !== 'failed' && row.ok > 0 && row.rps !== undefined;
}

function whyNot(name: string, row: Row | undefined): string {
  if (!row) return `${name} not run`;
  if (row.status === 'skipped') return `${name}: ${row.reason ?? 'skipped'}`;
  if (row.status === 'failed') return `${name} failed: ${row.reason ?? ''}`;
  return `${name}: no 2xx response`;
}

function errorsNote(...rows: Row[]): string {
  const bad = rows.filter((r) => r.status === 'errors').map((r) => r.name);
  return bad.length ? ` (with errors in ${bad.join(', ')})` : '';
}

/** Throughput ratio a / b, higher is better. */
export function throughputRatio(rows: ReadonlyMap<string, Row>, aName: string, bName: string, min: number): Ratio {
  const name = `${aName} / ${bName}`;
  const a = rows.get(aName);
  const b = rows.get(bName);
  if (!usable(a)) return { name, target: `>= ${min}`, status: 'n/a', detail: whyNot(aName, a) };
  if (!usable(b)) return { name, target: `>= ${min}`, status: 'n/a', detail: whyNot(bName, b) };
  // Against the floor, a workload is compared with the floor measured around it.
  const local = bName === 'floor_express' ? a.floorExpressRps : undefined;
  const value = a.rps / (local ?? b.rps);
  return {
    name,
    value,
    target: `>= ${min}`,
    status: value >= min ? 'met' : 'missed',
    detail: `${fmtRps(a.rps)} / ${fmtRps(local ?? b.rps)} req/s${local ? ' (floor_express just before and after it)' : ''}; CPU-based: ${cpuRatio(a, b, bName)}${errorsNote(a, b)}`,
  };
}

function cpuRatio(a: Row, b: Row, bName: string): string {
  const v = bName === 'floor_express' ? a.cpuVsFloorExpress : a.cpuUsPerRequest && b.cpuUsPerRequest ? b.cpuUsPerRequest / a.cpuUsPerRequest : undefined;
  return fmtRatio(v);
}

/** Mean-latency ratio a / b, lower is better (the mean is what throughput sees: GC pauses included). */
export function costRatio(rows: ReadonlyMap<string, Row>, aName: string, bName: string, max: number): Ratio {
  const name = `${aName} / ${bName} (mean latency)`;
  const a = rows.get(aName);
  const b = rows.get(bName);
  if (!usable(a) || a.meanMs === undefined) return { name, target: `<= ${max}`, status: 'n/a', detail: whyNot(aName, a) };
  if (!usable(b) || b.meanMs === undefined) return { name, target: `<= ${max}`, status: 'n/a', detail: whyNot(bName, b) };
  const value = a.meanMs / b.meanMs;
  const r = (x?: number, y?: number) => (x !== undefined && y ? (x / y).toFixed(2) : '—');
  return {
    name,
    value,
    target: `<= ${max}`,
    status: value <= max ? 'met' : 'missed',
    detail: `mean ${fmtMs(a.meanMs)} / ${fmtMs(b.meanMs)} ms; p50 ratio ${r(a.p50Ms, b.p50Ms)}, p99 ratio ${r(a.p99Ms, b.p99Ms)}${errorsNote(a, b)}`,
  };
}

export function fmtRps(v: number | undefined): string {
  if (v === undefined) return '—';
  return v < 100 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US');
}

export function fmtMs(v: number | undefined): string {
  if (v === undefined) return '—';
  return v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US');
}

export function fmtBytes(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  const abs = Math.abs(v);
  if (abs >= 1024 * 1024) return `${(v / (1024 * 1024)).toFixed(1)} MiB`;
  if (abs >= 1024) return `${(v / 1024).toFixed(2)} KiB`;
  return `${Math.round(v)} B`;
}

function fmtRatio(v: number | undefined): string {
  return v === undefined ? '—' : v.toFixed(v < 0.1 ? 3 : 2);
}

function errorsCell(row: Row): string {
  if (row.status === 'skipped') return '—';
  const bits: string[] = [];
  const codes = Object.entries(row.statusCounts).filter(([code]) => !code.startsWith('2'));
  if (codes.length) bits.push(codes.map(([c, n]) => `${n.toLocaleString('en-US')}×${c}`).join(', '));
  if (row.socketErrors) bits.push(`${row.socketErrors.toLocaleString('en-US')} socket/timeout`);
  if (row.subErrors) bits.push(`${row.subErrors.toLocaleString('en-US')} failed ops`);
  return bits.length ? bits.join('; ') : '0';
}

function notesCell(row: Row): string {
  const notes = [...row.notes];
  if (row.status === 'skipped') notes.unshift(`**${row.reason ?? 'skipped'}**`);
  if (row.status === 'failed') notes.unshift(`**failed**: ${row.reason}`);
  if (row.sampleError) notes.push(`first error: \`${row.sampleError.replace(/\|/g, '\\|').replace(/\s+/g, ' ').slice(0, 140)}\``);
  return notes.join('; ').replace(/\|/g, '\\|');
}

export interface Memory {
  readonly rssStart?: number;
  /** At start, once the server was idle and SETTLE_SECONDS more had passed. */
  readonly rssStartSettled?: number;
  /** Right after the users were seeded: includes garbage not yet collected. */
  readonly rssAfterUsers?: number;
  /** After the users, once the server was idle and SETTLE_SECONDS more had passed. */
  readonly rssSettled?: number;
  /** Seconds from the end of seeding the users to the settled reading. */
  readonly settleSeconds?: number;
  readonly rssAfterGroups?: number;
  readonly rssEnd?: number;
  readonly peak?: number;
  /** (rssAfterUsers − rssStart) / users */
  readonly perUser?: number;
  /** (rssSettled − rssStartSettled) / users */
  readonly perUserSettled?: number;
}

export interface Machine {
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  readonly date: string;
  readonly platform: string;
  readonly loadavgStart: readonly number[];
  readonly loadavgEnd?: readonly number[];
  readonly commit?: string;
}

export interface Seeding {
  readonly users: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly poolUsers: number;
  readonly smallGroup?: { id: string; members: number };
  readonly bigGroup?: { id: string; members: number; method: string; seconds: number };
  readonly groupNotes: readonly string[];
  readonly userGetBytes?: number;
  readonly floorBodyBytes: number;
}

/** Everything measured on one backend, by its own server process. */
export interface BackendReport {
  readonly store: StoreKind;
  /** Where the data lived (never a password). */
  readonly storeDescription: string;
  readonly support: Record<string, unknown>;
  readonly seeding?: Seeding;
  readonly memory: Memory;
  readonly rows: readonly Row[];
  /** The targets of issue #8 (the server's own overhead): for the memory store. */
  readonly ratios: readonly Ratio[];
  /** The targets of issue #7 that hold on every store. */
  readonly storeRatios: readonly Ratio[];
  readonly notes: readonly string[];
  readonly profile?: ProfileSummary;
  readonly aborted?: string;
}

export interface Report {
  readonly machine: Machine;
  readonly options: Record<string, unknown>;
  readonly backends: readonly BackendReport[];
  /** Between the backends of this run (SQLite create vs memory create); empty with one backend. */
  readonly comparisons: readonly Ratio[];
}

/**
 * The JSON written to bench/results: with one backend, the shape a memory-only run always had (its
 * fields at the top); with several, one entry per backend under `backends`.
 */
export function reportJson(report: Report): Record<string, unknown> {
  const { backends, comparisons, ...head } = report;
  if (backends.length === 1) return { ...head, ...backends[0], ...(comparisons.length ? { comparisons } : {}) };
  return { ...head, comparisons, backends };
}

export function workloadTable(rows: readonly Row[]): string {
  const lines = [
    '| workload | req/s | p50 ms | p99 ms | 2xx | errors / non-2xx | floor_express around it, req/s | vs floor_express | CPU µs/req | CPU vs floor_express | notes |',
    '| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const r of rows) {
    const skipped = r.status === 'skipped' || r.status === 'failed';
    lines.push(
      `| ${r.name} | ${skipped ? '—' : fmtRps(r.rps)} | ${fmtMs(r.p50Ms)} | ${fmtMs(r.p99Ms)} | ${skipped ? '—' : r.ok.toLocaleString('en-US')} | ${errorsCell(r)} | ${fmtRps(r.floorExpressRps)} | ${fmtRatio(r.vsFloorExpress)} | ${r.cpuUsPerRequest === undefined ? '—' : Math.round(r.cpuUsPerRequest).toLocaleString('en-US')} | ${fmtRatio(r.cpuVsFloorExpress)} | ${notesCell(r)} |`,
    );
  }
  return lines.join('\n');
}

export function ratioTable(ratios: readonly Ratio[]): string {
  const mark = { met: '✅ met', missed: '❌ missed', 'n/a': '— n/a', info: 'no target' } as const;
  const lines = ['| ratio | value | target | status | detail |', '| --- | ---: | --- | --- | --- |'];
  for (const r of ratios) {
    const value = r.value === undefined ? '—' : r.name.startsWith('RSS') ? fmtBytes(r.value) : fmtRatio(r.value);
    lines.push(`| ${r.name} | ${value} | ${r.target} | ${mark[r.status]} | ${r.detail.replace(/\|/g, '\\|')} |`);
  }
  return lines.join('\n');
}

export function renderMarkdown(report: Report): string {
  const m = report.machine;
  const single = report.backends.length === 1;
  const out: string[] = [];
  out.push('# SCIM server benchmark', '');
  for (const b of report.backends) {
    if (b.aborted) out.push(`> **Run aborted${single ? '' : ` (${b.store})`}:** ${b.aborted.replace(/\s*\n\s*/g, ' / ')}`, '');
  }
  out.push(
    `- date: ${m.date}`,
    `- node: ${m.node} (${m.platform})`,
    `- CPU: ${m.cpu}, ${m.cores} cores`,
    `- load average at start / end: ${m.loadavgStart.map((v) => v.toFixed(2)).join(' ')} / ${m.loadavgEnd?.map((v) => v.toFixed(2)).join(' ') ?? '—'}`,
    ...(m.commit ? [`- commit: ${m.commit} (working tree may differ)`] : []),
    `- options: ${Object.entries(report.options)
      .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
      .join(', ')}`,
  );
  if (single) {
    out.push(...backendHeader(report.backends[0]!), '', ...backendSections(report.backends[0]!, '##'));
    if (report.comparisons.length) out.push('## Between backends', '', ratioTable(report.comparisons), '');
    return out.join('\n');
  }
  out.push(
    `- backends: ${report.backends.map((b) => b.store).join(', ')}, one after the other, each with its own server process, seeding and floors`,
    '',
    '## Summary (issue #7)',
    '',
    'Each ratio is between two workloads on the same backend, or between backends of this run.',
    '',
    summaryTable(report.backends),
    '',
    ratioTable(report.comparisons),
    '',
  );
  for (const b of report.backends) out.push(`## ${b.store}`, '', ...backendHeader(b), '', ...backendSections(b, '###'));
  return out.join('\n');
}

function backendHeader(b: BackendReport): string[] {
  return [
    `- store: ${b.store}: ${b.storeDescription}`,
    `- server support (ServiceProviderConfig): ${Object.entries(b.support)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ')}`,
  ];
}

function summaryTable(backends: readonly BackendReport[]): string {
  const lines = [
    '| store | seeding, users/s | get_by_id req/s | filter_eq req/s | filter_eq / get_by_id (>= 0.5) | group add, 100,000 / 100 members, mean latency (<= 2) | create req/s | create vs floor_express | RSS per user, settled |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const cell = (r: Ratio | undefined) => (r?.value === undefined ? '—' : `${fmtRatio(r.value)} ${r.status === 'met' ? '✅' : r.status === 'missed' ? '❌' : ''}`.trim());
  for (const b of backends) {
    const row = (name: string) => b.rows.find((r) => r.name === name);
    const ratio = (prefix: string) => b.storeRatios.find((r) => r.name.startsWith(prefix));
    const create = row('create');
    lines.push(
      `| ${b.store} | ${fmtRps(b.seeding?.perSecond)} | ${fmtRps(row('get_by_id')?.rps)} | ${fmtRps(row('filter_eq')?.rps)} | ${cell(ratio('filter_eq'))} | ${cell(ratio('group_add'))} | ${fmtRps(create?.rps)} | ${fmtRatio(create?.vsFloorExpress)} | ${fmtBytes(b.memory.perUserSettled)} |`,
    );
  }
  return lines.join('\n');
}

/** One backend's tables; `h` is the heading level of its sections. */
function backendSections(report: BackendReport, h: string): string[] {
  const out: string[] = [];
  out.push(`${h} Workloads`, '', workloadTable(report.rows), '');
  if (report.ratios.length) out.push(`${h} Targets (issue #8)`, '', ratioTable(report.ratios), '');
  out.push(`${h} Store targets (issue #7)`, '', ratioTable(report.storeRatios), '');
  const mem = report.memory;
  out.push(
    `${h} Memory (server process, VmRSS)`,
    '',
    '"settled": read once the server had been idle and 45 s more had passed, at start and after seeding the users',
    "(V8's memory reducer collects and shrinks the heap some 20-35 s after allocation stops); per user, settled is",
    '(settled after users − settled at start) / users. "after users" is read 1 s after the last create and includes',
    'garbage; its per-user figure is against the unsettled start.',
    '',
    '| at start | at start, settled | after users | per user | settled | per user, settled | after groups | at end | peak (VmHWM) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${fmtBytes(mem.rssStart)} | ${fmtBytes(mem.rssStartSettled)} | ${fmtBytes(mem.rssAfterUsers)} | ${fmtBytes(mem.perUser)} | ${fmtBytes(mem.rssSettled)}${mem.settleSeconds !== undefined ? ` (${mem.settleSeconds.toFixed(0)} s)` : ''} | ${fmtBytes(mem.perUserSettled)} | ${fmtBytes(mem.rssAfterGroups)} | ${fmtBytes(mem.rssEnd)} | ${fmtBytes(mem.peak)} |`,
    '',
  );
  if (report.store !== 'memory') {
    out.push('The store keeps its data outside the JavaScript heap (SQLite: page cache in this process; PostgreSQL: other processes), so these figures are the server\'s own.', '');
  }
  const s = report.seeding;
  if (s) {
    out.push(
      `${h} Seeding`,
      '',
      `- ${s.users.toLocaleString('en-US')} users in ${s.seconds.toFixed(1)} s (${fmtRps(s.perSecond)} users/s), plus ${s.poolUsers.toLocaleString('en-US')} pool users for the membership workloads`,
      `- small group: ${s.smallGroup ? `${s.smallGroup.members} members` : 'not created'}`,
      `- big group: ${s.bigGroup ? `${s.bigGroup.members.toLocaleString('en-US')} members, ${s.bigGroup.method}, ${s.bigGroup.seconds.toFixed(1)} s` : 'not created'}`,
      ...s.groupNotes.map((n) => `- ${n}`),
      `- response sizes: GET /Users/{id} ${s.userGetBytes ?? '—'} B, floor body ${s.floorBodyBytes} B`,
      '',
    );
  }
  if (report.notes.length) out.push(`${h} Notes`, '', ...report.notes.map((n) => `- ${n}`), '');
  const p = report.profile;
  if (p) {
    out.push(
      `${h} CPU profile of the server (whole run: seeding and workloads)`,
      '',
      `${p.file}: ${(p.busyMs / 1000).toFixed(1)} s busy of ${(p.totalMs / 1000).toFixed(1)} s sampled.`,
      '',
      '| self time | % of busy | function | where |',
      '| ---: | ---: | --- | --- |',
      ...p.top.map((t) => `| ${Math.round(t.ms).toLocaleString('en-US')} ms | ${t.percent.toFixed(1)} | \`${t.fn}\` | ${t.where} |`),
      '',
      '| self time | % of busy | origin |',
      '| ---: | ---: | --- |',
      ...p.byOrigin.map((t) => `| ${Math.round(t.ms).toLocaleString('en-US')} ms | ${t.percent.toFixed(1)} | ${t.fn} |`),
      '',
    );
    if (p.windows.length) {
      out.push(
        'Per phase (the measured part of each workload). "busy" is the share of profiler samples that were not idle; on a',
        'loaded machine, time the server spent waiting for a core is counted where it was preempted (often in system calls',
        'such as `writev`), so prefer the CPU µs/req column of the workload table for costs.',
        '',
        '| phase | s | busy | top self time (% of the phase) | by origin |',
        '| --- | ---: | ---: | --- | --- |',
        ...p.windows.map(
          (w) =>
            `| ${w.name} | ${w.seconds.toFixed(1)} | ${w.busyShare.toFixed(2)} | ${w.top.map((t) => `\`${t.fn}\` ${t.where.split('/').pop()} ${t.percent.toFixed(0)}%`).join(', ')} | ${w.byOrigin
              .slice(0, 5)
              .map((o) => `${o.fn} ${o.percent.toFixed(0)}%`)
              .join(', ')} |`,
        ),
        '',
      );
    }
  }
  return out;
}

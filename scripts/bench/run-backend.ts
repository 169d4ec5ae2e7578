// One backend's part of a run: provision its store, start a server process on it, seed it, run
// every workload with floor_express measured around each, stop the server and remove the store.
// It never throws: a failure is recorded as `aborted`, with whatever was measured before it.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions } from './args.ts';
import { cannon, type CannonResult, type RequestSpec } from './cannon.ts';
import { ScimClient } from './client.ts';
import { cpuTicks, readRss, startServer, TICKS_PER_SECOND, waitIdle, type FloorProcess, type ServerProcess } from './procs.ts';
import { summariseProfile, type ProfileSummary, type Window } from './profile.ts';
import { failedRow, fmtBytes, fmtRps, rowFrom, skippedRow, type BackendReport, type Memory, type Row, type Seeding } from './report.ts';
import { seedServer, settledRss } from './seed.ts';
import { provisionStore, type ProvisionedStore, type StoreChoice } from './stores.ts';
import { fillFloorRatios, overheadTargets, storeTargets } from './targets.ts';
import { workloads, type Support } from './workloads.ts';

export interface Floors {
  readonly express: FloorProcess;
  readonly http: FloorProcess;
  /** The body the floors answer with. */
  readonly body: string;
}

export interface RunContext {
  readonly root: string;
  readonly profiles: string;
  readonly opts: BenchOptions;
  readonly floors: Floors;
  /** When the whole run started (profiles older than this are not ours). */
  readonly startedAt: number;
}

/** Seconds of each floor_express run between workloads (the first one runs --duration). */
const FLOOR_SECONDS = (opts: BenchOptions) => Math.min(opts.duration, 4);

const log = (msg: string) => console.log(`[bench] ${msg}`);
/** Monotonic µs: the clock V8 stamps CPU profiles with (CLOCK_MONOTONIC on Linux). */
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

export async function runBackend(choice: StoreChoice, run: RunContext): Promise<BackendReport> {
  const { opts, floors } = run;
  let memory: Memory = {};
  const rows: Row[] = [];
  const notes: string[] = [];
  const windows: Window[] = [];
  let support: Record<string, unknown> = {};
  let seeding: Seeding | undefined;
  let description: string = choice.kind;
  let store: ProvisionedStore | undefined;
  let server: ServerProcess | undefined;
  let aborted: string | undefined;
  try {
    store = await provisionStore(choice);
    description = store.description;
    log(`${choice.kind}: ${store.description}`);
    server = await startServer(run.root, { profileDir: opts.profile ? run.profiles : undefined, logLevel: opts.logLevel, store: store.spec, source: opts.source });
    const srv = server;
    const guarded = <T>(p: Promise<T>): Promise<T> => Promise.race([p, srv.died]);
    log(`server under test (${choice.kind}): pid ${srv.child.pid}, ${srv.base}${opts.profile ? ' (with --cpu-prof)' : ''}`);
    const client = new ScimClient(srv.base);
    const pid = srv.child.pid!;
    await new Promise((r) => setTimeout(r, 500));
    memory = { rssStart: readRss(pid)?.rss };
    // The baseline for the settled per-user figure: start-up garbage collected as it will be later.
    const startSettled = await guarded(settledRss(pid));
    memory = { ...memory, rssStartSettled: startSettled.rss };
    log(`settled at start after ${startSettled.seconds.toFixed(0)} s idle: server RSS ${fmtBytes(startSettled.rss)}`);

    const spc = (await guarded(client.ok('GET', '/ServiceProviderConfig'))).body as {
      patch?: { supported?: boolean };
      bulk?: { supported?: boolean; maxOperations?: number; maxPayloadSize?: number };
      filter?: { supported?: boolean; maxResults?: number };
      sort?: { supported?: boolean };
    };
    const supported: Support = {
      patch: spc.patch?.supported === true,
      bulk: { supported: spc.bulk?.supported === true, maxOperations: spc.bulk?.maxOperations ?? 0, maxPayloadSize: spc.bulk?.maxPayloadSize ?? 0 },
      filter: spc.filter?.supported === true,
    };
    support = {
      patch: supported.patch,
      bulk: supported.bulk.supported,
      'bulk.maxOperations': supported.bulk.maxOperations,
      'bulk.maxPayloadSize': supported.bulk.maxPayloadSize,
      filter: supported.filter,
      'filter.maxResults': spc.filter?.maxResults,
      sort: spc.sort?.supported === true,
    };

    const seedStartUs = nowUs();
    const seeded = await seedServer({ client, opts, support: supported, pid, guarded, memory: (m) => (memory = { ...memory, ...m }) });
    const seed = seeded.seed;
    windows.push({ name: 'seeding (users, pool, groups)', startUs: seedStartUs, endUs: nowUs() });
    await waitIdle(pid, 10);
    memory = { ...memory, rssAfterGroups: readRss(pid)?.rss };
    const sample = await guarded(client.call('GET', `/Users/${seed.ids[1]}`));
    seeding = { ...seeded.seeding, userGetBytes: sample.bytes, floorBodyBytes: Buffer.byteLength(floors.body) };

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
        windows.push({ name: label, startUs: t0, endUs: nowUs() });
        drained[label] = await guarded(waitIdle(pid));
      }
      const summary = [...r.tags.values()]
        .map((t) => `${t.tag} ${Math.round(t.ok / r.seconds).toLocaleString('en-US')} req/s${t.non2xx ? `, ${t.non2xx} non-2xx` : ''}`)
        .join('; ');
      log(`${choice.kind} ${label}: ${summary}${r.errors ? `, ${r.errors} socket errors` : ''}`);
      return r;
    };
    const floorSpecs = (tag: string): RequestSpec[] => {
      let c = 0;
      // A rotating query string, so that the client does the same per-request work as for the server.
      return [{ tag, method: 'GET', setup: () => ({ path: `/x?i=${c++}` }) }];
    };
    const rpsOf = (r: CannonResult, tag: string) => (r.tags.get(tag)?.ok ?? 0) / r.seconds;
    const perRequest = (runs: CannonResult[]) => {
      const parts = runs.map((r) => cpuUs.get(r)).filter((c) => c !== undefined);
      const requests = parts.reduce((n, c) => n + c.requests, 0);
      return parts.length === runs.length && requests > 0 ? parts.reduce((n, c) => n + c.us, 0) / requests : undefined;
    };
    // floor_express runs between every two workloads (shorter, already warm), and each workload is
    // compared with the mean of the floors just before and just after it: the machine's load drifts.
    const expressRuns: CannonResult[] = [];
    const { express, http } = floors;
    const floorExpress = async (first: boolean): Promise<{ rps: number; cpu: number | undefined }> => {
      const r = await measure('floor_express', `http://127.0.0.1:${express.port}`, floorSpecs('floor_express'), first ? opts.duration : FLOOR_SECONDS(opts), first ? opts.warmup : 0, express.child.pid!);
      expressRuns.push(r);
      return { rps: rpsOf(r, 'floor_express'), cpu: perRequest([r]) };
    };
    const mean2 = (a?: number, b?: number) => (a !== undefined && b !== undefined ? (a + b) / 2 : undefined);
    const httpRuns: CannonResult[] = [];
    const floorHttp = async () => httpRuns.push(await measure('floor_http', `http://127.0.0.1:${http.port}`, floorSpecs('floor_http'), opts.duration, opts.warmup, http.child.pid!));

    await floorHttp();
    let floorBefore = await floorExpress(true);
    for (const w of workloads(seed, supported, opts, Date.now().toString(36))) {
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
    memory = { ...memory, rssEnd: end?.rss, peak: end?.hwm };
  } catch (err) {
    aborted = err instanceof Error ? err.message : String(err);
    console.error(`[bench] ${choice.kind}: aborted: ${aborted}`);
  }

  // Stop the server first (a --cpu-prof profile is written when it exits), then remove its store.
  if (server) {
    const stopped = await server.stop();
    if (stopped.forced) notes.push('the server did not stop within 20 s of SIGTERM and was killed (no CPU profile is written then)');
    const scan = server.log.scan();
    const problems = scan.error + scan.other;
    notes.push(
      `server log: ${scan.lines.toLocaleString('en-US')} lines (${fmtBytes(scan.bytes)}); ${scan.warn} warn, ${scan.error} error/fatal, ${scan.other} not JSON` +
        (scan.firstProblem ? `; first problem: \`${scan.firstProblem.replace(/`/g, "'")}\`` : ''),
    );
    const keep = aborted !== undefined || problems > 0;
    if (keep) notes.push(`the server log is kept at ${server.log.path}`);
    server.log.close(keep);
  }
  await store?.dispose().catch((err: unknown) => notes.push(`removing the ${choice.kind} store failed: ${err instanceof Error ? err.message : String(err)}`));
  if (choice.kind === 'postgres') {
    notes.push('CPU µs/req counts the server process only: PostgreSQL does its part of the work in processes of its own');
  }

  let profile: ProfileSummary | undefined;
  if (opts.profile && server) {
    try {
      const pid = server.child.pid;
      const files = readdirSync(run.profiles)
        .filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${pid}.`))
        .map((f) => join(run.profiles, f))
        .filter((f) => statSync(f).mtimeMs >= run.startedAt)
        // One file per thread (tsx's loader runs on a thread of its own): the main thread's is the largest.
        .sort((a, b) => statSync(b).size - statSync(a).size);
      if (files[0]) profile = summariseProfile(files[0], run.root, windows);
      else notes.push(`no CPU profile of pid ${pid} was found in ${run.profiles}`);
    } catch (err) {
      notes.push(`the CPU profile could not be read: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  fillFloorRatios(rows);
  const byName = new Map(rows.map((r) => [r.name, r]));
  const bulk = byName.get('bulk_1000');
  if (bulk?.rps) bulk.notes.push(`≈ ${Math.round(bulk.rps * 1000).toLocaleString('en-US')} user creations/s`);
  return {
    store: choice.kind,
    storeDescription: description,
    support,
    seeding,
    memory,
    rows,
    ratios: choice.kind === 'memory' ? overheadTargets(byName, memory, opts) : [],
    storeRatios: storeTargets(byName),
    notes,
    profile,
    aborted,
  };
}

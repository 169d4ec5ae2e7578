// `npm run bench`: the server's throughput as ratios against floors measured in the same run, on
// one or more backends (--store). See bench/README.md. Everything runs on loopback; every child
// process, temporary database and PostgreSQL cluster is removed on exit.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs, type BenchOptions } from './bench/args.ts';
import { floorBody } from './bench/payloads.ts';
import { killAllNow, startFloor, stopAll } from './bench/procs.ts';
import { renderMarkdown, reportJson, workloadTable, type BackendReport, type Machine, type Report } from './bench/report.ts';
import { runBackend } from './bench/run-backend.ts';
import { backendComparisons } from './bench/targets.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = join(ROOT, 'bench', 'results');
const PROFILES = join(RESULTS, 'profiles');

const log = (msg: string) => console.log(`[bench] ${msg}`);

// ---- process hygiene --------------------------------------------------------------------------

process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`[bench] ${signal}: stopping child processes and removing temporary stores`);
    void stopAll(2000).finally(() => process.exit(130));
  });
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

// ---- main -------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const opts = parseBenchArgs(process.argv.slice(2));
  const startedAt = Date.now();
  const watchdog = setTimeout(() => {
    console.error(`[bench] the run exceeded --timeout-min ${opts.timeoutMinutes}: aborting`);
    // Time enough to drop a database and stop a cluster; the exit handler covers the rest.
    void stopAll(2000).finally(() => process.exit(3));
  }, opts.timeoutMinutes * 60_000);

  const machine = machineInfo();
  mkdirSync(RESULTS, { recursive: true });
  if (opts.profile) mkdirSync(PROFILES, { recursive: true });
  const stores = opts.stores.map((s) => s.kind).join(', ');
  log(`node ${machine.node}, ${machine.cpu}, ${machine.cores} cores; store ${stores}; users=${opts.users}, duration=${opts.duration}s, warm-up=${opts.warmup}s, connections=${opts.connections}`);

  if (!opts.source) {
    // The server under test is the build, as published: built from this working tree first.
    log('npm run build (the server under test is dist/src/cli.js; --source runs src/cli.ts with tsx)');
    execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }

  const backends: BackendReport[] = [];
  let failure: string | undefined;
  try {
    const body = floorBody();
    const floorScript = join(ROOT, 'scripts', 'bench', 'floor-server.ts');
    const [express, http] = await Promise.all([startFloor(floorScript, 'express', body, ROOT), startFloor(floorScript, 'http', body, ROOT)]);
    log(`floors listening: express :${express.port}, node:http :${http.port}`);
    for (const choice of opts.stores) {
      backends.push(await runBackend(choice, { root: ROOT, profiles: PROFILES, opts, floors: { express, http, body }, startedAt }));
      // Written after each backend, so a later one that hangs leaves the earlier figures behind.
      if (opts.stores.length > 1) write(buildReport(machine, opts, backends), opts.out);
    }
  } catch (err) {
    failure = err instanceof Error ? err.message : String(err);
    console.error(`[bench] aborted: ${failure}`);
  }
  await stopAll();
  clearTimeout(watchdog);

  // The floors could not start: no backend ran, and the report says why.
  if (failure && backends.length === 0) {
    backends.push({ store: opts.stores[0]!.kind, storeDescription: '—', support: {}, memory: {}, rows: [], ratios: [], storeRatios: [], notes: [], aborted: failure });
  }
  const report = buildReport(machine, opts, backends);
  const md = write(report, opts.out);
  console.log('');
  for (const b of report.backends) {
    if (report.backends.length > 1) console.log(`== ${b.store}`);
    console.log(workloadTable(b.rows));
    console.log('');
  }
  const summary = report.backends.length > 1 ? md.indexOf('## Summary') : md.indexOf('## Targets') >= 0 ? md.indexOf('## Targets') : md.indexOf('## Store targets');
  console.log(report.backends.length > 1 ? md.slice(summary, md.indexOf('\n## ', summary + 1)) : md.slice(summary));
  log(`wrote bench/results/${opts.out}.json and bench/results/${opts.out}.md in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
  return failure || backends.some((b) => b.aborted) ? 1 : 0;
}

function buildReport(machine: Machine, opts: BenchOptions, backends: readonly BackendReport[]): Report {
  return {
    machine: { ...machine, loadavgEnd: loadavg() },
    options: {
      store: opts.stores.map((s) => s.kind).join(','),
      users: opts.users,
      duration: opts.duration,
      warmup: opts.warmup,
      connections: opts.connections,
      seedConcurrency: opts.seedConcurrency,
      bigGroup: opts.bigGroup,
      bodyLimit: opts.bodyLimit,
      profile: opts.profile,
      server: opts.source ? 'src/cli.ts (tsx)' : 'dist/src/cli.js (npm run build)',
      serverLogLevel: opts.logLevel ?? 'server default',
      ...(opts.only ? { only: opts.only } : {}),
    },
    backends,
    comparisons: backendComparisons(backends),
  };
}

/** Writes NAME.json and NAME.md; returns the Markdown. */
function write(report: Report, name: string): string {
  writeFileSync(join(RESULTS, `${name}.json`), `${JSON.stringify(reportJson(report), jsonReplacer, 2)}\n`);
  const md = renderMarkdown(report);
  writeFileSync(join(RESULTS, `${name}.md`), md);
  return md;
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

// A throwaway PostgreSQL cluster for `--store postgres`, as .ci/run starts one for the tests: the
// Debian binaries (/usr/lib/postgresql/<version>/bin, newest version), initdb into a temporary
// directory (as the `postgres` user when we are root: PostgreSQL refuses to run as root), trust
// authentication, loopback only, a free port. It is stopped and its directory removed when the
// benchmark ends, fails or is interrupted (procs.ts atExit).
//
// Durability stays as shipped (fsync, synchronous_commit and full_page_writes on), so that a create
// costs a flushed commit as it does on SQLite (synchronous=FULL): the comparison is an honest one.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atExit, freePort } from './procs.ts';

const DEBIAN_PG = '/usr/lib/postgresql';

export interface PgCluster {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  readonly url: string;
  /** e.g. "PostgreSQL 15.14" */
  readonly version: string;
  readonly dir: string;
  /** Stops the cluster and removes its directory (idempotent). */
  stop(): void;
}

/** The newest Debian PostgreSQL bin directory that has initdb, if any. */
export function debianPgBin(): string | undefined {
  if (!existsSync(DEBIAN_PG)) return undefined;
  const versions = readdirSync(DEBIAN_PG)
    .filter((v) => existsSync(join(DEBIAN_PG, v, 'bin', 'initdb')))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  return versions[0] && join(DEBIAN_PG, versions[0], 'bin');
}

export async function startPgCluster(): Promise<PgCluster> {
  const bin = debianPgBin();
  if (!bin) {
    throw new Error(`--store postgres needs PostgreSQL's server binaries in ${DEBIAN_PG}/<version>/bin (apt-get install postgresql), or give a postgres:// URL`);
  }
  const root = process.getuid?.() === 0;
  // runuser switches to `postgres` without a password prompt (root only); otherwise we run as ourselves.
  const as = (cmd: string, args: string[]) => (root ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]) as [string, string[]];
  const run = (cmd: string, args: string[]) => {
    const [file, argv] = as(cmd, args);
    return execFileSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  };
  const dir = mkdtempSync(join(tmpdir(), 'scim-bench-pg-'));
  if (root) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  const data = join(dir, 'data');
  let started = false;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      // immediate: the data is thrown away anyway, so no shutdown checkpoint to wait for.
      if (started) run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-s', 'stop']);
    } catch {
      // not running (any more)
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const unregister = atExit(stop);
  try {
    // C.UTF-8: lower() folds non-ASCII letters as the other stores do (README, Storage). --no-sync
    // only skips initdb's own final flush of the empty cluster; the server itself keeps fsync on.
    run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    const port = await freePort();
    started = true;
    try {
      run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-s', 'start', '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}`]);
    } catch (err) {
      const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8').trim().split('\n').slice(-10).join('\n') : '';
      throw new Error(`PostgreSQL did not start: ${err instanceof Error ? err.message : String(err)}\n${log}`);
    }
    const version = run(join(bin, 'postgres'), ['--version']).trim().replace(/^postgres \(PostgreSQL\) /, 'PostgreSQL ');
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      version,
      dir,
      stop: () => {
        stop();
        unregister();
      },
    };
  } catch (err) {
    stop();
    unregister();
    throw err;
  }
}

// Child processes of the benchmark: the server under test and the two floor servers. Every child
// is tracked, and killed when the benchmark ends, fails or is interrupted.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, openSync, readFileSync, readSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';

const children = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Something to undo when the benchmark ends (a temporary database, a PostgreSQL cluster). */
interface Cleanup {
  /** Synchronous, for process 'exit'. */
  readonly now: () => void;
  /** The thorough way, when there is time (SIGINT, the watchdog, a failed run). Default: `now`. */
  readonly later?: () => Promise<void>;
}

const cleanups = new Set<Cleanup>();

/** Registers a cleanup run after the child processes are stopped; returns a function that unregisters it. */
export function atExit(now: () => void, later?: () => Promise<void>): () => void {
  const cleanup = { now, later };
  cleanups.add(cleanup);
  return () => void cleanups.delete(cleanup);
}

function runCleanupsNow(): void {
  // Newest first: a database goes before the cluster that holds it.
  for (const c of [...cleanups].reverse()) {
    cleanups.delete(c);
    try {
      c.now();
    } catch (err) {
      console.error(`[bench] cleanup failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** Last-resort cleanup: synchronous, for process 'exit'. */
export function killAllNow(): void {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
  runCleanupsNow();
}

/** SIGTERM, then SIGKILL after `graceMs`. Resolves when the child has exited. */
export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<{ code: number | null; signal: string | null; forced: boolean }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode, forced: false });
  }
  return new Promise((resolve) => {
    let forced = false;
    const timer = setTimeout(() => {
      forced = true;
      child.kill('SIGKILL');
    }, graceMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, forced });
    });
    child.kill('SIGTERM');
  });
}

/** Stops every child, then runs the cleanups (the servers must be gone before their databases). */
export async function stopAll(graceMs = 10_000): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c, graceMs)));
  for (const c of [...cleanups].reverse()) {
    cleanups.delete(c);
    try {
      await (c.later ?? (async () => c.now()))();
    } catch (err) {
      console.error(`[bench] cleanup failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** A port that was free a moment ago on loopback (the server under test takes PORT from env). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * The server's output goes to a file, not a pipe: its logger writes synchronously, and a pipe the
 * busy benchmark process drains late would stall the server mid-measurement.
 */
export class ServerLog {
  readonly fd: number;
  constructor(readonly path: string) {
    this.fd = openSync(path, 'w+');
  }

  /** The last lines, each shortened, to explain a failure. */
  tail(lines = 6, width = 300): string {
    try {
      const size = fstatSync(this.fd).size;
      const length = Math.min(size, 16_384);
      const buf = Buffer.alloc(length);
      readSync(this.fd, buf, 0, length, size - length);
      return buf
        .toString('utf8')
        .split('\n')
        .filter((l) => l.trim())
        .slice(-lines)
        .map((l) => (l.length > width ? `${l.slice(0, width)}…` : l))
        .join('\n');
    } catch {
      return '';
    }
  }

  /** Lines by kind: pino JSON levels, and anything that is not a JSON line (console output, traces). */
  scan(): { lines: number; bytes: number; warn: number; error: number; other: number; firstProblem?: string } {
    const out = { lines: 0, bytes: 0, warn: 0, error: 0, other: 0, firstProblem: undefined as string | undefined };
    const chunk = Buffer.alloc(1 << 20);
    let pos = 0;
    let rest = '';
    const line = (l: string) => {
      if (!l.trim()) return;
      out.lines++;
      let problem = false;
      if (!l.startsWith('{')) {
        out.other++;
        problem = true;
      } else if (/"level":("warn"|40)/.test(l)) out.warn++;
      else if (/"level":("error"|"fatal"|50|60)/.test(l)) {
        out.error++;
        problem = true;
      }
      if (problem && out.firstProblem === undefined) out.firstProblem = l.slice(0, 300);
    };
    try {
      for (;;) {
        const n = readSync(this.fd, chunk, 0, chunk.length, pos);
        if (n <= 0) break;
        pos += n;
        const text = rest + chunk.toString('utf8', 0, n);
        const parts = text.split('\n');
        rest = parts.pop() ?? '';
        for (const l of parts) line(l);
      }
      line(rest);
    } catch {
      // unreadable: report what was counted
    }
    out.bytes = pos;
    return out;
  }

  close(keep: boolean): void {
    try {
      closeSync(this.fd);
      if (!keep) unlinkSync(this.path);
    } catch {
      // already gone
    }
  }
}

export interface FloorProcess {
  readonly child: ChildProcess;
  readonly port: number;
}

/** Starts a floor server (scripts/bench/floor-server.ts) and waits for the port it reports. */
export function startFloor(script: string, mode: 'express' | 'http', body: string, cwd: string): Promise<FloorProcess> {
  const child = track(
    fork(script, [mode], {
      cwd,
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BENCH_FLOOR_BODY: body },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`floor ${mode} did not start within 30 s`));
    }, 30_000);
    child.once('message', (msg: unknown) => {
      clearTimeout(timer);
      const port = (msg as { port?: unknown }).port;
      if (typeof port === 'number') resolve({ child, port });
      else reject(new Error(`floor ${mode} sent ${JSON.stringify(msg)}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`floor ${mode} exited (${code ?? signal}) before listening`));
    });
  });
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly base: string;
  readonly log: ServerLog;
  /** Rejects when the server exits before `stop()` is called. */
  readonly died: Promise<never>;
  stop(): Promise<{ code: number | null; signal: string | null; forced: boolean }>;
}

/**
 * Starts the CLI as a plain node process (so its pid is the server's own): the build
 * (`dist/src/cli.js`, what the published package runs), or `src/cli.ts` with tsx when `source`;
 * on the store `store` names (a `--store` spec; the server's default, memory, when absent).
 */
export async function startServer(
  cwd: string,
  options: { profileDir?: string; logLevel?: string; store?: string; source?: boolean },
): Promise<ServerProcess> {
  const port = await freePort();
  // The server's defaults, whatever the caller's shell exports (rate limits, stores, log levels...).
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SCIM_') && k !== 'LOG_LEVEL') env[k] = v;
  Object.assign(env, { HOST: '127.0.0.1', PORT: String(port), SCIM_TOKENS: '' });
  if (options.logLevel) env.LOG_LEVEL = options.logLevel;
  const args = options.source ? ['--import', 'tsx'] : [];
  if (options.profileDir) args.push('--cpu-prof', `--cpu-prof-dir=${options.profileDir}`);
  args.push(options.source ? 'src/cli.ts' : join('dist', 'src', 'cli.js'));
  if (options.store) {
    // A URL with a password goes by environment: a command line is visible to every user (README).
    if (hasPassword(options.store)) env.SCIM_STORE = options.store;
    else args.push('--store', options.store);
  }
  const log = new ServerLog(join(tmpdir(), `scim-bench-server-${process.pid}-${port}.log`));
  const child = track(spawn(process.execPath, args, { cwd, env, stdio: ['ignore', log.fd, log.fd] }));
  let stopping = false;
  const died = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) => {
      if (!stopping) reject(new Error(`the server exited unexpectedly (${code ?? signal}); its log (${log.path}) ends:\n${log.tail()}`));
    });
  });
  died.catch(() => {}); // observed by whoever races it
  const base = `http://127.0.0.1:${port}/scim/v2`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the server exited during start-up (${child.exitCode ?? child.signalCode}):\n${log.tail(20)}`);
    }
    try {
      const res = await fetch(`${base}/ServiceProviderConfig`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not answer GET /ServiceProviderConfig within 60 s:\n${log.tail(20)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    port,
    base,
    log,
    died,
    stop: () => {
      stopping = true;
      // Longer than the server's own shutdown timeout, so that a CPU profile gets written.
      return stopChild(child, 20_000);
    },
  };
}

/** Resident set size and its peak, in bytes, from /proc/<pid>/status (Linux). */
export function readRss(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => {
      const m = new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
      return m ? Number(m[1]) * 1024 : NaN;
    };
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** USER_HZ: the unit of /proc/<pid>/stat times (100 on every mainstream Linux). */
export const TICKS_PER_SECOND = 100;

/** CPU time (user + system) of a process in clock ticks, from /proc/<pid>/stat. */
export function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/**
 * Waits until the process uses less than `share` of one core over a 250 ms window: requests a load
 * generator abandoned at the end of a workload keep the server busy, and would be billed to the next one.
 * Resolves with the seconds waited (bounded by `maxSeconds`).
 */
export async function waitIdle(pid: number, maxSeconds = 60, share = 0.2): Promise<number> {
  const start = Date.now();
  const windowMs = 250;
  let before = cpuTicks(pid);
  if (before === undefined) return 0;
  while (Date.now() - start < maxSeconds * 1000) {
    await new Promise((r) => setTimeout(r, windowMs));
    const now = cpuTicks(pid);
    if (now === undefined) break;
    if (now - before <= share * TICKS_PER_SECOND * (windowMs / 1000)) break;
    before = now;
  }
  return (Date.now() - start) / 1000;
}

function hasPassword(spec: string): boolean {
  try {
    return /^postgres(ql)?:/i.test(spec) && new URL(spec).password !== '';
  } catch {
    return false;
  }
}

// Command-line flags of `npm run bench`.
import { parseArgs } from 'node:util';
import type { StoreChoice, StoreKind } from './stores.ts';

export interface BenchOptions {
  /** Users seeded through the HTTP API before the workloads. */
  readonly users: number;
  /** Measured seconds per workload. */
  readonly duration: number;
  /** Unmeasured seconds before each workload. */
  readonly warmup: number;
  /** autocannon connections. */
  readonly connections: number;
  /** Requests in flight while seeding. */
  readonly seedConcurrency: number;
  /** Members of the big group (created only when users >= this). */
  readonly bigGroup: number;
  /** Request body limit assumed for the server under test, in bytes (its default is 1 MB). */
  readonly bodyLimit: number;
  /** Start the server with --cpu-prof. */
  readonly profile: boolean;
  /** Run only these workloads (floors always run). */
  readonly only: readonly string[] | undefined;
  /** LOG_LEVEL for the server under test; undefined: its default. */
  readonly logLevel: string | undefined;
  /** Hard limit for the whole run, in minutes. */
  readonly timeoutMinutes: number;
  /** The backends to run, in order, each with its own server process and seeding. */
  readonly stores: readonly StoreChoice[];
  /** Base name of the result files in bench/results (`latest` → latest.json, latest.md). */
  readonly out: string;
  /** Run src/cli.ts with tsx instead of the built dist/src/cli.js (what `npx scim2-server` runs). */
  readonly source: boolean;
}

const HELP = `npm run bench -- [flags]

  --users N          users to seed (default 100000)
  --duration S       measured seconds per workload (default 8)
  --warmup S         unmeasured warm-up seconds per workload (default 1)
  --connections C    concurrent connections per workload (default 10)
  --seed-concurrency requests in flight while seeding (default 32)
  --big-group N      members of the big group; it exists only when --users >= N (default 100000)
  --body-limit B     server request body limit in bytes, for chunking (default 1048576)
  --only a,b,...     run only these workloads (the floors always run)
  --profile          start the server with --cpu-prof (profiles in bench/results/profiles)
  --log-level L      LOG_LEVEL for the server (default: the server's own, which logs every request)
  --store S          backend(s) of the server under test (default memory):
                       memory     the in-memory store
                       sqlite     a new SQLite file in a temporary directory, deleted afterwards
                       postgres   a throwaway PostgreSQL cluster (initdb from /usr/lib/postgresql/*/bin,
                                  loopback, fsync on), stopped and deleted afterwards
                       postgres://user@host:5432/db
                                  a new database created on that server, dropped afterwards
                       all        memory, sqlite and postgres in one run (the issue #7 ratios, e.g.
                                  SQLite create vs memory create, need both in the same run)
                     or a comma-separated list of these, e.g. memory,sqlite
  --out NAME         result files bench/results/NAME.json and NAME.md (default latest)
  --source           run the server from source (src/cli.ts with tsx, as \`npm start\` does) instead
                     of the build (\`npm run build\`, then dist/src/cli.js, as \`npx scim2-server\` does)
  --timeout-min M    abort the whole run after M minutes (default 30 per backend)
  --help             this text
`;

function positiveInt(name: string, raw: string | undefined, fallback: number, min = 1): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

function positiveNumber(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number >= ${min}, got "${raw}"`);
  return n;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      users: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      'seed-concurrency': { type: 'string' },
      'big-group': { type: 'string' },
      'body-limit': { type: 'string' },
      only: { type: 'string' },
      profile: { type: 'boolean' },
      'log-level': { type: 'string' },
      'timeout-min': { type: 'string' },
      store: { type: 'string' },
      out: { type: 'string' },
      source: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const stores = parseStores(values.store);
  const out = values.out ?? 'latest';
  if (!/^[A-Za-z0-9._-]+$/.test(out)) throw new Error(`--out must be a plain file name (letters, digits, . _ -), got "${out}"`);
  return {
    users: positiveInt('users', values.users, 100_000, 200),
    duration: positiveNumber('duration', values.duration, 8, 1),
    warmup: positiveNumber('warmup', values.warmup, 1, 0),
    connections: positiveInt('connections', values.connections, 10),
    seedConcurrency: positiveInt('seed-concurrency', values['seed-concurrency'], 32),
    bigGroup: positiveInt('big-group', values['big-group'], 100_000, 101),
    bodyLimit: positiveInt('body-limit', values['body-limit'], 1024 * 1024, 4096),
    profile: values.profile ?? false,
    only: values.only
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    logLevel: values['log-level'],
    timeoutMinutes: positiveNumber('timeout-min', values['timeout-min'], 30 * stores.length, 1),
    stores,
    out,
    source: values.source ?? false,
  };
}

const KINDS: readonly StoreKind[] = ['memory', 'sqlite', 'postgres'];

/** `memory`, `sqlite`, `postgres`, a postgres:// URL, `all`, or a comma-separated list of them. */
export function parseStores(raw: string | undefined): StoreChoice[] {
  const out: StoreChoice[] = [];
  for (const item of (raw ?? 'memory').split(',').map((s) => s.trim())) {
    const choices: StoreChoice[] =
      item === 'all'
        ? KINDS.map((kind) => ({ kind }))
        : (KINDS as readonly string[]).includes(item)
          ? [{ kind: item as StoreKind }]
          : /^postgres(ql)?:\/\//i.test(item) && URL.canParse(item)
            ? [{ kind: 'postgres', url: item }]
            : [];
    if (choices.length === 0) throw new Error(`--store: "${item.replace(/:\/\/[^@/]*@/, '://…@')}" is not memory, sqlite, postgres, a postgres:// URL or all`);
    for (const c of choices) {
      if (out.some((o) => o.kind === c.kind)) throw new Error(`--store names ${c.kind} twice`);
      out.push(c);
    }
  }
  return out;
}

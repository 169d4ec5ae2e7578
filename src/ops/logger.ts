// The process logger: pino JSON lines (one object per line) for log shippers, or pino-pretty when
// a person is watching a terminal. A destination can be injected so tests capture the lines.
import { hostname } from 'node:os';
import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

export interface LoggerOptions {
  readonly level?: string;
  /** Where lines go; default stdout (pretty-printed when it is a TTY). */
  readonly destination?: DestinationStream;
  /** Pretty output to stdout on or off (ignored with a destination); default: when stdout is a TTY. */
  readonly pretty?: boolean;
}

// Defence in depth: request logs are built from an allow-list (see request-log.ts), but an `err`
// or a hand-written log call must not leak credentials or passwords either.
const REDACT = [
  'authorization',
  'password',
  'token',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.password',
  '*.token',
];

/**
 * Writes one JSON line with the fields pino would put first (level, time, pid, hostname), then
 * `fields`: the already-serialised rest of the object, each member preceded by a comma.
 */
export type LineWriter = (level: string, fields: string) => void;

const LINE_WRITER = Symbol('scim2-server.lineWriter');

/**
 * The line writer of a logger made by createLogger for JSON output, else undefined. For the one
 * line written per request (request-log.ts): under load, writing that line through pino's generic
 * serialisation of an object cost about 10 µs of a 155 µs GET (A/B runs of two builds); a
 * fixed-shape line built as one string costs a fraction of it. The line goes to pino's own
 * destination, so batching and the flush at exit are pino's.
 */
export function lineWriterOf(logger: Logger): LineWriter | undefined {
  return (logger as Logger & { [LINE_WRITER]?: LineWriter })[LINE_WRITER];
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const usePretty = options.destination === undefined && (options.pretty ?? process.stdout.isTTY === true);
  // Asynchronous, batched writes for JSON: a write per request line cost measurable CPU under load
  // (scripts/bench.ts). Lines are written once 4 KiB have gathered or every 250 ms, whichever is
  // first; pino flushes the destination synchronously when the process exits (also through
  // process.exit), so only a SIGKILL can lose the last quarter second of lines.
  // Known cost: sonic-boom (4.2 and 5.0) measures the UTF-8 length of its whole pending buffer on
  // every write, about 4 µs of a 100,000-user GET in a CPU profile. Unbuffered writes (a syscall per
  // line) measured no better in A/B runs.
  const destination =
    options.destination ??
    (usePretty
      ? pretty({ colorize: true, sync: true, ignore: 'pid,hostname' })
      : pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 250 }));
  const time = isoTime();
  const logger = pino(
    {
      level: options.level ?? 'info',
      // JSON for machines: level names and ISO times read without a lookup table.
      ...(usePretty ? {} : { formatters: { level: (label: string) => ({ level: label }) }, timestamp: time }),
      redact: { paths: REDACT, censor: '[redacted]' },
    },
    destination,
  );
  if (!usePretty) {
    // pino's default bindings, as it writes them.
    const bindings = `,"pid":${process.pid},"hostname":${JSON.stringify(hostname())}`;
    const write: LineWriter = (level, fields) => destination.write(`{"level":"${level}"${time()}${bindings}${fields}}\n`);
    Object.defineProperty(logger, LINE_WRITER, { value: write });
  }
  return logger;
}

/**
 * pino's ISO timestamp, formatted once per millisecond: under load several lines share one, and
 * formatting a Date was a visible share of a request line's cost (scripts/bench.ts).
 */
function isoTime(): () => string {
  let lastMs = -1;
  let stamp = '';
  return () => {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      stamp = `,"time":"${new Date(now).toISOString()}"`;
    }
    return stamp;
  };
}

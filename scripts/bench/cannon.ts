// One autocannon run over a list of tagged requests. autocannon's own histogram has a resolution of
// 1 ms, too coarse for sub-millisecond requests, so each response's latency (hrtime, fractional ms)
// is recorded here, per tag: a run over [add, remove] yields separate figures for add and remove.
import autocannon from 'autocannon';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestSpec {
  /** Which row of the report this request's responses count towards. */
  readonly tag: string;
  readonly method: Method;
  /** Fixed path (absolute, from the origin). */
  readonly path?: string;
  readonly body?: string;
  /**
   * Called before each request is sent: returns its path and/or body. `ctx` belongs to one
   * connection and lives for one pass over the request list (so a later request can reuse a value
   * an earlier one picked).
   */
  readonly setup?: (ctx: Record<string, unknown>) => { path?: string; body?: string };
  /** For 2xx responses: how many failed sub-operations the body reports (Bulk). */
  readonly inspect?: (body: string) => number;
}

export interface TagStats {
  readonly tag: string;
  /** 2xx responses. */
  ok: number;
  /** Responses outside 2xx. */
  non2xx: number;
  /** Failed sub-operations inside 2xx responses (Bulk). */
  subErrors: number;
  readonly statusCounts: Record<string, number>;
  /** The first non-2xx body seen, shortened. */
  sampleError?: string;
  /** Latencies of 2xx responses, ms. */
  readonly latencies: Samples;
}

export interface CannonResult {
  readonly seconds: number;
  readonly tags: ReadonlyMap<string, TagStats>;
  /** Socket errors and timeouts (not attributable to a tag). */
  readonly errors: number;
  readonly timeouts: number;
}

export class Samples {
  private data = new Float64Array(1 << 14);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
  /** Sorted copy. */
  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}

export function percentile(sorted: Float64Array, p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function mean(sorted: Float64Array): number | undefined {
  if (sorted.length === 0) return undefined;
  let s = 0;
  for (const v of sorted) s += v;
  return s / sorted.length;
}

export interface CannonOptions {
  readonly origin: string; // http://127.0.0.1:port
  readonly connections: number;
  readonly seconds: number;
  readonly timeoutSec?: number;
}

export async function cannon(specs: readonly RequestSpec[], options: CannonOptions): Promise<CannonResult> {
  const tags = new Map<string, TagStats>();
  for (const s of specs) {
    if (!tags.has(s.tag)) tags.set(s.tag, { tag: s.tag, ok: 0, non2xx: 0, subErrors: 0, statusCounts: {}, latencies: new Samples() });
  }
  // Set by a request's onResponse, read by the instance's 'response' event that autocannon emits
  // synchronously right after it for the same response.
  let current: TagStats | undefined;
  let currentOk = false;

  const requests: autocannon.Request[] = specs.map((spec) => {
    const stats = tags.get(spec.tag)!;
    const headers = spec.body !== undefined || spec.setup ? { 'content-type': 'application/scim+json' } : {};
    const setup = spec.setup;
    return {
      method: spec.method,
      ...(spec.path !== undefined ? { path: spec.path } : {}),
      ...(spec.body !== undefined ? { body: spec.body } : {}),
      headers,
      // autocannon merges with Object.assign: an undefined key would erase its default.
      ...(setup
        ? {
            setupRequest: (req: autocannon.Request, ctx: object) => {
              const out = setup(ctx as Record<string, unknown>);
              if (out.path !== undefined) req.path = out.path;
              if (out.body !== undefined) req.body = out.body;
              return req;
            },
          }
        : {}),
      onResponse: (status: number, body: string) => {
        current = stats;
        currentOk = status >= 200 && status <= 299;
        stats.statusCounts[status] = (stats.statusCounts[status] ?? 0) + 1;
        if (!currentOk) {
          stats.non2xx++;
          stats.sampleError ??= `${status} ${String(body).slice(0, 200)}`;
        } else {
          stats.ok++;
          if (spec.inspect) stats.subErrors += spec.inspect(String(body));
        }
      },
    };
  });

  let settle!: { resolve: (r: autocannon.Result) => void; reject: (e: unknown) => void };
  const finished = new Promise<autocannon.Result>((resolve, reject) => (settle = { resolve, reject }));
  const instance = autocannon(
    {
      url: options.origin,
      connections: options.connections,
      duration: options.seconds,
      timeout: options.timeoutSec ?? 30,
      requests,
    },
    (err: unknown, result: autocannon.Result) => (err ? settle.reject(err) : settle.resolve(result)),
  );
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    if (current && currentOk) current.latencies.push(responseTime);
    current = undefined;
  });
  // autocannon stops by itself after `duration`; this is a guard against a hung connection.
  const guard = setTimeout(() => instance.stop(), (options.seconds + (options.timeoutSec ?? 30) + 15) * 1000);
  try {
    const result = await finished;
    return { seconds: result.duration, tags, errors: result.errors, timeouts: result.timeouts };
  } finally {
    clearTimeout(guard);
  }
}

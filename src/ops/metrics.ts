// Prometheus metrics on a Registry of the app's own (not prom-client's global one), so several
// apps in one process (tests, embedders) never collide: requests and latency by SCIM operationId
// and status, and resource counts per type, read from the store when scraped.
import type { Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RequestInfo } from '../http/backend.ts';
import type { Store } from '../store/store.ts';
import type { ResponseObserver } from './response-observer.ts';

export interface MetricsOptions {
  readonly store: Store;
  readonly resourceTypes: readonly string[];
  /** Node process metrics too (CPU, memory, event loop); they install process-wide observers. */
  readonly processMetrics?: boolean;
}

export interface Metrics {
  readonly registry: Registry;
  /** Counts and times every request (see response-observer.ts). */
  readonly observe: ResponseObserver;
  /** GET /metrics in the Prometheus text format. */
  scrape(req: Request, res: Response): Promise<void>;
}

/** Requests outside SCIM (probes, docs) or not routed to an operation. */
const NO_OPERATION = 'none';

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  const labelNames = ['operation_id', 'status'] as const;
  const requests = new Counter({ name: 'scim_http_requests_total', help: 'HTTP requests by SCIM operationId and status.', labelNames, registers: [registry] });
  const duration = new Histogram({
    name: 'scim_http_request_duration_seconds',
    help: 'HTTP request latency by SCIM operationId and status.',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: 'scim_resources',
    help: 'Resources stored, by resource type (read from the store on scrape).',
    labelNames: ['resource_type'],
    registers: [registry],
    async collect() {
      this.reset();
      // A store that cannot count is a readiness problem (/readyz), not a reason to fail a scrape.
      const counts = await Promise.allSettled(options.resourceTypes.map((t) => options.store.count(t)));
      counts.forEach((c, i) => c.status === 'fulfilled' && this.set({ resource_type: options.resourceTypes[i] }, c.value));
    },
  });
  if (options.processMetrics) collectDefaultMetrics({ register: registry });

  // The series a request lands in, made once per (operationId, status) pair: a label object per
  // request is spared, and the counter's child skips prom-client's per-call label hashing (the
  // histogram's child still hashes).
  const series = new Map<string, { count: { inc(): void }; time: { observe(v: number): void } }>();
  const seriesOf = (operationId: string, status: number) => {
    const key = `${operationId} ${status}`;
    let s = series.get(key);
    if (!s) {
      const labels = { operation_id: operationId, status: String(status) };
      series.set(key, (s = { count: requests.labels(labels), time: duration.labels(labels) }));
    }
    return s;
  };

  return {
    registry,
    observe(_req, res, elapsedMs, aborted) {
      if (aborted) return; // as before: only answered requests are counted
      const scim = res.locals.scim as RequestInfo | undefined;
      const s = seriesOf(scim?.operationId ?? NO_OPERATION, res.statusCode);
      s.count.inc();
      s.time.observe(elapsedMs / 1000);
    },
    async scrape(_req, res) {
      const body = await registry.metrics();
      res.set('Cache-Control', 'no-store').type(registry.contentType).send(body);
    },
  };
}

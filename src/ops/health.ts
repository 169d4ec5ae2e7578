// Probes for orchestrators, outside the SCIM base and its auth wall: /healthz says the process
// serves HTTP (liveness), /readyz that it can serve SCIM (the store answers) and is not draining.
import { Router, type Request, type Response } from 'express';
import type { Store } from '../store/store.ts';
import type { Logger } from './logger.ts';

export interface HealthOptions {
  readonly store: Store;
  /** True once shutdown began: load balancers should stop sending requests. */
  readonly isShuttingDown?: () => boolean;
  readonly logger?: Logger;
  /** A ping slower than this counts as not ready. Default 2000 ms. */
  readonly pingTimeoutMs?: number;
}

function answer(res: Response, status: number, body: Record<string, string>): void {
  res.status(status).set('Cache-Control', 'no-store').json(body);
}

export function healthRouter(options: HealthOptions): Router {
  const router = Router();
  const timeoutMs = options.pingTimeoutMs ?? 2000;

  router.get('/healthz', (_req: Request, res: Response) => answer(res, 200, { status: 'ok' }));
  router.get('/readyz', async (_req: Request, res: Response) => {
    if (options.isShuttingDown?.()) return answer(res, 503, { status: 'shutting down' });
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`store ping timed out after ${timeoutMs} ms`)), timeoutMs);
      });
      await Promise.race([options.store.ping(), timeout]);
      answer(res, 200, { status: 'ok' });
    } catch (err) {
      // The reason goes to the log, not to an unauthenticated caller.
      options.logger?.warn({ err }, 'not ready: store ping failed');
      answer(res, 503, { status: 'unavailable' });
    } finally {
      clearTimeout(timer);
    }
  });
  return router;
}

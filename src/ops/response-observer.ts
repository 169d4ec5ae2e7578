// Per-request observation (request logs, metrics): one middleware and one `close` listener for all
// observers. `close` follows `finish` for every completed response and also fires for an aborted
// one, so one listener sees both; separate `finish`/`close` listeners per concern cost measurably
// under load (scripts/bench.ts).
import type { NextFunction, Request, Response } from 'express';

/** Called once per request when its response is done; `aborted` when it never finished. */
export type ResponseObserver = (req: Request, res: Response, elapsedMs: number, aborted: boolean) => void;

export function observeResponses(observers: readonly ResponseObserver[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (observers.length > 0) {
      const start = performance.now();
      res.once('close', () => {
        const elapsed = performance.now() - start;
        const aborted = !res.writableFinished;
        for (const observe of observers) observe(req, res, elapsed, aborted);
      });
    }
    next();
  };
}

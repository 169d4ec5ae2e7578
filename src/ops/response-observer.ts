// Per-request observation (request logs, metrics): one middleware and one `close` listener for all
// observers. `close` follows `finish` for every completed response and also fires for an aborted
// one, so one listener sees both. The listener is one function shared by all requests (it reads
// the response as `this`), so observing a request allocates no closure and no `once` wrapper.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';

/** Called once per request when its response is done; `aborted` when it never finished. */
export type ResponseObserver = (req: Request, res: Response, elapsedMs: number, aborted: boolean) => void;

/** When the request arrived (performance.now()), kept on the response for the shared listener. */
const STARTED = Symbol('scim2-server.startedAt');
type Observed = ServerResponse<IncomingMessage> & { [STARTED]: number };

export function observeResponses(observers: readonly ResponseObserver[]) {
  function onClose(this: Observed): void {
    const elapsed = performance.now() - this[STARTED];
    const aborted = !this.writableFinished;
    for (const observe of observers) observe(this.req as Request, this as unknown as Response, elapsed, aborted);
  }
  return (res: ServerResponse): void => {
    if (observers.length > 0) {
      (res as Observed)[STARTED] = performance.now();
      // `close` is emitted once per response, so `on` needs no `once` wrapper to come off again.
      res.on('close', onClose);
    }
  };
}

// One log line per request, built from an allow-list of fields: request id, method, path (no
// query string: filters carry user data), status, latency, and the SCIM operationId and auth
// subject the router leaves in res.locals.scim. Headers and bodies are never logged, so neither
// the Authorization header nor a password can reach a log.
//
// A plain `finish`/`close` listener on top of pino rather than pino-http: pino-http binds a child
// logger to every request, which cost ~20% of a GET's CPU in the benchmark (scripts/bench.ts);
// this writes the same single line with no per-request logger.
import type { RequestHandler } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestInfo } from '../http/backend.ts';
import type { Logger } from './logger.ts';

/** Probes and scrapes arrive every few seconds: logged at debug so they do not drown requests. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

type Res = ServerResponse & { locals?: { scim?: RequestInfo } };

function pathOf(req: IncomingMessage): string {
  const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    let done = false;
    const log = () => {
      if (done) return;
      done = true;
      const scim = (res as Res).locals?.scim;
      const path = pathOf(req);
      const status = res.statusCode;
      const line = {
        requestId: (req as { id?: string }).id,
        method: req.method,
        path,
        status,
        latencyMs: Number(process.hrtime.bigint() - start) / 1e6,
        ...(scim?.operationId ? { operationId: scim.operationId } : {}),
        ...(scim?.subject ? { subject: scim.subject } : {}),
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      const level = status >= 500 ? 'error' : QUIET_PATHS.has(path) ? 'debug' : 'info';
      logger[level](line, res.writableFinished ? 'request completed' : 'request aborted');
    };
    res.once('finish', log);
    res.once('close', log);
    next();
  };
}

// One log line per request, built from an allow-list of fields: request id, method, path (no
// query string: filters carry user data), status, latency, and the SCIM operationId and auth
// subject the router leaves in res.locals.scim. Headers and bodies are never logged, so neither
// the Authorization header nor a password can reach a log.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
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

function fields(req: IncomingMessage, res: Res, latencyMs: number): Record<string, unknown> {
  const scim = res.locals?.scim;
  return {
    method: req.method,
    path: pathOf(req),
    status: res.statusCode,
    latencyMs,
    ...(scim?.operationId ? { operationId: scim.operationId } : {}),
    ...(scim?.subject ? { subject: scim.subject } : {}),
    ...(res.writableFinished ? {} : { aborted: true }),
  };
}

export function requestLogger(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (req) => req.id, // set by the request-id middleware
    customAttributeKeys: { reqId: 'requestId' },
    // Only the request id is bound; the line's fields come from `fields` alone.
    quietReqLogger: true,
    quietResLogger: true,
    customLogLevel: (req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : QUIET_PATHS.has(pathOf(req)) ? 'debug' : 'info',
    customSuccessObject: (req, res, val: { responseTime: number }) => fields(req, res, val.responseTime),
    customErrorObject: (req, res, _err, val: { responseTime: number }) => fields(req, res, val.responseTime),
    customSuccessMessage: (_req, res) => (res.writableFinished ? 'request completed' : 'request aborted'),
    customErrorMessage: () => 'request failed',
  }) as unknown as RequestHandler;
}

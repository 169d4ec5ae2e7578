// One log line per request, built from an allow-list of fields: request id, method, path (no
// query string: filters carry user data), status, latency, and the SCIM operationId and auth
// subject the router leaves in res.locals.scim. Headers and bodies are never logged, so neither
// the Authorization header nor a password can reach a log.
//
// A plain observer on top of pino rather than pino-http: pino-http binds a child logger to every
// request, which cost ~20% of a GET's CPU in the benchmark (scripts/bench.ts).
import type { IncomingMessage } from 'node:http';
import type { RequestInfo } from '../http/backend.ts';
import { lineWriterOf, type Logger } from './logger.ts';
import { requestIdOf } from './request-id.ts';
import type { ResponseObserver } from './response-observer.ts';

/** Probes and scrapes arrive every few seconds: logged at debug so they do not drown requests. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

function pathOf(req: IncomingMessage): string {
  const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export function requestLog(logger: Logger): ResponseObserver {
  // The line holds only allow-listed fields, so the logger's redaction (defence in depth for other
  // log calls, see logger.ts) has nothing to find here; skipping it saves a quarter of a line's cost.
  const lines = logger.child({}, { redact: { paths: [] } });
  // A logger of createLogger's takes the line as one string (see lineWriterOf); any other pino
  // logger (an embedder's, with its own formatters) gets the same fields as an object.
  const writeLine = lineWriterOf(logger);
  return (req, res, elapsedMs, aborted) => {
    const scim = res.locals?.scim as RequestInfo | undefined;
    const path = pathOf(req);
    const status = res.statusCode;
    const level = status >= 500 ? 'error' : QUIET_PATHS.has(path) ? 'debug' : 'info';
    if (!lines.isLevelEnabled(level)) return;
    const requestId = requestIdOf(req);
    const latencyMs = Math.round(elapsedMs * 1000) / 1000;
    const msg = aborted ? 'request aborted' : 'request completed';
    if (writeLine) {
      // The same members, in the same order, as the object below gives pino.
      // Only the path and subject can hold characters JSON escapes: request ids are sane tokens
      // (request-id.ts), methods HTTP tokens (Node's parser) and operationIds the contract's names.
      let fields = `${requestId === undefined ? '' : `,"requestId":"${requestId}"`},"method":"${req.method}","path":${JSON.stringify(path)},"status":${status},"latencyMs":${latencyMs}`;
      if (scim?.operationId) fields += `,"operationId":"${scim.operationId}"`;
      if (scim?.subject) fields += `,"subject":${JSON.stringify(scim.subject)}`;
      if (aborted) fields += ',"aborted":true';
      writeLine(level, `${fields},"msg":"${msg}"`);
      return;
    }
    const line: Record<string, unknown> = { requestId, method: req.method, path, status, latencyMs };
    if (scim?.operationId) line.operationId = scim.operationId;
    if (scim?.subject) line.subject = scim.subject;
    if (aborted) line.aborted = true;
    lines[level](line, msg);
  };
}

// Request ids: an incoming X-Request-Id is kept when it is a sane token (so a proxy's or client's
// id follows the request through logs), otherwise one is generated; it is always echoed back.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

export const REQUEST_ID_HEADER = 'X-Request-Id';
// Bounded and free of spaces, quotes and control characters, so it cannot forge log fields.
const SANE = /^[A-Za-z0-9._-]{1,128}$/;
/** Where assignRequestId keeps the id: a key of our own, so no other middleware's `req.id` is echoed. */
const ID = Symbol('scim2-server.requestId');
type WithId = IncomingMessage & { id?: string; [ID]?: string };

/**
 * Generated ids are UUID-shaped (RFC 9562 version 8, "custom"): 74 random bits drawn once per
 * process, then a 48-bit counter. As unique as random UUIDs for correlating logs, without
 * randomUUID()'s cost per request (it builds each id from ~14 string concatenations).
 */
const PREFIX = (() => {
  const b = randomBytes(10);
  b[6] = (b[6]! & 0x0f) | 0x80; // version 8
  b[8] = (b[8]! & 0x3f) | 0x80; // variant 10
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-`;
})();
let issued = 0;

function newRequestId(): string {
  issued = (issued + 1) % 2 ** 48;
  return PREFIX + issued.toString(16).padStart(12, '0');
}

export function requestIdFor(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && SANE.test(incoming) ? incoming : newRequestId();
}

/**
 * Gives the request its id: under our own key, for the request log and the answer's header, and as
 * `req.id`, where other middleware (pino-http, for one) looks for a request id.
 */
export function assignRequestId(req: IncomingMessage): void {
  const id = requestIdFor(req.headers['x-request-id']);
  (req as WithId).id = id;
  (req as WithId)[ID] = id;
}

/** The id assignRequestId gave this request, if it ran. */
export function requestIdOf(req: IncomingMessage): string | undefined {
  return (req as WithId)[ID];
}

/**
 * Echoes the request id in the X-Request-Id header now. The SCIM router writes it with the rest of
 * its answer's headers instead (src/http/respond.ts), so only the app's other routes need this.
 */
export function echoRequestId(req: Request, res: Response, next: NextFunction): void {
  const id = requestIdOf(req);
  if (id !== undefined) res.setHeader(REQUEST_ID_HEADER, id);
  next();
}

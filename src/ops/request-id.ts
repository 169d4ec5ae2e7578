// Request ids: an incoming X-Request-Id is kept when it is a sane token (so a proxy's or client's
// id follows the request through logs), otherwise one is generated; it is always echoed back.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

export const REQUEST_ID_HEADER = 'X-Request-Id';
// Bounded and free of spaces, quotes and control characters, so it cannot forge log fields.
const SANE = /^[A-Za-z0-9._-]{1,128}$/;
/** Where assignRequestId keeps the id: a key of our own, so no other middleware's `req.id` is echoed. */
const ID = Symbol('scim2-server.requestId');
type WithId = IncomingMessage & { id?: string; [ID]?: string };

export function requestIdFor(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && SANE.test(incoming) ? incoming : randomUUID();
}

/** Gives the request its id: `req.id` (read by the request log) and the one the answer echoes. */
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

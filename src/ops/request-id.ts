// Request ids: an incoming X-Request-Id is kept when it is a sane token (so a proxy's or client's
// id follows the request through logs), otherwise one is generated; it is always echoed back.
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';

export const REQUEST_ID_HEADER = 'X-Request-Id';
// Bounded and free of spaces, quotes and control characters, so it cannot forge log fields.
const SANE = /^[A-Za-z0-9._-]{1,128}$/;

export function requestIdFor(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && SANE.test(incoming) ? incoming : randomUUID();
}

/** Sets `req.id` (read by the request logger) and the X-Request-Id response header. */
export function requestId(req: Request, res: Response): void {
  const id = requestIdFor(req.headers['x-request-id']);
  (req as Request & { id?: string }).id = id;
  res.setHeader(REQUEST_ID_HEADER, id);
}

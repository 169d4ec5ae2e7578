// The one way a SCIM JSON answer is written, for results and errors alike: the status, every
// header and the body in one writeHead and one end. The JSON goes out as a string with its
// length, so Node sends head and body in one write (Express's res.send turns bodies over 1 kB
// into a Buffer). Headers decided before the answer (security headers, the request id) come as
// a flat [name, value, ...] list rather than through setHeader: each setHeader validates,
// lower-cases and stores its header (for this answer's dozen headers, about 2.5 µs more per
// request on bare node:http).
import type { ServerResponse } from 'node:http';
import { SCIM_MEDIA_TYPE } from './media.ts';

const NONE: readonly string[] = [];

export function writeScim(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers?: Readonly<Record<string, string>>,
  fixed: readonly string[] = NONE,
): void {
  // Node merges these with any header already set (an embedding app's own), the list winning.
  const head: (string | number)[] = fixed.slice();
  if (headers) for (const name in headers) head.push(name, headers[name]!);
  if (body === undefined) {
    res.writeHead(status, head);
    res.end();
    return;
  }
  const json = JSON.stringify(body);
  head.push('Content-Type', SCIM_MEDIA_TYPE, 'Content-Length', Buffer.byteLength(json));
  res.writeHead(status, head);
  res.end(json);
}

// The one way a SCIM JSON answer is written, for results and errors alike. The JSON goes out as a
// string with its length: Node then sends the head and the body in one write (Express's res.send
// turns bodies over 1 kB into a Buffer, which costs a second buffer and a writev per response).
import type { ServerResponse } from 'node:http';
import { SCIM_MEDIA_TYPE } from './media.ts';

export function writeScim(res: ServerResponse, status: number, body: unknown, headers?: Readonly<Record<string, string>>): void {
  res.statusCode = status;
  if (headers) for (const name in headers) res.setHeader(name, headers[name]!);
  if (body === undefined) {
    res.end();
    return;
  }
  const json = JSON.stringify(body);
  res.setHeader('Content-Type', SCIM_MEDIA_TYPE);
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(json);
}

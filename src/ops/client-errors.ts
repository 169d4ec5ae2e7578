// Requests Node's HTTP parser rejects before any application code runs (a request line or headers
// over the size limit, malformed HTTP, a header timeout) get Node's bare status line. This answers
// them with an RFC 7644 §3.12 error body instead, so a SCIM client always gets a SCIM error. It is
// the pattern Node's documentation gives for the `clientError` event.
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorBody, ScimError } from '../errors.ts';

const CONTENT_TYPE = 'application/scim+json; charset=utf-8';

function statusOf(code: string | undefined): { status: number; detail: string } {
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, detail: 'The request line or headers are too large' };
  if (code === 'HPE_HEADER_TIMEOUT' || code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, detail: 'The request took too long to arrive' };
  return { status: 400, detail: 'The request is not valid HTTP' };
}

/** Installs the SCIM answer for parser-level errors on `server` (the CLI and tests use it). */
export function answerClientErrorsAsScim(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // Nothing can be sent on a reset or already-closed connection.
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { status, detail } = statusOf(err.code);
    const body = JSON.stringify(errorBody(new ScimError(status, detail)));
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

// A floor: the least an HTTP server on this machine can do per request. `GET /x` answers a fixed
// SCIM-user-sized JSON body as application/scim+json. Started by scripts/bench.ts as a child
// process (argv[2] = express | http); it listens on an ephemeral loopback port and reports it over IPC.
import { createServer, type Server } from 'node:http';
import express from 'express';

const mode = process.argv[2];
const body = process.env.BENCH_FLOOR_BODY ?? '{}';
const bytes = Buffer.from(body);
const CONTENT_TYPE = 'application/scim+json; charset=utf-8';

let server: Server;
if (mode === 'express') {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false); // as the SCIM app does
  app.get('/x', (_req, res) => {
    res.type('application/scim+json').send(body);
  });
  server = createServer(app);
} else if (mode === 'http') {
  server = createServer((req, res) => {
    const q = req.url?.indexOf('?') ?? -1;
    const path = q === -1 ? req.url : req.url!.slice(0, q);
    if (req.method === 'GET' && path === '/x') {
      res.writeHead(200, { 'Content-Type': CONTENT_TYPE, 'Content-Length': bytes.length });
      res.end(bytes);
    } else {
      res.writeHead(404, { 'Content-Length': 0 });
      res.end();
    }
  });
} else {
  console.error(`floor-server: unknown mode ${mode}`);
  process.exit(2);
}

server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.send?.({ port: addr && typeof addr === 'object' ? addr.port : undefined });
});
// The parent going away (IPC closed) ends the floor too.
process.on('disconnect', () => process.exit(0));
process.once('SIGTERM', () => server.close(() => process.exit(0)));

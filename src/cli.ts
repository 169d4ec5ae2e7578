// `npm start`: the server on the embedded in-memory store.
import { createApp } from './http/app.ts';
import { ScimServer } from './server.ts';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8000);
const tokens = (process.env.SCIM_TOKENS ?? '').split(',').map((t) => t.trim()).filter(Boolean);

const server = await ScimServer.create({ baseUrl: process.env.SCIM_BASE_URL, tokens });
const app = createApp(server);
const listener = app.listen(port, host, () => {
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  console.log(`scim2-server listening: SCIM base ${origin}/scim/v2, Swagger UI ${origin}/docs`);
  if (tokens.length === 0) console.warn('warning: no SCIM_TOKENS set, requests are not authenticated');
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    listener.close(() => void server.close().then(() => process.exit(0)));
  });
}

// `npm start` / `scim2-server`: the server from flags, environment and an optional config file
// (see src/config.ts and --help), with JSON logs, probes, metrics and a graceful shutdown.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig, toServerOptions, type LoadResult } from './config.ts';
import { createApp } from './http/app.ts';
import { answerClientErrorsAsScim } from './ops/client-errors.ts';
import { createLogger } from './ops/logger.ts';
import { gracefulShutdown } from './ops/shutdown.ts';
import { ScimServer } from './server.ts';

let loaded: LoadResult;
try {
  loaded = loadConfig(process.argv.slice(2), process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  // A configuration mistake is the operator's to fix: the message alone, no stack.
  process.stderr.write(`scim2-server: ${err.message}\n`);
  process.exit(2);
}
if (loaded.kind === 'help') {
  process.stdout.write(loaded.text);
  process.exit(0);
}

const { config, warnings } = loaded;
const logger = createLogger({ level: config.logLevel });
for (const warning of warnings) logger.warn(warning);

const server = await ScimServer.create(toServerOptions(config, (err) => logger.error({ err }, 'unexpected error'))).catch(
  (err: unknown) => {
    // e.g. an unreadable JWKS file or an unreachable database: fatal, with the cause in the log.
    logger.fatal({ err }, `cannot start: ${(err as Error).message}`);
    process.exit(1);
  },
);
let isShuttingDown = () => false;
const app = createApp(server, { scimPath: config.basePath, logger, processMetrics: true, isShuttingDown: () => isShuttingDown() });
const http = createServer(app);
answerClientErrorsAsScim(http);
const lifecycle = gracefulShutdown(http, { timeoutMs: config.shutdownTimeoutMs, logger, cleanup: () => server.close() });
isShuttingDown = lifecycle.isShuttingDown;

http.on('error', (err: NodeJS.ErrnoException) => {
  logger.fatal({ code: err.code }, `cannot listen on ${config.host}:${config.port}: ${err.message}`);
  process.exit(1);
});
http.listen(config.port, config.host, () => {
  const { address, port } = http.address() as AddressInfo;
  const origin = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  logger.info(
    { address, port, scim: `${origin}${config.basePath}`, docs: `${origin}/docs` },
    `scim2-server listening: SCIM base ${origin}${config.basePath}, Swagger UI ${origin}/docs`,
  );
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    lifecycle.shutdown(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

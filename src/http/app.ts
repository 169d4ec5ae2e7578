// A complete HTTP application around a ScimServer: the SCIM base, Swagger UI and the contract,
// plus operations: request ids, request logs, probes (/healthz, /readyz) and /metrics, all
// outside the SCIM base and so outside its auth wall.
import express, { type Express, type Request, type Response } from 'express';
import swaggerUi from 'swagger-ui-express';
import { stringify } from 'yaml';
import type { ScimServer } from '../server.ts';
import { ScimError } from '../errors.ts';
import { healthRouter } from '../ops/health.ts';
import type { Logger } from '../ops/logger.ts';
import { createMetrics } from '../ops/metrics.ts';
import { assignRequestId, echoRequestId } from '../ops/request-id.ts';
import { requestLog } from '../ops/request-log.ts';
import { observeResponses, type ResponseObserver } from '../ops/response-observer.ts';
import { sendError } from './errors.ts';

export interface AppOptions {
  /** Where the SCIM base is mounted. Default /scim/v2. */
  readonly scimPath?: string;
  /** One log line per request goes here (see src/ops/logger.ts); none when absent. */
  readonly logger?: Logger;
  /** Node process metrics (CPU, memory, event loop) in /metrics too. Default false. */
  readonly processMetrics?: boolean;
  /** While this returns true (graceful shutdown), /readyz answers 503. */
  readonly isShuttingDown?: () => boolean;
}

export function createApp(server: ScimServer, options: AppOptions = {}): Express {
  const scimPath = options.scimPath ?? '/scim/v2';
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false); // SCIM resources carry their own ETag (meta.version)

  const metrics = createMetrics({
    store: server.store,
    resourceTypes: server.registry.resourceTypes.map((rt) => rt.name),
    processMetrics: options.processMetrics,
  });
  const observers: ResponseObserver[] = [metrics.observe];
  if (options.logger) observers.push(requestLog(options.logger));
  const observe = observeResponses(observers);
  /** What every request gets first: its id, and observation of its response. */
  const track = (req: Request, res: Response) => {
    assignRequestId(req);
    observe(res);
  };
  // SCIM requests are the traffic: their router comes first, so they skip the other routes'
  // matching (unless the base is the root, where it must come last to leave them reachable), and
  // they are tracked in the same Express layer (each layer costs per request). The SCIM router
  // echoes the request id itself, with the rest of its headers; the other routes get it here.
  if (scimPath !== '/') {
    app.use(scimPath, (req, res, next) => {
      track(req, res);
      server.router(req, res, next);
    });
  }
  app.use((req, res, next) => {
    track(req, res);
    echoRequestId(req, res, next);
  });
  app.use(healthRouter({ store: server.store, isShuttingDown: options.isShuttingDown, logger: options.logger }));
  app.get('/metrics', metrics.scrape);

  // The contract as served: its server URL is where this app mounts the SCIM base.
  const contract = { ...server.contract.bundled, servers: [{ url: scimPath, description: 'This server' }] };
  const contractJson = JSON.stringify(contract);
  const contractYaml = stringify(contract);

  app.get('/', (_req: Request, res: Response) => {
    res.json({
      name: 'scim2-server',
      description: 'A SCIM 2.0 service provider (RFC 7643, RFC 7644)',
      scim: scimPath,
      docs: '/docs',
      health: ['/healthz', '/readyz'],
      metrics: '/metrics',
      openapi: ['/openapi.json', '/openapi.yaml'],
    });
  });
  app.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(contractJson);
  });
  app.get('/openapi.yaml', (_req, res) => {
    res.type('application/yaml').send(contractYaml);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(undefined, { swaggerOptions: { url: '/openapi.json' } }));
  if (scimPath === '/') app.use(scimPath, server.router);
  app.use((_req: Request, res: Response) => sendError(res, new ScimError(404, 'Not found')));
  return app;
}

// The SCIM router: an Express router that can be mounted at any prefix of any Express app.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { HandlerResult } from '../handlers/types.ts';
import type { RequestContext } from '../resources/context.ts';
import type { RequestInfo, ScimBackend } from './backend.ts';
import { sendError } from './errors.ts';
import { bodyParserError, jsonBody, requireScimMediaType, SCIM_MEDIA_TYPE } from './media.ts';

export interface RouterOptions {
  /** Absolute public URL of the SCIM base (for servers behind a proxy); else taken from the request. */
  readonly baseUrl?: string;
  readonly bodyLimit: string | number;
  /** /Bulk carries many resources: its own limit (RFC 7644 §3.7.4 maxPayloadSize). */
  readonly bulkBodyLimit: number;
  readonly logError: (err: unknown) => void;
}

export function createScimRouter(backend: ScimBackend, options: RouterOptions): Router {
  const router = express.Router();
  const fixedBase = options.baseUrl?.replace(/\/+$/, '');

  router.use(requireScimMediaType);
  // body-parser skips a body that is already parsed, so /Bulk's larger limit applies there only.
  router.post('/Bulk', jsonBody(options.bulkBodyLimit));
  router.use(jsonBody(options.bodyLimit));
  router.use(async (req: Request, res: Response) => {
    const ctx: RequestContext = { baseUrl: fixedBase ?? `${req.protocol}://${req.get('host')}${req.baseUrl}` };
    // Shared with logging and metrics middleware (res.locals.scim): operationId and auth subject.
    const info: RequestInfo = {};
    res.locals.scim = info;
    try {
      const result = await backend.handle(
        // HEAD is GET without the body (RFC 9110 §9.3.2); Node drops the body itself.
        { method: req.method === 'HEAD' ? 'GET' : req.method, path: req.path, query: req.query as never, headers: req.headers as never, body: req.body },
        ctx,
        info,
      );
      send(res, result);
    } catch (err) {
      sendError(res, err, options.logError);
    }
  });
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    sendError(res, bodyParserError(err) ?? err, options.logError);
  });
  return router;
}

function send(res: Response, result: HandlerResult): void {
  res.status(result.status);
  if (result.headers) res.set(result.headers);
  if (result.body === undefined) {
    res.end();
    return;
  }
  res.type(SCIM_MEDIA_TYPE).send(JSON.stringify(result.body));
}

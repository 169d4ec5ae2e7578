// POST /.search: the root search across every resource type (RFC 7644 §3.4.3).
import type { RequestContext } from '../resources/context.ts';
import { searchAll, type SearchAllRequest } from '../resources/search-all.ts';
import type { ResourceService } from '../resources/service.ts';
import type { HandlerResult } from './types.ts';

export function searchAllHandler(services: readonly ResourceService[]) {
  const targets = services.map((s) => ({ rt: s.resourceType, serializer: s.serializer }));
  const { store, limits } = services[0];
  return async ({ body, ctx }: { body: SearchAllRequest; ctx: RequestContext }): Promise<HandlerResult> => ({
    status: 200,
    body: await searchAll(store, targets, body, limits, ctx),
  });
}

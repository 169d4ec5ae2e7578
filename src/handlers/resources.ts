// The HTTP side of Users and Groups: read typed input, call the resource service, shape the
// response (status, Location, ETag). No SCIM rule lives here.
import { parseProjection } from '../query/projection.ts';
import type { ResourceService } from '../resources/service.ts';
import type { ValidResource } from '../schema/validate.ts';
import { notModified, writeCondition } from './preconditions.ts';
import type { HandlerResult } from './types.ts';
import type { RequestContext } from '../resources/context.ts';

interface ProjectionQuery {
  attributes?: string;
  excludedAttributes?: string;
}
interface ListQuery extends ProjectionQuery {
  filter?: string;
  sortBy?: string;
  sortOrder?: string;
  startIndex?: number;
  count?: number;
  cursor?: string;
}
interface SearchBody {
  attributes?: string[];
  excludedAttributes?: string[];
  filter?: string;
  sortBy?: string;
  sortOrder?: string;
  startIndex?: number;
  count?: number;
  cursor?: string;
}
interface Input<Q = ProjectionQuery, B = unknown> {
  params: { id: string };
  query: Q;
  headers: { 'If-Match'?: string; 'If-None-Match'?: string };
  body: B;
  ctx: RequestContext;
}

/** The body was normalised and validated against the contract before the handler runs. */
const validated = (body: unknown) => body as ValidResource;

function withResource(status: number, stored: { version: string }, resource: Record<string, unknown>): HandlerResult {
  const location = (resource.meta as { location?: string } | undefined)?.location;
  return {
    status,
    body: resource,
    headers: { ETag: stored.version, ...(location ? { Location: location } : {}) },
  };
}

export function resourceHandlers(service: ResourceService) {
  const rt = service.resourceType;
  const projectionOf = (q: { attributes?: string | string[]; excludedAttributes?: string | string[] }) =>
    parseProjection(rt, q.attributes, q.excludedAttributes);

  async function list(q: SearchBody | ListQuery, ctx: RequestContext): Promise<HandlerResult> {
    const body = await service.list({ ...q, projection: projectionOf(q) }, ctx);
    return { status: 200, body };
  }

  return {
    list: ({ query, ctx }: Pick<Input<ListQuery>, 'query' | 'ctx'>) => list(query, ctx),
    search: ({ body, ctx }: Pick<Input<unknown, SearchBody>, 'body' | 'ctx'>) => list(body, ctx),

    async create({ query, body, ctx }: Pick<Input, 'query' | 'body' | 'ctx'>): Promise<HandlerResult> {
      const { stored, resource } = await service.create(validated(body), ctx, { projection: projectionOf(query) });
      return withResource(201, stored, resource);
    },

    async get({ params, query, headers, ctx }: Input): Promise<HandlerResult> {
      const stored = await service.require(params.id);
      if (notModified(headers['If-None-Match'], stored.version)) return { status: 304, headers: { ETag: stored.version } };
      const { resource } = await service.output(stored, ctx, { projection: projectionOf(query) });
      return withResource(200, stored, resource);
    },

    async replace({ params, query, headers, body, ctx }: Input): Promise<HandlerResult> {
      const { stored, resource } = await service.replace(params.id, validated(body), ctx, {
        projection: projectionOf(query),
        condition: writeCondition(headers['If-Match']),
      });
      return withResource(200, stored, resource);
    },

    async delete({ params, headers }: Pick<Input, 'params' | 'headers'>): Promise<HandlerResult> {
      await service.delete(params.id, { condition: writeCondition(headers['If-Match']) });
      return { status: 204 };
    },
  };
}

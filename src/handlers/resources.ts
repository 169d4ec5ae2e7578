// The HTTP side of Users and Groups: read typed input, call the resource service, shape the
// response (status, Location, ETag). No SCIM rule lives here.
import { parseProjection } from '../query/projection.ts';
import type { ResourceService } from '../resources/service.ts';
import type { ValidResource } from '../schema/validate.ts';
import { notModified, writeCondition } from './preconditions.ts';
import type { BodyOf, HandlerResult, QueryOf } from './types.ts';
import type { RequestContext } from '../resources/context.ts';
import { location } from '../resources/serialize.ts';
import type { ResourceTypeDef } from '../schema/attributes.ts';
import type { StoredResource } from '../store/store.ts';

// Input shapes come from the generated contract types: a contract change that breaks a handler
// breaks the build. Users and Groups share the shapes, so the User operations name them.
type ProjectionQuery = QueryOf<'getUser'>;
type ListQuery = QueryOf<'listUsers'>;
type SearchBody = BodyOf<'searchUsers'>;
interface Input<Q = ProjectionQuery, B = unknown> {
  params: { id: string };
  query: Q;
  headers: { 'If-Match'?: string; 'If-None-Match'?: string };
  body: B;
  ctx: RequestContext;
}

/** The body was normalised and validated against the contract before the handler runs. */
const validated = (body: unknown) => body as ValidResource;

/** A response carrying one resource: Location and ETag headers whatever the projection left in the body. */
function withResource(status: number, stored: StoredResource, resource: Record<string, unknown>, ctx: RequestContext, rt: ResourceTypeDef): HandlerResult {
  return { status, body: resource, headers: { ETag: stored.version, Location: location(ctx, rt, stored.id) } };
}

export function resourceHandlers(service: ResourceService) {
  const rt = service.resourceType;
  const hasMembers = rt.schema.byLower.has('members');
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
      return withResource(201, stored, resource, ctx, rt);
    },

    async get({ params, query, headers, ctx }: Input): Promise<HandlerResult> {
      const stored = await service.require(params.id);
      if (notModified(headers['If-None-Match'], stored.version)) return { status: 304, headers: { ETag: stored.version } };
      const { resource } = await service.output(stored, ctx, { projection: projectionOf(query) });
      return withResource(200, stored, resource, ctx, rt);
    },

    async replace({ params, query, headers, body, ctx }: Input): Promise<HandlerResult> {
      const { stored, resource } = await service.replace(params.id, validated(body), ctx, {
        projection: projectionOf(query),
        condition: writeCondition(headers['If-Match']),
      });
      return withResource(200, stored, resource, ctx, rt);
    },

    /**
     * PATCH: 200 with the resource. For a resource with members (Group), the whole resource would
     * mean serialising a member list nobody asked for, so without `attributes`/`excludedAttributes`
     * the answer is 204 with the new ETag (RFC 7644 §3.5.2 allows either).
     */
    async patch({ params, query, headers, body, ctx }: Input<ProjectionQuery, { Operations: unknown[] }>): Promise<HandlerResult> {
      const stored = await service.patch(params.id, body, { condition: writeCondition(headers['If-Match']) });
      if (hasMembers && query.attributes === undefined && query.excludedAttributes === undefined) {
        return { status: 204, headers: { ETag: stored.version } };
      }
      const { resource } = await service.output(stored, ctx, { projection: projectionOf(query) });
      return withResource(200, stored, resource, ctx, rt);
    },

    async delete({ params, headers }: Pick<Input, 'params' | 'headers' | 'ctx'>): Promise<HandlerResult> {
      await service.delete(params.id, { condition: writeCondition(headers['If-Match']) });
      return { status: 204 };
    },
  };
}

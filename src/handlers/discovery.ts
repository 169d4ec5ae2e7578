// Discovery endpoints (RFC 7644 §4): /ServiceProviderConfig, /ResourceTypes, /Schemas, all built
// from the schema registry and the server's real capabilities.
import { excerpt, ScimError } from '../errors.ts';
import { LIST_RESPONSE_URN } from '../query/paging.ts';
import type { SchemaRegistry } from '../schema/registry.ts';
import { resourceTypeToScim, schemaToScim } from '../schema/discovery.ts';
import type { ServiceProviderConfig } from '../service-provider-config.ts';
import type { RequestContext } from '../resources/context.ts';
import type { HandlerResult } from './types.ts';

function listResponse(resources: unknown[]) {
  return {
    schemas: [LIST_RESPONSE_URN],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

interface DiscoveryInput {
  readonly query: { filter?: string };
  readonly ctx: RequestContext;
}

/** RFC 7644 §4: filtering discovery endpoints is refused, so no client assumes a filter was applied. */
function refuseFilter(query: { filter?: string }): void {
  if (query.filter !== undefined) throw new ScimError(403, 'Filtering is not supported on discovery endpoints');
}

export function discoveryHandlers(registry: SchemaRegistry, config: () => ServiceProviderConfig) {
  const schemaLocation = (ctx: RequestContext, id: string) => `${ctx.baseUrl}/Schemas/${id}`;
  const typeLocation = (ctx: RequestContext, name: string) => `${ctx.baseUrl}/ResourceTypes/${name}`;

  return {
    async getServiceProviderConfig({ query, ctx }: DiscoveryInput): Promise<HandlerResult> {
      refuseFilter(query);
      return {
        status: 200,
        body: {
          ...config(),
          meta: { resourceType: 'ServiceProviderConfig', location: `${ctx.baseUrl}/ServiceProviderConfig` },
        },
      };
    },

    async listResourceTypes({ query, ctx }: DiscoveryInput): Promise<HandlerResult> {
      refuseFilter(query);
      const types = registry.resourceTypes.map((rt) => resourceTypeToScim(rt, typeLocation(ctx, rt.name)));
      return { status: 200, body: listResponse(types) };
    },

    async getResourceType({ params, query, ctx }: DiscoveryInput & { params: { id: string } }): Promise<HandlerResult> {
      refuseFilter(query);
      const rt = registry.resourceType(params.id);
      if (!rt) throw ScimError.notFound(`Resource type ${excerpt(params.id)} not found`);
      return { status: 200, body: resourceTypeToScim(rt, typeLocation(ctx, rt.name)) };
    },

    async listSchemas({ query, ctx }: DiscoveryInput): Promise<HandlerResult> {
      refuseFilter(query);
      const schemas = registry.schemas.map((s) => schemaToScim(s, schemaLocation(ctx, s.id)));
      return { status: 200, body: listResponse(schemas) };
    },

    async getSchema({ params, query, ctx }: DiscoveryInput & { params: { id: string } }): Promise<HandlerResult> {
      refuseFilter(query);
      const schema = registry.schema(params.id);
      if (!schema) throw ScimError.notFound(`Schema ${excerpt(params.id)} not found`);
      return { status: 200, body: schemaToScim(schema, schemaLocation(ctx, schema.id)) };
    },
  };
}

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

export function discoveryHandlers(registry: SchemaRegistry, config: () => ServiceProviderConfig) {
  const schemaLocation = (ctx: RequestContext, id: string) => `${ctx.baseUrl}/Schemas/${id}`;
  const typeLocation = (ctx: RequestContext, name: string) => `${ctx.baseUrl}/ResourceTypes/${name}`;

  return {
    async getServiceProviderConfig({ ctx }: { ctx: RequestContext }): Promise<HandlerResult> {
      return {
        status: 200,
        body: {
          ...config(),
          meta: { resourceType: 'ServiceProviderConfig', location: `${ctx.baseUrl}/ServiceProviderConfig` },
        },
      };
    },

    async listResourceTypes({ ctx }: { ctx: RequestContext }): Promise<HandlerResult> {
      const types = registry.resourceTypes.map((rt) => resourceTypeToScim(rt, typeLocation(ctx, rt.name)));
      return { status: 200, body: listResponse(types) };
    },

    async getResourceType({ params, ctx }: { params: { id: string }; ctx: RequestContext }): Promise<HandlerResult> {
      const rt = registry.resourceType(params.id);
      if (!rt) throw ScimError.notFound(`Resource type ${excerpt(params.id)} not found`);
      return { status: 200, body: resourceTypeToScim(rt, typeLocation(ctx, rt.name)) };
    },

    async listSchemas({ ctx }: { ctx: RequestContext }): Promise<HandlerResult> {
      const schemas = registry.schemas.map((s) => schemaToScim(s, schemaLocation(ctx, s.id)));
      return { status: 200, body: listResponse(schemas) };
    },

    async getSchema({ params, ctx }: { params: { id: string }; ctx: RequestContext }): Promise<HandlerResult> {
      const schema = registry.schema(params.id);
      if (!schema) throw ScimError.notFound(`Schema ${excerpt(params.id)} not found`);
      return { status: 200, body: schemaToScim(schema, schemaLocation(ctx, schema.id)) };
    },
  };
}

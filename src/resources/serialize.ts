// Turns a stored resource into its SCIM representation: schemas, id, meta, the derived attributes
// (Group.members, User.groups) and the projection. Derived attributes are only built when the
// projection asks for them, so `excludedAttributes=members` never reads a member list.
import type { AttributeDef, ResourceTypeDef } from '../schema/attributes.ts';
import type { ScimObject } from '../schema/normalize.ts';
import { applyProjection, NO_PROJECTION, type Projection, wantsAttribute } from '../query/projection.ts';
import type { Store, StoredResource } from '../store/store.ts';
import type { RequestContext } from './context.ts';
import { directAndIndirectGroups } from './groups-of.ts';

export interface Serializer {
  toScim(stored: StoredResource, ctx: RequestContext, projection?: Projection): Promise<ScimObject>;
}

export function location(ctx: RequestContext, rt: ResourceTypeDef, id: string): string {
  return `${ctx.baseUrl}${rt.endpoint}/${encodeURIComponent(id)}`;
}

export function createSerializer(rt: ResourceTypeDef, store: Store, endpoints: ReadonlyMap<string, string>): Serializer {
  const members = rt.schema.byLower.get('members');
  const groups = rt.schema.byLower.get('groups');
  const refTo = (ctx: RequestContext, type: string, id: string) =>
    `${ctx.baseUrl}${endpoints.get(type) ?? `/${type}s`}/${encodeURIComponent(id)}`;

  return {
    async toScim(stored, ctx, projection = NO_PROJECTION) {
      const schemas = [rt.schema.id];
      for (const ext of rt.extensions) if (stored.data[ext.schema.id] !== undefined) schemas.push(ext.schema.id);
      const out: ScimObject = {
        schemas,
        id: stored.id,
        ...stored.data,
        meta: {
          resourceType: rt.name,
          created: stored.created,
          lastModified: stored.lastModified,
          location: location(ctx, rt, stored.id),
          version: stored.version,
        },
      };
      if (members && wants(projection, members)) {
        const list = await store.members(stored.id);
        if (list.length > 0) {
          out.members = list.map((m) => ({
            value: m.value,
            $ref: refTo(ctx, m.type, m.value),
            type: m.type,
            ...(m.display !== undefined ? { display: m.display } : {}),
          }));
        }
      }
      if (groups && wants(projection, groups)) {
        const list = await directAndIndirectGroups(store, stored.id);
        if (list.length > 0) {
          out.groups = list.map((g) => ({
            value: g.id,
            $ref: refTo(ctx, 'Group', g.id),
            ...(g.display !== undefined ? { display: g.display } : {}),
            type: g.direct ? 'direct' : 'indirect',
          }));
        }
      }
      return applyProjection(rt, out, projection);
    },
  };
}

function wants(p: Projection, attr: AttributeDef): boolean {
  return wantsAttribute(p, attr);
}

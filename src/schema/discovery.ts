// RFC 7643 §6 and §7 representations of the registry: what /ResourceTypes and /Schemas serve.
import type { AttributeDef, ResourceTypeDef, SchemaDef } from './attributes.ts';

export const SCHEMA_URN = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
export const RESOURCE_TYPE_URN = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';

export function attributeToScim(a: AttributeDef): Record<string, unknown> {
  return {
    name: a.name,
    type: a.type,
    multiValued: a.multiValued,
    description: a.description,
    required: a.required,
    caseExact: a.caseExact,
    mutability: a.mutability,
    returned: a.returned,
    uniqueness: a.uniqueness,
    ...(a.canonicalValues ? { canonicalValues: [...a.canonicalValues] } : {}),
    ...(a.referenceTypes ? { referenceTypes: [...a.referenceTypes] } : {}),
    ...(a.subAttributes ? { subAttributes: a.subAttributes.map(attributeToScim) } : {}),
  };
}

export function schemaToScim(s: SchemaDef, location: string): Record<string, unknown> {
  return {
    schemas: [SCHEMA_URN],
    id: s.id,
    name: s.name,
    description: s.description,
    attributes: s.attributes.map(attributeToScim),
    meta: { resourceType: 'Schema', location },
  };
}

export function resourceTypeToScim(rt: ResourceTypeDef, location: string): Record<string, unknown> {
  return {
    schemas: [RESOURCE_TYPE_URN],
    id: rt.name,
    name: rt.name,
    description: rt.description,
    endpoint: rt.endpoint,
    schema: rt.schema.id,
    schemaExtensions: rt.extensions.map((e) => ({ schema: e.schema.id, required: e.required })),
    meta: { resourceType: 'ResourceType', location },
  };
}

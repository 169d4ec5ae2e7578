// The schema registry: every SCIM schema and resource type, built once from the contract's
// `x-scim-*` annotations (see openapi/components/common.yaml for the rules). Nothing about an
// attribute is declared anywhere else.
import type { JsonObject } from '../contract/load.ts';
import type {
  AttributeDef,
  Mutability,
  ResourceTypeDef,
  Returned,
  SchemaDef,
  ScimType,
  Uniqueness,
} from './attributes.ts';

/** RFC 7643 §3.1: attributes every resource has, outside any schema's attribute list. */
const COMMON_ATTRIBUTES = ['id', 'externalId', 'meta'] as const;
/** `schemas` is a message-level attribute (RFC 7643 §3), not a schema attribute. */
const SCHEMAS_ATTRIBUTE = 'schemas';

interface XScim {
  type?: ScimType;
  required?: boolean;
  caseExact?: boolean;
  mutability?: Mutability;
  returned?: Returned;
  uniqueness?: Uniqueness;
  canonicalValues?: string[];
  referenceTypes?: string[];
}

export class SchemaRegistry {
  readonly resourceTypes: readonly ResourceTypeDef[];
  readonly schemas: readonly SchemaDef[];
  private readonly typesByName = new Map<string, ResourceTypeDef>();
  private readonly schemasById = new Map<string, SchemaDef>();

  constructor(resourceTypes: readonly ResourceTypeDef[]) {
    this.resourceTypes = resourceTypes;
    const schemas: SchemaDef[] = [];
    for (const rt of resourceTypes) {
      this.typesByName.set(rt.name.toLowerCase(), rt);
      for (const s of [rt.schema, ...rt.extensions.map((e) => e.schema)]) {
        if (!this.schemasById.has(s.id.toLowerCase())) {
          this.schemasById.set(s.id.toLowerCase(), s);
          schemas.push(s);
        }
      }
    }
    this.schemas = schemas;
  }

  /** A resource type by name ("User"), case-insensitively. */
  resourceType(name: string): ResourceTypeDef | undefined {
    return this.typesByName.get(name.toLowerCase());
  }

  /** The resource type by name; throws when the contract does not declare it (a programming error). */
  requireResourceType(name: string): ResourceTypeDef {
    const rt = this.resourceType(name);
    if (!rt) throw new Error(`The contract declares no resource type "${name}"`);
    return rt;
  }

  /** A schema by URN, case-insensitively. */
  schema(id: string): SchemaDef | undefined {
    return this.schemasById.get(id.toLowerCase());
  }

  /** Builds the registry from the dereferenced contract. */
  static fromContract(contract: JsonObject): SchemaRegistry {
    const components = (contract.components as JsonObject | undefined)?.schemas as JsonObject | undefined;
    if (!components) throw new Error('The contract has no components.schemas');
    const types: ResourceTypeDef[] = [];
    for (const schema of Object.values(components) as JsonObject[]) {
      if (schema && typeof schema === 'object' && schema['x-scim-resource-type']) {
        types.push(resourceTypeFromSchema(schema));
      }
    }
    return new SchemaRegistry(types);
  }
}

function resourceTypeFromSchema(json: JsonObject): ResourceTypeDef {
  const meta = json['x-scim-resource-type'] as JsonObject;
  const properties = (json.properties ?? {}) as JsonObject;
  const core: AttributeDef[] = [];
  const common = new Map<string, AttributeDef>();
  const extensions: { schema: SchemaDef; required: boolean }[] = [];
  for (const [name, prop] of Object.entries(properties) as [string, JsonObject][]) {
    if (name === SCHEMAS_ATTRIBUTE) continue;
    if (prop['x-scim-schema']) {
      const required = Boolean((json.required as string[] | undefined)?.includes(name));
      extensions.push({ schema: schemaFromJson(prop), required });
    } else if ((COMMON_ATTRIBUTES as readonly string[]).includes(name)) {
      common.set(name.toLowerCase(), attributeFromJson(name, prop));
    } else {
      core.push(attributeFromJson(name, prop));
    }
  }
  return {
    name: String(meta.name),
    endpoint: String(meta.endpoint),
    description: String(meta.description ?? json.description ?? ''),
    schema: makeSchema(json, core),
    extensions,
    common,
  };
}

function schemaFromJson(json: JsonObject): SchemaDef {
  const properties = (json.properties ?? {}) as JsonObject;
  const attributes = Object.entries(properties).map(([name, prop]) => attributeFromJson(name, prop as JsonObject));
  return makeSchema(json, attributes);
}

function makeSchema(json: JsonObject, attributes: AttributeDef[]): SchemaDef {
  const meta = json['x-scim-schema'] as JsonObject;
  return {
    id: String(meta.id),
    name: String(meta.name),
    description: String(json.description ?? ''),
    attributes,
    byLower: new Map(attributes.map((a) => [a.name.toLowerCase(), a])),
  };
}

function attributeFromJson(name: string, json: JsonObject): AttributeDef {
  const multiValued = json.type === 'array';
  const item = (multiValued ? json.items : json) as JsonObject;
  const x = { ...(item['x-scim'] as XScim | undefined), ...(json['x-scim'] as XScim | undefined) };
  const type = x.type ?? jsonTypeToScim(item);
  const readOnly = json.readOnly === true || item.readOnly === true;
  const writeOnly = json.writeOnly === true || item.writeOnly === true;
  const subAttributes =
    type === 'complex'
      ? Object.entries((item.properties ?? {}) as JsonObject).map(([n, p]) => attributeFromJson(n, p as JsonObject))
      : undefined;
  return {
    name,
    type,
    multiValued,
    description: String(json.description ?? item.description ?? ''),
    required: x.required ?? false,
    caseExact: x.caseExact ?? false,
    mutability: x.mutability ?? (readOnly ? 'readOnly' : writeOnly ? 'writeOnly' : 'readWrite'),
    returned: x.returned ?? 'default',
    uniqueness: x.uniqueness ?? 'none',
    ...(x.canonicalValues ? { canonicalValues: x.canonicalValues } : {}),
    ...(x.referenceTypes ? { referenceTypes: x.referenceTypes } : {}),
    ...(subAttributes
      ? { subAttributes, subByLower: new Map(subAttributes.map((s) => [s.name.toLowerCase(), s])) }
      : {}),
  };
}

function jsonTypeToScim(json: JsonObject): ScimType {
  switch (json.type) {
    case 'object':
      return 'complex';
    case 'boolean':
      return 'boolean';
    case 'integer':
      return 'integer';
    case 'number':
      return 'decimal';
    default:
      return json.format === 'date-time' ? 'dateTime' : 'string';
  }
}

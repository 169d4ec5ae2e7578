// SCIM attribute characteristics (RFC 7643 §2.2, §7). These are the facts JSON Schema cannot say;
// they are read from the contract's `x-scim` annotations by the registry, never written twice.

export type ScimType =
  | 'string'
  | 'boolean'
  | 'decimal'
  | 'integer'
  | 'dateTime'
  | 'binary'
  | 'reference'
  | 'complex';

export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDef {
  /** Canonical spelling, as declared in the contract. */
  readonly name: string;
  readonly type: ScimType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  /** Sub-attributes of a complex attribute, in declaration order. */
  readonly subAttributes?: readonly AttributeDef[];
  /** Sub-attributes keyed by lower-cased name (RFC 7643 §2.1: names are case-insensitive). */
  readonly subByLower?: ReadonlyMap<string, AttributeDef>;
}

export interface SchemaDef {
  /** The schema URN, e.g. urn:ietf:params:scim:schemas:core:2.0:User */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** Attributes in declaration order, without the common attributes (id, externalId, meta). */
  readonly attributes: readonly AttributeDef[];
  readonly byLower: ReadonlyMap<string, AttributeDef>;
}

export interface SchemaExtensionRef {
  readonly schema: string;
  readonly required: boolean;
}

export interface ResourceTypeDef {
  /** e.g. "User" */
  readonly name: string;
  /** e.g. "/Users" */
  readonly endpoint: string;
  readonly description: string;
  /** The core schema. */
  readonly schema: SchemaDef;
  readonly extensions: readonly { readonly schema: SchemaDef; readonly required: boolean }[];
  /** The common attributes of RFC 7643 §3.1 (id, externalId, meta), shared by every resource type. */
  readonly common: ReadonlyMap<string, AttributeDef>;
}

// Schema-derived text spliced into SQL: attribute names, schema URNs and resource type names. They
// come from the contract, never from a request, and are written as literals (not parameters) so
// that query expressions match the expression indexes built from the same text. They are still
// checked, so that no name can end a literal or a JSON path.
const SAFE = /^[A-Za-z0-9_$:.\-]+$/;

export function schemaName(text: string): string {
  if (!SAFE.test(text)) throw new Error(`Cannot use ${JSON.stringify(text)} in SQL: unexpected characters`);
  return text;
}

/** A schema-derived name as an SQL string literal. */
export function literal(text: string): string {
  return `'${schemaName(text)}'`;
}

/** Table names, shared by both backends and the compiler. */
export const RESOURCES = 'scim_resources';
export const MEMBERSHIPS = 'scim_memberships';
/** The CTE holding each member's direct and nested groups (see groups.ts). */
export const GROUPS_OF = 'scim_groups_of';

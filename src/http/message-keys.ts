// Protocol messages (PatchOp, SearchRequest, BulkRequest) get the same case-insensitive attribute
// names as resources (RFC 7643 §2.1): keys are renamed to the contract's spelling, walking the
// message's JSON Schema. Keys the schema does not declare are dropped, so `__proto__` and friends
// never reach a handler.
import type { JsonObject } from '../contract/load.ts';
import { isPlainObject } from '../schema/normalize.ts';

function propertiesOf(schema: JsonObject): Map<string, [string, JsonObject]> | undefined {
  const props: Record<string, JsonObject> = {};
  for (const s of [schema, ...((schema.allOf as JsonObject[] | undefined) ?? [])]) {
    Object.assign(props, (s.properties as Record<string, JsonObject> | undefined) ?? {});
  }
  const names = Object.keys(props);
  if (names.length === 0) return undefined;
  return new Map(names.map((n) => [n.toLowerCase(), [n, props[n]]]));
}

const cache = new WeakMap<JsonObject, Map<string, [string, JsonObject]> | undefined>();

export function canonicalizeMessage(schema: JsonObject, value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = schema.items as JsonObject | undefined;
    return items ? value.map((v) => canonicalizeMessage(items, v)) : value;
  }
  if (!isPlainObject(value)) return value;
  if (!cache.has(schema)) cache.set(schema, propertiesOf(schema));
  const props = cache.get(schema);
  if (!props) return value; // free-form (PatchOperation.value, bulk data): left to its own handler
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const match = props.get(key.toLowerCase());
    if (match) out[match[0]] = canonicalizeMessage(match[1], value[key]);
  }
  return out;
}

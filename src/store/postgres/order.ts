// JSONB keeps objects with their keys sorted by length, not as written. Resources read back are put
// into the schema's declaration order (common attributes, core, then each extension), so responses
// read naturally and every instance answers with the same order. Unknown keys keep their place last.
import type { AttributeDef, ResourceTypeDef } from '../../schema/attributes.ts';
import type { ResourceData } from '../store.ts';

type Json = Record<string, unknown>;

export function schemaOrder(rt: ResourceTypeDef, data: ResourceData): ResourceData {
  const out = ordered(data, [...rt.common.values(), ...rt.schema.attributes]);
  for (const ext of rt.extensions) {
    const value = data[ext.schema.id];
    if (value !== undefined) out[ext.schema.id] = isObject(value) ? ordered(value, ext.schema.attributes) : value;
  }
  for (const key of Object.keys(data)) if (!(key in out)) out[key] = data[key];
  return out;
}

function ordered(value: Json, attributes: readonly AttributeDef[]): Json {
  const out: Json = {};
  for (const attr of attributes) {
    const v = value[attr.name];
    if (v === undefined) continue;
    out[attr.name] = attr.subAttributes ? complex(v, attr.subAttributes) : v;
  }
  for (const key of Object.keys(value)) if (!(key in out)) out[key] = value[key];
  return out;
}

function complex(value: unknown, subs: readonly AttributeDef[]): unknown {
  if (Array.isArray(value)) return value.map((v) => (isObject(v) ? ordered(v, subs) : v));
  return isObject(value) ? ordered(value, subs) : value;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

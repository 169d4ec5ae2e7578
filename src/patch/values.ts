// PATCH values are read like POST/PUT bodies (canonical attribute names, null as unassigned),
// plus the value-level identity-provider dialects.
import type { AttributeDef } from '../schema/attributes.ts';
import { isPlainObject, normalizeValue } from '../schema/normalize.ts';
import type { PatchDialects } from './dialects.ts';

const BOOLEAN_TEXT = /^(true|false)$/i;

/** Normalises a value for `def`; undefined means "unassigned". */
export function coerceValue(def: AttributeDef, value: unknown, dialects: PatchDialects): unknown {
  let v = value;
  // Rule 6: Entra ID sends a manager as its id alone: "value": "<id>".
  if (dialects.managerAsString && def.type === 'complex' && !def.multiValued && typeof v === 'string' && def.subByLower?.has('value')) {
    v = { value: v };
  }
  // A single value for a multi-valued attribute is one value to add or set.
  if (def.multiValued && v !== null && v !== undefined && !Array.isArray(v)) v = [v];
  const normalized = normalizeValue(def, v);
  return dialects.stringBooleans ? booleansFromText(def, normalized) : normalized;
}

/** Rule 2: "True"/"False" strings, only where the registry says the attribute is boolean. */
function booleansFromText(def: AttributeDef, value: unknown): unknown {
  if (value === undefined) return value;
  if (def.multiValued && Array.isArray(value)) return value.map((v) => booleansFromText({ ...def, multiValued: false }, v));
  if (def.type === 'boolean') return typeof value === 'string' && BOOLEAN_TEXT.test(value) ? value.toLowerCase() === 'true' : value;
  if (def.type === 'complex' && def.subAttributes && isPlainObject(value)) {
    const out: Record<string, unknown> = { ...value };
    for (const sub of def.subAttributes) if (sub.name in out) out[sub.name] = booleansFromText(sub, out[sub.name]);
    return out;
  }
  return value;
}

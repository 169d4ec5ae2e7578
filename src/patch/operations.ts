// A PatchOp body read into typed operations (RFC 7644 §3.5.2). Path-less add/replace values are
// split into one operation per attribute, which is what the RFC's rules mean ("the value
// parameter contains a set of attributes to be added/replaced"), so one engine handles both forms.
import { excerpt, ScimError } from '../errors.ts';
import type { ResourceTypeDef } from '../schema/attributes.ts';
import { isPlainObject } from '../schema/normalize.ts';
import type { PatchDialects } from './dialects.ts';
import { inOperation, invalidValue } from './errors.ts';
import { parseTarget, type PatchTarget } from './target.ts';

export type PatchOpType = 'add' | 'remove' | 'replace';

export interface PatchOperation {
  /** 1-based position in the request, for error details. */
  readonly index: number;
  readonly op: PatchOpType;
  /** The path as the client wrote it (for error details), or the attribute name for path-less values. */
  readonly pathText?: string;
  readonly target?: PatchTarget;
  readonly value?: unknown;
  /** Came from a path-less value: a readOnly attribute there may be skipped when unchanged (rule 7). */
  readonly fromValueObject?: boolean;
}

interface RawOperation {
  op?: unknown;
  path?: unknown;
  value?: unknown;
}

const PATH_KEY = /[.[]|^urn:/i;

export function readOperations(rt: ResourceTypeDef, raw: readonly RawOperation[], dialects: PatchDialects): PatchOperation[] {
  const out: PatchOperation[] = [];
  raw.forEach((r, i) => {
    const index = i + 1;
    // Rule 1: `op` in any case ("Replace", Entra ID).
    const op = typeof r.op === 'string' ? r.op.toLowerCase() : '';
    const pathText = typeof r.path === 'string' && r.path.trim() !== '' ? r.path : undefined;
    try {
      if (op !== 'add' && op !== 'remove' && op !== 'replace') {
        throw new ScimError(400, `op must be add, remove or replace, not "${excerpt(String(r.op))}"`, 'invalidSyntax');
      }
      if (pathText !== undefined) {
        out.push({ index, op, pathText, target: parseTarget(rt, pathText, dialects), value: r.value });
      } else if (op === 'remove') {
        throw new ScimError(400, 'remove requires a path', 'noTarget'); // RFC 7644 §3.5.2.2
      } else {
        for (const part of splitValueObject(rt, r.value, dialects)) out.push({ index, op, ...part, fromValueObject: true });
      }
    } catch (err) {
      throw inOperation(err, index, op || String(r.op), pathText);
    }
  });
  return out;
}

/** `{"name": {...}, "urn:...:User": {...}, "name.givenName": "x"}` -> one target per attribute. */
function splitValueObject(
  rt: ResourceTypeDef,
  value: unknown,
  dialects: PatchDialects,
): { pathText: string; target: PatchTarget; value: unknown }[] {
  if (!isPlainObject(value)) throw invalidValue('a path-less add or replace needs an object of attributes as its value');
  const parts: { pathText: string; target: PatchTarget; value: unknown }[] = [];
  for (const key of Object.keys(value)) {
    const lower = key.toLowerCase();
    if (lower === 'schemas') continue;
    const ext = rt.extensions.find((e) => e.schema.id.toLowerCase() === lower);
    if (ext) {
      if (!isPlainObject(value[key])) throw invalidValue(`${ext.schema.id} needs an object of attributes`);
      for (const sub of Object.keys(value[key] as object)) {
        const attr = ext.schema.byLower.get(sub.toLowerCase());
        if (!attr) continue; // unknown attributes are ignored, as on POST/PUT
        parts.push({ pathText: `${ext.schema.id}:${attr.name}`, target: { kind: 'attribute', path: { schema: ext.schema, extension: ext.schema.id, attribute: attr } }, value: (value[key] as Record<string, unknown>)[sub] });
      }
      continue;
    }
    const attr = rt.schema.byLower.get(lower) ?? rt.common.get(lower);
    if (attr) {
      parts.push({ pathText: attr.name, target: { kind: 'attribute', path: { schema: rt.schema, attribute: attr } }, value: value[key] });
    } else if (dialects.pathKeysInValue && PATH_KEY.test(key)) {
      // Rule 4: Entra ID puts paths in path-less values: {"name.givenName": "x"}.
      parts.push({ pathText: key, target: parseTarget(rt, key, dialects), value: value[key] });
    }
    // Any other unknown key is ignored, as on POST/PUT.
  }
  return parts;
}

// Ajv errors turned into one SCIM error that names the attribute at fault (RFC 7644 §3.12).
import type { ErrorObject } from 'ajv';
import { excerpt, ScimError, type ScimType } from '../errors.ts';

/** JSON Pointer "/emails/0/value" -> "emails[0].value"; "/requestBody" prefix removed. */
function attributePath(pointer: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let out = '';
  for (const p of parts) {
    if (/^\d+$/.test(p)) out += `[${p}]`;
    else out += out ? `.${p}` : p;
  }
  return out;
}

export function ajvErrorToScim(
  errors: readonly ErrorObject[] | null | undefined,
  options: { prefix?: string; scimType?: ScimType } = {},
): ScimError {
  const e = errors?.[0];
  const scimType = options.scimType ?? 'invalidValue';
  if (!e) return new ScimError(400, 'The request is invalid', scimType);
  let pointer = e.instancePath;
  if (options.prefix && pointer.startsWith(options.prefix)) pointer = pointer.slice(options.prefix.length);
  let path = attributePath(pointer);
  if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    path = path ? `${path}.${missing}` : missing;
    return new ScimError(400, `Attribute '${excerpt(path, 80)}' is required`, scimType);
  }
  const what = path ? `Attribute '${excerpt(path, 80)}'` : 'The request body';
  return new ScimError(400, `${what} ${e.message ?? 'is invalid'}`, scimType);
}

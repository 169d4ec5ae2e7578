// PATCH errors name the failing operation (RFC 7644 §3.5.2: a PatchOp is all or nothing), so an
// identity provider's log alone shows what went wrong: `operation 2 (replace emails[...].value): ...`.
import { excerpt, ScimError } from '../errors.ts';

export function inOperation(err: unknown, index: number, op: string, path: string | undefined): unknown {
  if (!(err instanceof ScimError)) return err;
  const where = path === undefined ? op : `${op} ${excerpt(path, 80)}`;
  return new ScimError(err.status, `operation ${index} (${where}): ${err.detail}`, err.scimType, err.headers ? { ...err.headers } : undefined);
}

export const invalidPath = (detail: string) => new ScimError(400, detail, 'invalidPath');
export const mutability = (detail: string) => new ScimError(400, detail, 'mutability');
export const noTarget = (detail: string) => new ScimError(400, detail, 'noTarget');
export const invalidValue = (detail: string) => new ScimError(400, detail, 'invalidValue');

// PostgreSQL errors the store turns into SCIM errors: a taken unique value (409 uniqueness), a
// member that no longer exists (400), and text PostgreSQL cannot hold (NUL characters, 400).
import { ScimError } from '../../errors.ts';
import { uniquenessMessage } from '../sql/keys.ts';
import type { ResourceData } from '../store.ts';
import type { IndexDef } from './schema.ts';

interface PgError {
  code?: string;
  constraint?: string;
}

export function mapError(err: unknown, indexes: ReadonlyMap<string, IndexDef>, data?: ResourceData): unknown {
  const e = err as PgError;
  if (e.code === '23505' && e.constraint && indexes.has(e.constraint)) {
    const { path } = indexes.get(e.constraint)!.keyed;
    return new ScimError(409, uniquenessMessage(path.attribute.name, data?.[path.attribute.name]), 'uniqueness');
  }
  if (e.code === '23503' && e.constraint?.startsWith('scim_memberships_')) {
    return new ScimError(400, 'A member does not exist (it may just have been deleted)', 'invalidValue');
  }
  if (e.code === '22P05' || (e.code === '22021' && /0x00/.test(String((err as Error).message)))) {
    return new ScimError(400, 'Text containing the NUL character (\\u0000) cannot be stored', 'invalidValue');
  }
  return err;
}

/** Serialization failures and deadlocks: the transaction can simply run again. */
export function isRetryable(err: unknown): boolean {
  const code = (err as PgError).code;
  return code === '40001' || code === '40P01';
}

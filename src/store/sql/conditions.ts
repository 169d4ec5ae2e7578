// If-Match (RFC 7644 §3.14) as a condition an UPDATE or DELETE can check in the same statement:
// `... WHERE id = ? AND version IN (accepted)`. Stored versions are always weak tags (versions.ts)
// and If-Match compares weakly, so a tag is accepted in its weak spelling.
import { ScimError, excerpt } from '../../errors.ts';
import type { WriteCondition } from '../store.ts';
import { asStoredVersion } from '../versions.ts';

/** The stored versions the condition accepts; undefined when any version will do. */
export function acceptedVersions(condition: WriteCondition | undefined): string[] | undefined {
  const tags = condition?.ifMatch;
  if (!tags) return undefined;
  if (tags.some((t) => t.trim() === '*')) return undefined;
  return tags.map(asStoredVersion);
}

/** When a conditional write changed nothing: 404 if the resource is gone, else 412. */
export function conditionFailed(resourceType: string, id: string, current: string | undefined): ScimError {
  if (current === undefined) return ScimError.notFound(`${resourceType} ${excerpt(id)} not found`);
  return new ScimError(412, `Version mismatch: the resource is at ${current}`);
}

// Conditional request headers (RFC 9110 §13.1): If-Match and If-None-Match hold `*` or a
// comma-separated list of entity tags.
import { versionMatches } from '../store/versions.ts';
import type { WriteCondition } from '../store/store.ts';

export function parseEntityTags(header: string | undefined): string[] | undefined {
  if (header === undefined) return undefined;
  const tags = header.match(/\*|(?:W\/)?"[^"]*"/g);
  return tags ?? [];
}

export function writeCondition(ifMatch: string | undefined): WriteCondition | undefined {
  const tags = parseEntityTags(ifMatch);
  return tags ? { ifMatch: tags } : undefined;
}

/** True when If-None-Match lists the current version: the client's copy is fresh (304). */
export function notModified(ifNoneMatch: string | undefined, version: string): boolean {
  const tags = parseEntityTags(ifNoneMatch);
  return tags !== undefined && versionMatches(version, tags);
}

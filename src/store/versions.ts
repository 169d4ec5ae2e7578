// Entity tags for resource versions (RFC 7644 §3.14). Weak tags: a version names a state of the
// resource, not a byte-exact representation (projections and Location rewriting change the bytes).
import { randomBytes } from 'node:crypto';

// A per-process prefix keeps tags unique across restarts; the counter keeps them unique within one.
const boot = randomBytes(4).toString('hex');
let counter = 0;
const PREFIX = `W/"${boot}`;

export function nextVersion(): string {
  counter += 1;
  // join builds one flat string; a template literal this long is a tree of two V8 "cons" cells
  // (~90 B instead of 32 B, kept for as long as the memory store keeps the version).
  return [PREFIX, counter.toString(36), '"'].join('');
}

/** RFC 9110 §13.1.1: If-Match compares with the strong function, but SCIM tags are weak, so
 * the opaque part is compared (weak comparison), `*` matching any current version. */
export function versionMatches(current: string, tags: readonly string[]): boolean {
  const opaque = stripWeak(current);
  return tags.some((t) => t === '*' || stripWeak(t) === opaque);
}

function stripWeak(tag: string): string {
  const t = tag.trim();
  return t.startsWith('W/') ? t.slice(2) : t;
}

/** A client's tag in the weak spelling every stored version has, for stores that compare in SQL. */
export function asStoredVersion(tag: string): string {
  return `W/${stripWeak(tag)}`;
}

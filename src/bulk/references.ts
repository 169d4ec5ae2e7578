// bulkId references (RFC 7644 §3.7.2): a string "bulkId:<id>" anywhere in an operation's data or
// path stands for the id of the resource another operation of the same request creates.
const PREFIX = /^bulkId:/i;

/** Every bulkId an operation refers to. */
export function referencedBulkIds(path: unknown, data: unknown): Set<string> {
  const out = new Set<string>();
  const visit = (v: unknown, depth: number) => {
    if (depth > 8) return; // SCIM values nest two levels; deeper input cannot hold a reference we use
    if (typeof v === 'string') {
      if (PREFIX.test(v)) out.add(v.slice(7));
    } else if (Array.isArray(v)) {
      for (const item of v) visit(item, depth + 1);
    } else if (v && typeof v === 'object') {
      for (const item of Object.values(v)) visit(item, depth + 1);
    }
  };
  visit(data, 0);
  if (typeof path === 'string') {
    for (const segment of path.split('/')) if (PREFIX.test(segment)) out.add(segment.slice(7));
  }
  return out;
}

/**
 * A copy of `value` with every "bulkId:x" replaced by the id it resolved to. Like
 * referencedBulkIds, it stops at depth 8: below that nothing is substituted (or copied), so data
 * nested 100,000 levels deep cannot exhaust the stack (it used to answer the operation 500).
 */
export function substituteBulkIds(value: unknown, ids: ReadonlyMap<string, string>, depth = 0): unknown {
  if (typeof value === 'string') return PREFIX.test(value) ? (ids.get(value.slice(7)) ?? value) : value;
  if (depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => substituteBulkIds(v, ids, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // Own keys only, rebuilt on a fresh object: "__proto__" can never set a prototype here.
      Object.defineProperty(out, k, { value: substituteBulkIds(v, ids, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

export function substitutePath(path: string, ids: ReadonlyMap<string, string>): string {
  return path
    .split('/')
    .map((s) => (PREFIX.test(s) ? (ids.get(s.slice(7)) ?? s) : s))
    .join('/');
}

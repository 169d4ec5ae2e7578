// Bulk operations run in dependency order (RFC 7644 §3.7.2): an operation that refers to
// "bulkId:x" runs after the operation that declares bulkId x, whatever order the client used.
// Operations caught in a reference cycle cannot be ordered: they fail with 409 (§3.7.1 allows a
// service provider to stop after a failed attempt and return 409 Conflict).

export interface Orderable {
  readonly bulkId?: string;
  readonly references: ReadonlySet<string>;
}

export interface Ordering {
  /** Indexes in the order to run them. */
  readonly order: number[];
  /** Indexes whose references form a cycle (or depend on one). */
  readonly cyclic: Set<number>;
}

export function orderOperations(ops: readonly Orderable[]): Ordering {
  const declaredBy = new Map<string, number>();
  ops.forEach((op, i) => {
    if (op.bulkId !== undefined && !declaredBy.has(op.bulkId)) declaredBy.set(op.bulkId, i);
  });
  // Kahn's algorithm, choosing the lowest index among ready operations to keep client order.
  const deps = ops.map((op) => new Set([...op.references].map((b) => declaredBy.get(b)).filter((d): d is number => d !== undefined)));
  const dependents = ops.map(() => [] as number[]);
  deps.forEach((ds, i) => ds.forEach((d) => dependents[d].push(i)));
  const remaining = deps.map((ds) => ds.size);
  const ready = remaining.flatMap((n, i) => (n === 0 ? [i] : []));
  const order: number[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const i = ready.shift()!;
    order.push(i);
    for (const d of dependents[i]) if (--remaining[d] === 0) ready.push(d);
  }
  const cyclic = new Set(remaining.flatMap((n, i) => (n > 0 ? [i] : [])));
  return { order: [...order, ...[...cyclic].sort((a, b) => a - b)], cyclic };
}

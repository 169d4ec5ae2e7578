// Lookups asked for in the same tick, answered by one query. Serialising a page of users asks the
// store, for each user at once, for its groups and then for each group's name: one round trip per
// user and step (N+1 queries, 300 for a page of 100) became one per step.
export class Batcher<K, V> {
  private pending = new Map<K, { resolve: (v: V) => void; reject: (err: unknown) => void }[]>();

  /** `loadMany` answers for every key it was given; a key it leaves out gets `missing`. */
  constructor(
    private readonly loadMany: (keys: K[]) => Promise<ReadonlyMap<K, V>>,
    private readonly missing: V,
  ) {}

  load(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      const waiters = this.pending.get(key);
      if (waiters) {
        waiters.push({ resolve, reject });
        return;
      }
      this.pending.set(key, [{ resolve, reject }]);
      // After the current synchronous run (e.g. a map over a page of resources): every key asked meanwhile joins.
      if (this.pending.size === 1) queueMicrotask(() => this.dispatch());
    });
  }

  private dispatch(): void {
    const batch = this.pending;
    this.pending = new Map();
    this.loadMany([...batch.keys()]).then(
      (found) => {
        for (const [key, waiters] of batch) for (const w of waiters) w.resolve(found.has(key) ? found.get(key)! : this.missing);
      },
      (err: unknown) => {
        for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
      },
    );
  }
}

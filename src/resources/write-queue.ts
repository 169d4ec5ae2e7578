// Writes to one resource from this process run one after another. Compare-and-set alone keeps
// every update (compare-and-set.ts), but under contention each lost race costs a re-read and a
// recomputation, and with a database a few round trips away most attempts lose: ten clients
// PATCHing one group on PostgreSQL ran out of retries. Queued here, writes race only with other
// instances, which the compare-and-set and its backoff absorb.
export class WriteQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `task` once every earlier task for `key` has settled; returns its result. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    const result = previous ? previous.then(task) : task();
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    // The last task for a key removes its entry, so the map holds only resources being written.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

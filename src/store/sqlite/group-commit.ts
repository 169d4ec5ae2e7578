// Group commit: the writes that arrive while the event loop is busy share one transaction, so one
// fsync (synchronous=FULL) makes all of them durable. A commit is the cost of a SQLite write, and
// better-sqlite3 runs it on the event loop, so one fsync per write capped the create rate at
// about one write per fsync however many clients were waiting.
//
// Each write still stands alone: it runs in a savepoint of its own, so one that throws (409, 412,
// a missing member) is rolled back without touching the others, and its promise rejects. Every
// promise settles only after COMMIT returned, so a write is acknowledged only once it is durable;
// if BEGIN or COMMIT fails, nothing of the batch was written and every write in it rejects.
//
// A write names the resource it changes. Reading that resource while the write waits commits the
// batch first (see `settle`): a read-modify-write (PUT, PATCH) must start from the latest version,
// or every other request on a busy resource would lose its compare-and-set and retry.
import type Database from 'better-sqlite3';

interface Pending {
  readonly fn: () => unknown;
  readonly key: string | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: unknown) => void;
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly err: unknown };

export class GroupCommit {
  private queue: Pending[] = [];
  /** Keys of the queued writes, with how many of each. */
  private readonly keys = new Map<string, number>();

  /** `maxBatch` bounds how long one commit can hold the event loop. */
  constructor(
    private readonly db: Database.Database,
    private readonly maxBatch = 256,
  ) {}

  /**
   * Runs `fn` inside the next commit; resolves with its result once that commit is durable. `key`
   * names what it changes (a resource id), for `settle`.
   */
  run<T>(fn: () => T, key?: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, key, resolve: resolve as (value: unknown) => void, reject });
      if (key !== undefined) this.keys.set(key, (this.keys.get(key) ?? 0) + 1);
      // After the I/O callbacks of this loop turn: every write that arrived meanwhile joins.
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  /** Before reading `key`: commits now if a queued write changes it. */
  settle(key: string): void {
    if (this.keys.has(key)) this.drain();
  }

  /** Commits every queued write now (before the database closes, or for `settle`). */
  drain(): void {
    while (this.queue.length > 0) this.flush();
  }

  private flush(): void {
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return; // drained already
    if (this.queue.length > 0) setImmediate(() => this.flush());
    for (const w of batch) {
      if (w.key === undefined) continue;
      const n = this.keys.get(w.key)! - 1;
      if (n === 0) this.keys.delete(w.key);
      else this.keys.set(w.key, n);
    }
    const outcomes: Outcome[] = [];
    try {
      this.db
        .transaction(() => {
          for (const w of batch) {
            try {
              // A nested better-sqlite3 transaction is a savepoint: a throw rolls back this write only.
              outcomes.push({ ok: true, value: this.db.transaction(w.fn)() });
            } catch (err) {
              outcomes.push({ ok: false, err });
            }
          }
        })
        .immediate();
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    batch.forEach((w, i) => {
      const o = outcomes[i]!;
      if (o.ok) w.resolve(o.value);
      else w.reject(o.err);
    });
  }
}

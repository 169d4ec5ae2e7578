// The pool and the two ways the store talks to PostgreSQL: one statement on any connection, or a
// transaction on one connection (run again on a serialization failure or deadlock). Both wait
// for the schema, and turn database errors into SCIM errors (errors.ts).
import pg from 'pg';
import type { ResourceData } from '../store.ts';
import { isRetryable, mapError } from './errors.ts';
import { migrate, type IndexDef } from './schema.ts';

export type Client = pg.PoolClient | pg.Pool;

export class Connection {
  private readonly pool: pg.Pool;
  private starting: Promise<void> | undefined;

  constructor(
    connectionString: string,
    poolSize: number,
    private readonly indexes: ReadonlyMap<string, IndexDef>,
  ) {
    this.pool = new pg.Pool({
      connectionString,
      max: poolSize,
      // An unreachable database fails a request (and the readiness probe) instead of hanging it.
      connectionTimeoutMillis: 10_000,
    });
    // An idle connection that breaks must not crash the process; the next query reports it.
    this.pool.on('error', () => {});
    this.ready().catch(() => {}); // start now; a failure is reported by the calls that wait
  }

  /** Connects and migrates once; after a failure (database down) the next call tries again. */
  ready(): Promise<void> {
    this.starting ??= this.pool
      .connect()
      .then(async (client) => {
        try {
          await migrate(client, [...this.indexes.values()]);
        } finally {
          client.release();
        }
      })
      .catch((err: unknown) => {
        this.starting = undefined;
        throw err;
      });
    return this.starting;
  }

  /** One statement (or a few that need no atomicity) on any pooled connection. */
  async run<T>(data: ResourceData | undefined, fn: (c: Client) => Promise<T>): Promise<T> {
    await this.ready();
    try {
      return await fn(this.pool);
    } catch (err) {
      throw mapError(err, this.indexes, data);
    }
  }

  /** A transaction on one connection; `data` names the resource written, for error messages. */
  async transaction<T>(data: ResourceData | undefined, fn: (c: Client) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    await this.ready();
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      try {
        await client.query(begin);
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        if (isRetryable(err) && attempt < 3) continue;
        throw mapError(err, this.indexes, data);
      } finally {
        client.release();
      }
    }
  }

  async close(): Promise<void> {
    if (this.pool.ended || this.pool.ending) return; // closing twice is harmless, as for the other stores
    await this.starting?.catch(() => {});
    await this.pool.end();
  }
}

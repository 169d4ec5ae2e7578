// Prepared statements, compiled once per SQL text. better-sqlite3's prepare() parses and plans
// the SQL every time it is called, which on the hot path (get, isMember, replace) cost more than
// running the statement. Filter-generated SQL varies, so the cache is bounded: the oldest entry
// goes when it is full.
import type Database from 'better-sqlite3';

export type Prepare = (sql: string) => Database.Statement;

export function cachedPrepare(db: Database.Database, max = 256): Prepare {
  const cache = new Map<string, Database.Statement>();
  return (sql) => {
    let stmt = cache.get(sql);
    if (!stmt) {
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      stmt = db.prepare(sql);
      cache.set(sql, stmt);
    }
    return stmt;
  };
}

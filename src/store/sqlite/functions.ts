// SQL functions every connection registers before it runs a query: the JavaScript definitions of
// case folding and of xsd:dateTime instants, so SQL and the memory store agree on every value.
// They are used in queries only, never in the schema, so the file stays readable by any SQLite.
import type Database from 'better-sqlite3';
import { parseInstant } from '../../filter/index.ts';

export function registerFunctions(db: Database.Database): void {
  const options = { deterministic: true, varargs: false } as const;
  db.function('scim_fold', options, (text: unknown) => (typeof text === 'string' ? text.toLowerCase() : null));
  db.function('scim_instant', options, (text: unknown) => (typeof text === 'string' ? (parseInstant(text) ?? null) : null));
}

// The SQL dialect for SQLite: JSON through json_type/json_extract/json_each on the TEXT `data`
// column, and two functions registered by this process (functions.ts) so that case folding and
// dateTime parsing are the JavaScript ones the memory store uses, not SQLite's ASCII-only lower().
import type { SqlDialect, TextOp } from '../sql/dialect.ts';
import { schemaName } from '../sql/names.ts';

/** A JSON value: the document expression and an SQL expression yielding its JSON path. */
export interface SqliteRef {
  readonly doc: string;
  readonly path: string;
  /** The path's text when it is known now (then `path` is its literal). */
  readonly known?: string;
}

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

function at(ref: SqliteRef): string {
  return `${ref.doc}, ${ref.path}`;
}

function element(ref: SqliteRef, alias: string): SqliteRef {
  return { doc: ref.doc, path: `(${ref.path} || '[' || ${alias}.key || ']')` };
}

const TEXT_OPS: Record<TextOp, (a: string, b: string) => string> = {
  eq: (a, b) => `(${a} = ${b})`,
  co: (a, b) => `(instr(${a}, ${b}) > 0)`,
  sw: (a, b) => `(substr(${a}, 1, length(${b})) = ${b})`,
  // substr(x, -0) is all of x, so the empty suffix is its own case.
  ew: (a, b) => `(length(${b}) = 0 OR substr(${a}, -length(${b})) = ${b})`,
  // The default BINARY collation compares UTF-8 bytes: code point order.
  gt: (a, b) => `(${a} > ${b})`,
  ge: (a, b) => `(${a} >= ${b})`,
  lt: (a, b) => `(${a} < ${b})`,
  le: (a, b) => `(${a} <= ${b})`,
};

export const sqliteDialect: SqlDialect<SqliteRef> = {
  doc: (alias) => ({ doc: `${alias}.data`, path: `'$'`, known: '$' }),
  child(ref, key) {
    const step = `."${schemaName(key)}"`;
    if (ref.known !== undefined) return { doc: ref.doc, path: quote(ref.known + step), known: ref.known + step };
    return { doc: ref.doc, path: `(${ref.path} || ${quote(step)})` };
  },
  // LIMIT 1 changes nothing for EXISTS, but it keeps SQLite (3.51) from running the EXISTS as a
  // join, which then miscounts OFFSET: a page would start one matching row too early.
  existsQuery: (subquery) => `(EXISTS (${subquery} LIMIT 1))`,
  someElement: (ref, alias, test) =>
    `(json_type(${at(ref)}) = 'array' AND ${sqliteDialect.existsQuery(`SELECT 1 FROM json_each(${at(ref)}) AS ${alias} WHERE ${test(element(ref, alias))}`)})`,
  primaryOrFirst(ref, alias) {
    // SQLite refuses outer columns in a subquery's ORDER BY, so `primary` is read from the element.
    const primary = `CASE WHEN ${alias}.type = 'object' THEN json_type(${alias}.value, '$."primary"') = 'true' END`;
    const path =
      `(SELECT ${element(ref, alias).path} FROM json_each(${at(ref)}) AS ${alias} ` +
      `WHERE json_type(${at(ref)}) = 'array' ORDER BY coalesce(${primary}, 0) DESC, ${alias}.key LIMIT 1)`;
    return { doc: ref.doc, path };
  },
  has: (ref) => `(json_type(${at(ref)}) IS NOT NULL)`,
  exists: (ref) => `(coalesce(json_type(${at(ref)}), 'null') <> 'null')`,
  isObject: (ref) => `(json_type(${at(ref)}) = 'object')`,
  isString: (ref) => `(json_type(${at(ref)}) = 'text')`,
  text: (ref) => `json_extract(${at(ref)})`,
  number: (ref) => `(CASE WHEN json_type(${at(ref)}) IN ('integer', 'real') THEN json_extract(${at(ref)}) END)`,
  isBoolean: (ref, value) => `(json_type(${at(ref)}) = '${value}')`,
  fold: (text) => `scim_fold(${text})`,
  foldedParam: (literal, add) => add(literal.toLowerCase(), 'text'),
  textOp: (op, a, b) => TEXT_OPS[op](a, b),
  orderText: (text) => text,
  instant: (text) => `scim_instant(${text})`,
  placeholder: (index) => `@p${index}`,
  // A bound LIMIT or OFFSET made each run of a page statement cost ~20 µs more (SQLite 3.51, about
  // as much as preparing it again): more than the whole indexed lookup it limits.
  literalPaging: true,
};

// The SQL dialect for PostgreSQL: JSONB operators on the `data` column. Case folding is lower()
// under the database's LC_CTYPE; text order comparisons are COLLATE "C" (code point order), not
// the database's linguistic collation, so they agree with the memory store.
// Indexes are used through the store's index hint (keys.ts), not through these expressions.
import type { ParamType, SqlDialect, TextOp } from '../sql/dialect.ts';
import { literal } from '../sql/names.ts';

/** A JSONB expression, and when it is a member access, the same member as text (`->>`). */
export interface PgRef {
  readonly json: string;
  readonly text?: string;
}

const CAST: Record<ParamType, string> = { text: 'text', number: 'double precision', integer: 'bigint', texts: 'text[]' };

const TEXT_OPS: Record<TextOp, (a: string, b: string) => string> = {
  eq: (a, b) => `(${a} = ${b})`,
  co: (a, b) => `(strpos(${a}, ${b}) > 0)`,
  sw: (a, b) => `starts_with(${a}, ${b})`,
  ew: (a, b) => `(right(${a}, length(${b})) = ${b})`,
  gt: (a, b) => `(${c(a)} > ${b})`,
  ge: (a, b) => `(${c(a)} >= ${b})`,
  lt: (a, b) => `(${c(a)} < ${b})`,
  le: (a, b) => `(${c(a)} <= ${b})`,
};

function c(text: string): string {
  return `(${text}) COLLATE "C"`;
}

/** The array at `ref`, or NULL (which jsonb_array_elements turns into no rows). */
function array(ref: PgRef): string {
  return `CASE WHEN jsonb_typeof(${ref.json}) = 'array' THEN ${ref.json} END`;
}

export const pgDialect: SqlDialect<PgRef> = {
  doc: (alias) => ({ json: alias ? `${alias}.data` : 'data' }),
  child: (ref, key) => ({ json: `(${ref.json} -> ${literal(key)})`, text: `(${ref.json} ->> ${literal(key)})` }),
  existsQuery: (subquery) => `(EXISTS (${subquery}))`,
  someElement: (ref, alias, test) =>
    `(EXISTS (SELECT 1 FROM jsonb_array_elements(${array(ref)}) AS ${alias} (v) WHERE ${test({ json: `${alias}.v` })}))`,
  primaryOrFirst: (ref, alias) => ({
    json:
      `(SELECT ${alias}.v FROM jsonb_array_elements(${array(ref)}) WITH ORDINALITY AS ${alias} (v, i) ` +
      `ORDER BY coalesce(${alias}.v -> 'primary' = 'true'::jsonb, false) DESC, ${alias}.i LIMIT 1)`,
  }),
  has: (ref) => `(${ref.json} IS NOT NULL)`,
  exists: (ref) => `(coalesce(jsonb_typeof(${ref.json}), 'null') <> 'null')`,
  isObject: (ref) => `(jsonb_typeof(${ref.json}) = 'object')`,
  isString: (ref) => `(jsonb_typeof(${ref.json}) = 'string')`,
  text: (ref) => ref.text ?? `(${ref.json} #>> '{}')`,
  number: (ref) => `(CASE WHEN jsonb_typeof(${ref.json}) = 'number' THEN (${ref.json})::double precision END)`,
  isBoolean: (ref, value) => `(${ref.json} = '${value}'::jsonb)`,
  fold: (text) => `lower(${text})`,
  foldedParam: (lit, add) => `lower(${add(lit, 'text')})`,
  textOp: (op, a, b) => TEXT_OPS[op](a, b),
  orderText: c,
  instant: (text) => `scim_instant(${text})`,
  placeholder: (index, type) => `$${index}::${CAST[type]}`,
};

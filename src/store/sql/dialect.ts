// What the shared SQL compiler needs from a database: how to reach into a JSON document, how to
// fold and compare text, and how to write a parameter. The compiler (filter.ts, sort.ts) owns the
// SCIM semantics; a dialect only spells them. `R` is the dialect's handle on one JSON value.
//
// Every fragment a dialect returns is parenthesised, so the compiler can combine them freely.
// Predicates may be NULL where they are "unknown"; the compiler only negates through
// `NOT coalesce(x, FALSE)`, so NULL always behaves as false, as a missing value does in JS.

export type TextOp = 'eq' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type ParamType = 'text' | 'number' | 'integer' | 'texts';

export interface SqlDialect<R> {
  /** The `data` document of the row aliased `alias`. */
  doc(alias: string): R;
  /** Member `key` of an object (missing when `ref` is not an object or lacks it). */
  child(ref: R, key: string): R;
  /** `EXISTS (subquery)`, in the form this database evaluates correctly (see the SQLite dialect). */
  existsQuery(subquery: string): string;
  /** True when some element of the array at `ref` satisfies `test`; false when it is not an array. */
  someElement(ref: R, alias: string, test: (element: R) => string): string;
  /** The element sorting reads (RFC 7644 §3.4.2.3): the first with `primary` true, else the first. */
  primaryOrFirst(ref: R, alias: string): R;
  /** The key is there, even holding JSON null (JS `!== undefined`). */
  has(ref: R): string;
  /** A value other than JSON null is there. */
  exists(ref: R): string;
  isObject(ref: R): string;
  isString(ref: R): string;
  /** The text of a JSON string (unspecified for other JSON types: guard with isString). */
  text(ref: R): string;
  /** The number when `ref` is a JSON number, else NULL. */
  number(ref: R): string;
  isBoolean(ref: R, value: boolean): string;
  /** Folds text for attributes that are not caseExact, as `String.prototype.toLowerCase` does. */
  fold(text: string): string;
  /** A text literal folded the same way, as a parameter. */
  foldedParam(literal: string, add: AddParam): string;
  /** A text operator; order comparisons are by code point whatever the database's collation. */
  textOp(op: TextOp, a: string, b: string): string;
  /** Text as ORDER BY and range comparisons must see it (binary, code point order). */
  orderText(text: string): string;
  /** xsd:dateTime text to epoch milliseconds (NULL when it is not one), as filter/instant.ts does. */
  instant(text: string): string;
  /** The placeholder of parameter number `index` (1-based). */
  placeholder(index: number, type: ParamType): string;
  /**
   * Whether LIMIT and OFFSET are written as literals (integers the server computed, never client
   * text) rather than parameters: see the SQLite dialect.
   */
  readonly literalPaging?: boolean;
}

/** Adds a parameter value and returns its placeholder. */
export type AddParam = (value: unknown, type: ParamType) => string;

/** Collects parameter values in order; placeholders are numbered so a fragment may be reused. */
export class Params {
  readonly values: unknown[] = [];

  constructor(private readonly dialect: Pick<SqlDialect<unknown>, 'placeholder'>) {}

  readonly add: AddParam = (value, type) => {
    this.values.push(value);
    return this.dialect.placeholder(this.values.length, type);
  };
}

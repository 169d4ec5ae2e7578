// One comparator per SCIM attribute type (RFC 7643 §2.3). A comparator checks, once at compile
// time, that the operator and literal make sense for the type, and returns a test for one stored
// value. "The actual comparison is dependent on the attribute type" (RFC 7644 §3.4.2.2, Table 3).
//
// Decisions:
// - `ne` never reaches a comparator: the evaluator treats it as "not eq" (see evaluate.ts).
// - gt/ge/lt/le on boolean or binary: "Boolean and Binary attributes SHALL cause a failed response
//   (HTTP status code 400) with "scimType" of "invalidFilter"" (Table 3).
// - co/sw/ew apply to string and reference attributes only. On any other type they would depend on
//   a textual form the server does not define, so they are rejected with invalidFilter rather than
//   silently matching nothing.
// - A literal of the wrong JSON type (a string for an integer, a number for a string, ...) is
//   invalidFilter, except that "true"/"false" strings (any case) stand for booleans on boolean
//   attributes, which is what Microsoft Entra ID sends (`[primary eq "True"]`).
// - A stored value of the wrong type never matches; the data is not trusted to be well-formed.
import { ScimError } from '../errors.ts';
import type { AttributeDef, ScimType } from '../schema/attributes.ts';
import type { CompareOp } from './ast.ts';
import { parseInstant } from './instant.ts';

/** The operators a comparator implements; `ne` is derived from `eq`. */
export type PositiveOp = Exclude<CompareOp, 'ne'>;
export type Literal = string | number | boolean;
/** Tests one stored value (one element of a multi-valued attribute). */
export type ValueTest = (value: unknown) => boolean;

export interface ComparatorOptions {
  /** Accept "true"/"false" strings for boolean attributes (Entra ID). Default true. */
  readonly lenientBooleans?: boolean;
}

interface Context {
  readonly def: AttributeDef;
  /** Canonical path text (schema spelling, not client input), for error details. */
  readonly label: string;
  readonly options: ComparatorOptions;
}

type Comparator = (op: PositiveOp, literal: Literal, ctx: Context) => ValueTest;

/** Chooses and prepares the comparator for `def`'s type; throws invalidFilter for bad combinations. */
export function comparatorFor(
  def: AttributeDef,
  op: PositiveOp,
  literal: Literal,
  label: string,
  options: ComparatorOptions = {},
): ValueTest {
  return COMPARATORS[def.type](op, literal, { def, label, options });
}

type Order = (a: string, b: string) => boolean;
const STRING_OPS: Record<PositiveOp, Order> = {
  eq: (a, b) => a === b,
  co: (a, b) => a.includes(b),
  sw: (a, b) => a.startsWith(b),
  ew: (a, b) => a.endsWith(b),
  // "For string attribute types, this is a lexicographical comparison" (UTF-16 code unit order).
  gt: (a, b) => a > b,
  ge: (a, b) => a >= b,
  lt: (a, b) => a < b,
  le: (a, b) => a <= b,
};

const ORDER_OPS: Record<'eq' | 'gt' | 'ge' | 'lt' | 'le', (a: number, b: number) => boolean> = {
  eq: (a, b) => a === b,
  gt: (a, b) => a > b,
  ge: (a, b) => a >= b,
  lt: (a, b) => a < b,
  le: (a, b) => a <= b,
};

/** string and reference: case folding per "caseExact" (RFC 7644 §3.4.2.2). */
const compareString: Comparator = (op, literal, ctx) => {
  if (typeof literal !== 'string') throw mismatch(ctx, literal);
  const fold = ctx.def.caseExact ? (s: string) => s : (s: string) => s.toLowerCase();
  const wanted = fold(literal);
  const test = STRING_OPS[op];
  return (value) => typeof value === 'string' && test(fold(value), wanted);
};

const compareBoolean: Comparator = (op, literal, ctx) => {
  if (op !== 'eq') throw unsupported(ctx, op);
  let wanted = literal;
  if (typeof literal === 'string' && ctx.options.lenientBooleans !== false) {
    const lower = literal.toLowerCase();
    if (lower === 'true' || lower === 'false') wanted = lower === 'true';
  }
  if (typeof wanted !== 'boolean') throw mismatch(ctx, literal);
  return (value) => value === wanted;
};

/** integer and decimal: "a comparison by numeric value". */
const compareNumber: Comparator = (op, literal, ctx) => {
  if (!(op in ORDER_OPS)) throw unsupported(ctx, op);
  if (typeof literal !== 'number') throw mismatch(ctx, literal);
  const test = ORDER_OPS[op as keyof typeof ORDER_OPS];
  return (value) => typeof value === 'number' && test(value, literal);
};

/** dateTime: "for DateTime types, it is a chronological comparison". */
const compareDateTime: Comparator = (op, literal, ctx) => {
  if (!(op in ORDER_OPS)) throw unsupported(ctx, op);
  const wanted = typeof literal === 'string' ? parseInstant(literal) : undefined;
  if (wanted === undefined) {
    throw invalid(`${ctx.label} is a dateTime; compare it with an xsd:dateTime string such as "2011-05-13T04:42:34Z"`);
  }
  const test = ORDER_OPS[op as keyof typeof ORDER_OPS];
  return (value) => {
    const instant = typeof value === 'string' ? parseInstant(value) : undefined;
    return instant !== undefined && test(instant, wanted);
  };
};

/** binary: base64 text, so equality is exact whatever caseExact says; no ordering (Table 3). */
const compareBinary: Comparator = (op, literal, ctx) => {
  if (op !== 'eq') throw unsupported(ctx, op);
  if (typeof literal !== 'string') throw mismatch(ctx, literal);
  return (value) => value === literal;
};

/** A complex attribute reaches here only when it has no "value" sub-attribute to stand for it. */
const compareComplex: Comparator = (_op, _literal, ctx) => {
  throw invalid(`${ctx.label} is complex; name one of its sub-attributes (e.g. ${ctx.label}.subName)`);
};

const COMPARATORS: Record<ScimType, Comparator> = {
  string: compareString,
  reference: compareString,
  boolean: compareBoolean,
  integer: compareNumber,
  decimal: compareNumber,
  dateTime: compareDateTime,
  binary: compareBinary,
  complex: compareComplex,
};

function invalid(detail: string): ScimError {
  return new ScimError(400, detail, 'invalidFilter');
}

function unsupported(ctx: Context, op: PositiveOp): ScimError {
  return invalid(`Operator '${op}' cannot be used with ${ctx.label}, a ${ctx.def.type} attribute`);
}

function mismatch(ctx: Context, literal: Literal): ScimError {
  return invalid(`Cannot compare ${ctx.label}, a ${ctx.def.type} attribute, with a ${typeof literal}`);
}

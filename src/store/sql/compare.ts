// One comparison or presence test on one value, in SQL, with the semantics of
// src/filter/compare.ts and isPresent in src/filter/evaluate.ts:
// - a stored value of the wrong JSON type never matches;
// - strings fold unless caseExact; gt/ge/lt/le compare by code point;
// - dateTimes compare as instants (epoch milliseconds), booleans accept Entra's "True"/"False";
// - values known at compile time are tested by the JS comparator itself, so they cannot disagree.
import { isPresent, parseInstant, type CompareOp } from '../../filter/index.ts';
import type { AttributeDef } from '../../schema/attributes.ts';
import type { TextOp } from './dialect.ts';
import { FALSE, TRUE, subValue, type Context, type Value } from './values.ts';

export type PositiveOp = Exclude<CompareOp, 'ne'>;
type Literal = string | number | boolean;

const ORDER: Record<'eq' | 'gt' | 'ge' | 'lt' | 'le', string> = { eq: '=', gt: '>', ge: '>=', lt: '<', le: '<=' };

/**
 * `value op literal` for an attribute `def`. The caller has validated the combination (by compiling
 * the filter with the JS compiler), and passes the JS test for values known now.
 */
export function compareValue<R>(
  ctx: Context<R>,
  value: Value<R>,
  def: AttributeDef,
  op: PositiveOp,
  literal: Literal,
  test: (v: unknown) => boolean,
): string {
  const d = ctx.dialect;
  switch (value.kind) {
    case 'const':
      return test(value.value) ? TRUE : FALSE;
    case 'row':
      return FALSE; // complex: the comparator refuses those
    case 'instant':
      if (def.type === 'dateTime') return `(${value.ms} ${ORDER[op as keyof typeof ORDER]} ${instantParam(ctx, literal)})`;
      return compareText(ctx, value.text, def, op, literal);
    case 'text':
      if (def.type === 'dateTime') return `(${d.instant(value.sql)} ${ORDER[op as keyof typeof ORDER]} ${instantParam(ctx, literal)})`;
      if (def.type === 'boolean' || def.type === 'integer' || def.type === 'decimal') return FALSE;
      return compareText(ctx, value.sql, def, op, literal);
    case 'json': {
      const ref = value.ref;
      switch (def.type) {
        case 'boolean': {
          // The JS comparator decides which of true/false it accepts ("True" is true).
          const terms = [true, false].filter((b) => test(b)).map((b) => d.isBoolean(ref, b));
          return terms.length === 0 ? FALSE : `(${terms.join(' OR ')})`;
        }
        case 'integer':
        case 'decimal':
          return `(${d.number(ref)} ${ORDER[op as keyof typeof ORDER]} ${ctx.param(literal, 'number')})`;
        case 'dateTime': {
          const text = `(CASE WHEN ${d.isString(ref)} THEN ${d.text(ref)} END)`;
          return `(${d.instant(text)} ${ORDER[op as keyof typeof ORDER]} ${instantParam(ctx, literal)})`;
        }
        case 'complex':
          return FALSE;
        default:
          return `(${d.isString(ref)} AND ${compareText(ctx, d.text(ref), def, op, literal)})`;
      }
    }
  }
}

function instantParam<R>(ctx: Context<R>, literal: Literal): string {
  return ctx.param(parseInstant(String(literal)), 'number');
}

/** string and reference fold unless caseExact; binary is exact whatever caseExact says. */
function compareText<R>(ctx: Context<R>, text: string, def: AttributeDef, op: PositiveOp, literal: Literal): string {
  const d = ctx.dialect;
  const exact = def.caseExact || def.type === 'binary';
  const a = exact ? text : d.fold(text);
  const b = exact ? ctx.param(String(literal), 'text') : d.foldedParam(String(literal), ctx.param);
  return d.textOp(op as TextOp, a, b);
}

/**
 * isPresent: not absent, not null, not "", and for a complex value, some sub-attribute present.
 * Stored data is normalised against the schema, so a complex value's members are its
 * sub-attributes and nothing nests deeper.
 */
export function presentValue<R>(ctx: Context<R>, value: Value<R>, def: AttributeDef): string {
  const d = ctx.dialect;
  switch (value.kind) {
    case 'const':
      return isPresent(value.value) ? TRUE : FALSE;
    case 'text':
      return `(${value.sql} IS NOT NULL AND ${value.sql} <> '')`;
    case 'instant':
      return `(${value.text} IS NOT NULL AND ${value.text} <> '')`;
    case 'row':
    case 'json': {
      if (def.type === 'complex' && def.subAttributes) {
        const subs = def.subAttributes.map((s) => presentValue(ctx, subValue(d, value, s), s)).filter((t) => t !== FALSE);
        if (subs.length === 0) return FALSE;
        const any = `(${subs.join(' OR ')})`;
        return value.kind === 'json' ? `(${d.isObject(value.ref)} AND ${any})` : any;
      }
      if (value.kind === 'row') return FALSE;
      return `(${d.exists(value.ref)} AND NOT coalesce(${d.isString(value.ref)} AND ${d.text(value.ref)} = '', FALSE))`;
    }
  }
}

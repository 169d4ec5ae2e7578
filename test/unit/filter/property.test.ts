// Property tests (fixed seed, bounded runs): hostile input only ever yields an invalidFilter
// ScimError, and printing is the inverse of parsing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScimError } from '../../../src/errors.ts';
import type { AttrPath } from '../../../src/schema/paths.ts';
import { COMPARE_OPS, type Filter } from '../../../src/filter/ast.ts';
import { compileFilter } from '../../../src/filter/evaluate.ts';
import { parseAttrPath, parseFilter } from '../../../src/filter/parser.ts';
import { printFilter } from '../../../src/filter/print.ts';
import { ENTERPRISE, USER, USERS } from './fixtures.ts';

const RUNS = { seed: 42, numRuns: 500 };

/**
 * Parses, compiles and evaluates; anything thrown must be a 400 invalidFilter ScimError.
 * Returns whether the text compiled.
 */
function exercise(text: string): boolean {
  try {
    const ast = parseFilter(text);
    expect(parseFilter(printFilter(ast))).toStrictEqual(ast);
    const predicate = compileFilter(ast, USER);
    for (const user of Object.values(USERS)) expect(typeof predicate(user)).toBe('boolean');
    return true;
  } catch (error) {
    if (!(error instanceof ScimError)) throw error;
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail.length).toBeLessThan(200);
    return false;
  }
}

const VALID = [
  'userName eq "bjensen"',
  'name.familyName co "O\'Malley"',
  `${ENTERPRISE}:manager.value eq "26118915"`,
  'meta.lastModified gt "2011-05-13T04:42:34Z"',
  'title pr and userType eq "Employee"',
  'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
  'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
  'active eq true and emails[primary EQ "True"]',
  `${ENTERPRISE}:loginCount ge 10 and x509Certificates.value eq "MII="`,
];

const SNIPPETS = ['(', ')', '[', ']', '"', '\\', ' ', '.', ':', 'not', 'and', 'or', 'pr', 'eq', 'gt', 'co', 'null', 'true',
  '1', '-', '1e9', '"x"', '"\\u12"', 'urn:', 'emails', 'value', 'userName', 'active', 'meta.created', `${ENTERPRISE}:`, '\u0000', '😀', '\uD800'];

const snippetSoup = fc.array(fc.constantFrom(...SNIPPETS), { maxLength: 30 }).map((parts) => parts.join(''));
const snippetSoupSpaced = fc.array(fc.constantFrom(...SNIPPETS), { maxLength: 30 }).map((parts) => parts.join(' '));

type Mutation = { at: number; kind: 'delete' | 'insert' | 'replace' | 'duplicate'; text: string; length: number };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('delete', 'insert', 'replace', 'duplicate'),
  text: fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 })),
  length: fc.integer({ min: 1, max: 6 }),
});

function mutate(text: string, m: Mutation): string {
  const at = m.at % (text.length + 1);
  switch (m.kind) {
    case 'delete':
      return text.slice(0, at) + text.slice(at + m.length);
    case 'insert':
      return text.slice(0, at) + m.text + text.slice(at);
    case 'replace':
      return text.slice(0, at) + m.text + text.slice(at + m.length);
    case 'duplicate':
      return text.slice(0, at + m.length) + text.slice(at);
  }
}

describe('hostile input never throws anything but invalidFilter', () => {
  it('random strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => void exercise(text)), RUNS);
  });

  it('random token soups', () => {
    fc.assert(fc.property(fc.oneof(snippetSoup, snippetSoupSpaced), (text) => void exercise(text)), RUNS);
  });

  it('random mutations of valid filters', () => {
    const mutated = fc
      .tuple(fc.constantFrom(...VALID), fc.array(mutation, { minLength: 1, maxLength: 4 }))
      .map(([text, mutations]) => mutations.reduce(mutate, text));
    fc.assert(fc.property(mutated, (text) => void exercise(text)), RUNS);
  });
});

// ---- random syntax trees ----
const attrName = fc.stringMatching(/^\$?[A-Za-z][A-Za-z0-9_-]{0,6}$/);
const urn = fc
  .array(fc.stringMatching(/^[A-Za-z0-9_.-]{1,5}$/), { minLength: 1, maxLength: 4 })
  .map((segments) => `urn:${segments.join(':')}`);
const fullPath: fc.Arbitrary<AttrPath> = fc
  .record({ urn: fc.option(fc.oneof(urn, fc.constant(ENTERPRISE)), { nil: undefined }), attr: attrName, sub: fc.option(attrName, { nil: undefined }) })
  .map(({ urn, attr, sub }) => ({ ...(urn === undefined ? {} : { urn }), attr, ...(sub === undefined ? {} : { sub }) }));
const barePath: fc.Arbitrary<AttrPath> = attrName.map((attr) => ({ attr }));
const compValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);

// fc.record builds null-prototype objects; the parser builds plain ones, and toStrictEqual compares prototypes.
const record = <T extends object>(shape: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> =>
  fc.record(shape).map((value) => ({ ...value }) as T);

interface TreeShape {
  readonly path: fc.Arbitrary<AttrPath>;
  readonly innerPath: fc.Arbitrary<AttrPath>;
  readonly valuePathPath: fc.Arbitrary<AttrPath>;
  readonly value: fc.Arbitrary<string | number | boolean | null>;
}

const SYNTAX: TreeShape = { path: fullPath, innerPath: barePath, valuePathPath: barePath, value: compValue };

/** Random trees; inside a value path only bare names and no further value paths, as the parser requires. */
function filterArbitrary(shape: TreeShape, inner = false): fc.Arbitrary<Filter> {
  const path = inner ? shape.innerPath : shape.path;
  return fc.letrec<{ filter: Filter }>((tie) => {
    const leaf = fc.oneof(
      record({ kind: fc.constant('compare' as const), path, op: fc.constantFrom(...COMPARE_OPS), value: shape.value }),
      record({ kind: fc.constant('present' as const), path }),
    );
    const branches: fc.Arbitrary<Filter>[] = [
      leaf,
      record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('filter'), right: tie('filter') }),
      record({ kind: fc.constant('not' as const), filter: tie('filter') }),
    ];
    if (!inner) {
      branches.push(record({ kind: fc.constant('valuePath' as const), path: shape.valuePathPath, filter: filterArbitrary(shape, true) }));
    }
    return { filter: fc.oneof({ depthSize: 'small', withCrossShrink: true }, ...branches) };
  }).filter;
}

// Trees over the User fixture: mostly known attributes of every type, a few unknown ones, and
// literals of every JSON type, so compile-time checks and evaluation are both exercised.
const USER_SHAPE: TreeShape = {
  path: fc.constantFrom(
    ...['userName', 'title', 'active', 'emails', 'emails.value', 'emails.primary', 'name', 'name.givenName',
      'meta.lastModified', 'meta.created', 'id', 'x509Certificates.value', 'schemas', 'nope', 'name.nope',
      `${ENTERPRISE}:loginCount`, `${ENTERPRISE}:score`, `${ENTERPRISE}:manager`, `${ENTERPRISE}:manager.displayName`]
      .map((text) => parseAttrPath(text)),
  ),
  innerPath: fc.constantFrom('value', 'type', 'primary', 'display', 'displayName', 'givenName', 'nope').map((attr) => ({ attr })),
  valuePathPath: fc.constantFrom('emails', 'ims', 'name', `${ENTERPRISE}:manager`, 'userName').map((text) => parseAttrPath(text)),
  value: fc.oneof(
    fc.constantFrom('bjensen', 'True', 'false', 'work', '@example.com', '2011-05-13T04:42:34Z', '2011-05-13', 'MIIDQzCC', ''),
    fc.string({ maxLength: 4 }),
    fc.integer({ min: -2, max: 50 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  ),
};

describe('random trees over the User schema', () => {
  it('compile or fail with invalidFilter, and evaluate without throwing', () => {
    let compiled = 0;
    fc.assert(
      fc.property(filterArbitrary(USER_SHAPE), (ast) => {
        if (exercise(printFilter(ast))) compiled++;
      }),
      RUNS,
    );
    expect(compiled).toBeGreaterThan(50);
  });

  it('evaluate "not (f)" as the negation of f and "ne" as the negation of "eq"', () => {
    const compileOrUndefined = (f: Filter) => {
      try {
        return compileFilter(f, USER);
      } catch (error) {
        if (error instanceof ScimError) return undefined;
        throw error;
      }
    };
    fc.assert(
      fc.property(filterArbitrary(USER_SHAPE), (ast) => {
        const positive = compileOrUndefined(ast);
        if (!positive) return;
        const negated = compileFilter({ kind: 'not', filter: ast }, USER);
        for (const user of Object.values(USERS)) expect(negated(user)).toBe(!positive(user));
      }),
      RUNS,
    );
    const eqTerm = record({ kind: fc.constant('compare' as const), path: USER_SHAPE.path, op: fc.constant('eq' as const), value: USER_SHAPE.value });
    let compiled = 0;
    fc.assert(
      fc.property(eqTerm, (term) => {
        const eq = compileOrUndefined(term);
        if (!eq) return;
        compiled++;
        const ne = compileFilter({ ...term, op: 'ne' }, USER);
        for (const user of Object.values(USERS)) expect(ne(user)).toBe(!eq(user));
      }),
      RUNS,
    );
    expect(compiled).toBeGreaterThan(50); // the property really ran on compilable terms
  });
});

describe('printing is the inverse of parsing', () => {
  it('parse(print(ast)) deep-equals ast for random trees', () => {
    const options = { maxDepth: 10_000, maxLength: Infinity };
    fc.assert(
      fc.property(filterArbitrary(SYNTAX), (ast) => {
        expect(parseFilter(printFilter(ast), options)).toStrictEqual(ast);
      }),
      RUNS,
    );
  });

  it('print(parse(text)) is a fixed point', () => {
    fc.assert(
      fc.property(filterArbitrary(SYNTAX), (ast) => {
        const text = printFilter(ast);
        const options = { maxDepth: 10_000, maxLength: Infinity };
        expect(printFilter(parseFilter(text, options))).toBe(text);
      }),
      RUNS,
    );
  });
});

// The filter language of RFC 7644 §3.4.2.2: parse, print, compile to a predicate, and pick an
// index term. Import from here; the individual modules are internal layout.
export * from './ast.ts';
export { parseAttrPath, parseFilter, parsePatchPath, MAX_FILTER_DEPTH, MAX_FILTER_LENGTH } from './parser.ts';
export type { ParseOptions, PatchPath } from './parser.ts';
export { printAttrPath, printFilter, printValue } from './print.ts';
export { compileElementFilter, compileFilter, isPresent, matchesFilter } from './evaluate.ts';
export type { CompileOptions, Predicate } from './evaluate.ts';
export { indexableEquality } from './indexable.ts';
export type { IndexableEquality } from './indexable.ts';
export { lookupPath, resolveFilterPath, resolveTarget, resolveValuePathParent, SCHEMAS_ATTRIBUTE } from './resolve.ts';
export type { Scope, Target } from './resolve.ts';
export { comparatorFor } from './compare.ts';
export { parseInstant } from './instant.ts';
export { tokenize } from './lexer.ts';
export type { Token, TokenKind } from './lexer.ts';

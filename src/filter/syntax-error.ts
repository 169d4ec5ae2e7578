// Syntax errors of filters and paths. Positions are reported 1-based (the first character of the
// input is position 1) so they read naturally in an error body; internally offsets are 0-based.
// The detail only ever quotes a short excerpt of the input (src/errors.ts), never the whole text.
import { ScimError, excerpt } from '../errors.ts';

/** invalidFilter for `filter=` (RFC 7644 §3.4.2.2); invalidPath when a PATCH path is parsed (§3.5.2). */
export type SyntaxScimType = 'invalidFilter' | 'invalidPath';

export function syntaxError(
  input: string,
  offset: number,
  message: string,
  scimType: SyntaxScimType,
): ScimError {
  const near = offset >= input.length ? 'end of input' : `'${excerpt(input.slice(offset, offset + 21), 20)}'`;
  return new ScimError(400, `${message} at position ${offset + 1} (near ${near})`, scimType);
}

// The one error type every layer throws. It becomes an RFC 7644 §3.12 error body in exactly one
// place (src/http/errors.ts), so no layer below HTTP needs to know how errors are rendered.

/** scimType values defined by RFC 7644 §3.12 (Table 9), plus RFC 9865's cursor errors. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  | 'invalidCursor'
  | 'expiredCursor';

export class ScimError extends Error {
  readonly status: number;
  readonly scimType: ScimType | undefined;
  /** Extra response headers the error needs (WWW-Authenticate on 401, Retry-After on 429). */
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(status: number, detail: string, scimType?: ScimType, headers?: Record<string, string>) {
    super(detail);
    this.name = 'ScimError';
    this.status = status;
    this.scimType = scimType;
    this.headers = headers;
  }

  get detail(): string {
    return this.message;
  }

  static badRequest(scimType: ScimType, detail: string): ScimError {
    return new ScimError(400, detail, scimType);
  }

  static notFound(detail: string): ScimError {
    return new ScimError(404, detail);
  }
}

/** A short, safe excerpt of client input for error details: never echo a whole (possibly huge) value. */
export function excerpt(input: string, max = 40): string {
  const clean = input.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length <= max ? clean : `${clean.slice(0, max)}…`;
}

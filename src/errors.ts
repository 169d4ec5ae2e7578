// The one error type every layer throws, and its RFC 7644 §3.12 body (errorBody). Only
// src/http/errors.ts turns it into a response; Bulk embeds the body in its per-operation answers.

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

export const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The RFC 7644 §3.12 body of an error: `status` as a string, scimType when there is one. */
export function errorBody(err: ScimError): Record<string, unknown> {
  return {
    schemas: [ERROR_URN],
    status: String(err.status),
    ...(err.scimType ? { scimType: err.scimType } : {}),
    detail: err.detail,
  };
}

/** Any thrown value as a ScimError; unknown errors become an opaque 500. */
export function toScimError(err: unknown): ScimError {
  if (err instanceof ScimError) return err;
  return new ScimError(500, 'Internal server error');
}

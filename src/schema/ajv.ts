// The one Ajv configuration used for the contract: JSON Schema 2020-12 (OpenAPI 3.1's dialect)
// with formats on. openapi-backend's default (draft-07, no formats) would not check date-time or uri.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export function createAjv(options: { coerceTypes?: boolean } = {}): Ajv2020 {
  const ajv = new Ajv2020({
    strict: false, // the contract carries OpenAPI keywords (example, x-scim...) Ajv does not know
    allErrors: false, // stop at the first error: bounded work on hostile bodies
    coerceTypes: options.coerceTypes ?? false,
    validateFormats: true,
  });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  return ajv;
}

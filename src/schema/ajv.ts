// The one Ajv configuration used for the contract: JSON Schema 2020-12 (OpenAPI 3.1's dialect)
// with formats on. openapi-backend's default (draft-07, no formats) would not check date-time or uri.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

function createAjv(coerceTypes: boolean): Ajv2020 {
  const ajv = new Ajv2020({
    strict: false, // the contract carries OpenAPI keywords (example, x-scim...) Ajv does not know
    allErrors: false, // stop at the first error: bounded work on hostile bodies
    coerceTypes,
    validateFormats: true,
  });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  return ajv;
}

// One instance per option set, shared: each new instance compiles the 2020-12 meta-schema again
// (about 100 ms), which made start-up take seconds when openapi-backend asked for one per operation.
const instances = new Map<boolean, Ajv2020>();

export function sharedAjv(options: { coerceTypes?: boolean } = {}): Ajv2020 {
  const coerce = options.coerceTypes ?? false;
  let ajv = instances.get(coerce);
  if (!ajv) instances.set(coerce, (ajv = createAjv(coerce)));
  return ajv;
}

// Validation of resource bodies against the contract for callers that do not come through HTTP
// (the library API). HTTP requests are validated by openapi-backend with the same Ajv setup.
import type { ValidateFunction } from 'ajv';
import type { JsonObject } from '../contract/load.ts';
import { ajvErrorToScim } from './ajv-errors.ts';
import { sharedAjv } from './ajv.ts';
import type { ResourceTypeDef } from './attributes.ts';
import { normalizeResource, type ScimObject } from './normalize.ts';

/** A resource body that has been normalised and validated against the contract. */
export type ValidResource = ScimObject & { readonly __valid: unique symbol };

export type ResourceValidator = (body: unknown) => ValidResource;

/** Compiles `components.schemas.<Type>Request` once; the returned function normalises then validates. */
export function compileResourceValidator(contract: JsonObject, rt: ResourceTypeDef): ResourceValidator {
  const schemas = (contract.components as JsonObject).schemas as JsonObject;
  const schema = schemas[`${rt.name}Request`] ?? schemas[rt.name];
  // Compiled on first use: compiling at start-up cost a noticeable share of ScimServer.create.
  let validate: ValidateFunction | undefined;
  return (body) => {
    const normalized = normalizeResource(rt, body);
    validate ??= sharedAjv().compile(schema as object);
    if (!validate(normalized)) throw ajvErrorToScim(validate.errors);
    return normalized as ValidResource;
  };
}

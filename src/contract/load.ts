// Loads the OpenAPI contract once at start-up. Two views of it are needed:
// - `bundled`: one self-contained document (internal $refs only) served at /openapi.json;
// - `dereferenced`: every $ref inlined, without examples, for the router, the validator and the
//   schema registry.
import { bundle, dereference } from '@apidevtools/json-schema-ref-parser';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// From source (src/contract/) the contract is two levels up; from the built package
// (dist/src/contract/) three. Both resolve to the package's own openapi/ folder.
export const CONTRACT_PATH = ['../../openapi/scim.yaml', '../../../openapi/scim.yaml']
  .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
  .find((path) => existsSync(path))!;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Contract {
  readonly bundled: JsonObject;
  readonly dereferenced: JsonObject;
}

// SCIM's own `$ref` attribute (group members, manager) appears as a plain string in examples; it
// is data, not a JSON Reference, so example subtrees are never resolved.
const isExample = (path: string) => /\/examples?(\/|$)/.test(path);
const refOptions = {
  resolve: { http: false },
  resolveExcludedPathMatcher: isExample,
  bundle: { excludedPathMatcher: isExample },
  dereference: { excludedPathMatcher: isExample },
} as const;

let cached: Promise<Contract> | undefined;

/** The contract, loaded and resolved once per process. */
export function loadContract(): Promise<Contract> {
  cached ??= (async () => {
    const bundled = (await bundle(CONTRACT_PATH, refOptions as never)) as unknown as JsonObject;
    const withoutExamples = stripExamples(structuredClone(bundled)) as JsonObject;
    const dereferenced = (await dereference(withoutExamples, refOptions as never)) as unknown as JsonObject;
    return { bundled, dereferenced };
  })();
  return cached;
}

function stripExamples(node: Json): Json {
  if (Array.isArray(node)) {
    for (const item of node) stripExamples(item);
  } else if (node && typeof node === 'object') {
    delete node.examples;
    delete node.example;
    for (const value of Object.values(node)) stripExamples(value);
  }
  return node;
}

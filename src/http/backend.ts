// openapi-backend wiring: the contract is the router. Every request is matched to an operationId,
// normalised (attribute-name case, nulls), validated by Ajv against the contract, and dispatched
// to the handler of that operationId.
import { OpenAPIBackend, type Context, type Document, type Request as BackendRequest } from 'openapi-backend';
import type { Json, JsonObject } from '../contract/load.ts';
import { ScimError } from '../errors.ts';
import type { Authorizer, Identity } from './auth/bearer.ts';
import type { HandlerResult, Handlers, OperationId } from '../handlers/types.ts';
import type { RequestContext } from '../resources/context.ts';
import { ajvErrorToScim } from '../schema/ajv-errors.ts';
import { sharedAjv } from '../schema/ajv.ts';
import type { ResourceTypeDef } from '../schema/attributes.ts';
import { normalizeResource } from '../schema/normalize.ts';
import type { SchemaRegistry } from '../schema/registry.ts';
import { canonicalizeMessage } from './message-keys.ts';


export interface BackendOptions {
  readonly contract: JsonObject;
  readonly registry: SchemaRegistry;
  readonly handlers: Handlers;
  /** Decides whether the credential on a request is acceptable for the bearer scheme. */
  readonly authorize: Authorizer;
}

/** How an operation's request body is normalised before validation. */
type BodyKind = { kind: 'resource'; rt: ResourceTypeDef } | { kind: 'message'; schema: JsonObject };

/** What the router learns about a request for logs and metrics. */
export interface RequestInfo {
  operationId?: string;
  /** The authenticated subject, when there is one (never a secret). */
  subject?: string;
}

export interface ScimBackend {
  readonly api: OpenAPIBackend;
  handle(req: BackendRequest, ctx: RequestContext, info?: RequestInfo): Promise<HandlerResult>;
}

export async function createBackend(options: BackendOptions): Promise<ScimBackend> {
  const definition = aliasScimJson(structuredClone(options.contract));
  const api = new OpenAPIBackend({
    definition: definition as unknown as Document,
    apiRoot: '/',
    strict: true,
    coerceTypes: true,
    // OpenAPI 3.1 uses JSON Schema 2020-12; formats on (see src/schema/ajv.ts).
    customizeAjv: (_ajv: unknown, ajvOpts: { coerceTypes?: unknown }) => sharedAjv({ coerceTypes: Boolean(ajvOpts.coerceTypes) }) as never,
  });
  // openapi-backend checks definitions against the OpenAPI 3.0 meta-schema, which rejects a 3.1
  // document and leaves a router with no operations. The contract is linted by Redocly in CI instead.
  api.validateDefinition = () => api.document;
  await api.init();
  // The router rebuilds its operation list on every request unless told otherwise; the contract
  // does not change after start-up, so compute it once.
  const operations = api.router.getOperations();
  api.router.getOperations = () => operations;

  const bodyKinds = new Map<string, BodyKind>();
  const headerParams = new Map<string, string[]>();
  const queryParams = new Map<string, Set<string>>();
  for (const op of operations) {
    const schema = (op.requestBody as { content?: Record<string, { schema?: JsonObject }> } | undefined)?.content?.[
      'application/scim+json'
    ]?.schema;
    if (schema) bodyKinds.set(op.operationId!, bodyKindOf(schema, options.registry));
    const headers = (op.parameters ?? [])
      .filter((p: object) => 'in' in p && p.in === 'header')
      .map((p: object) => (p as { name: string }).name);
    headerParams.set(op.operationId!, headers);
    const query = (op.parameters ?? []).filter((p: object) => 'in' in p && p.in === 'query');
    queryParams.set(op.operationId!, new Set(query.map((p: object) => (p as { name: string }).name)));
  }

  type Args = [BackendRequest, RequestContext, RequestInfo | undefined];
  api.register({
    postRoutingHandler: (c: Context, req: BackendRequest, _ctx: RequestContext, info?: RequestInfo) => {
      if (!c.operation) return;
      if (info) info.operationId = c.operation.operationId;
      // Query parameters the contract does not declare for the operation are ignored, not rejected.
      const declared = queryParams.get(c.operation.operationId!);
      if (declared && req.query && typeof req.query === 'object') {
        for (const name of Object.keys(req.query)) if (!declared.has(name)) delete (req.query as Record<string, unknown>)[name];
      }
      const kind = bodyKinds.get(c.operation.operationId!);
      if (!kind || req.body === undefined) return;
      req.body = kind.kind === 'resource' ? normalizeResource(kind.rt, req.body) : canonicalizeMessage(kind.schema, req.body);
    },
    validationFail: (c: Context) => {
      const errors = c.validation.errors ?? [];
      const first = errors[0]?.instancePath ?? '';
      const kind = c.operation && bodyKinds.get(c.operation.operationId!);
      if (errors[0]?.keyword === 'required' && (errors[0].params as { missingProperty?: string }).missingProperty === 'requestBody') {
        throw new ScimError(400, 'A JSON request body is required', 'invalidSyntax');
      }
      if (first.startsWith('/requestBody')) {
        throw ajvErrorToScim(errors, {
          prefix: '/requestBody',
          scimType: first === '/requestBody/filter' ? 'invalidFilter' : kind?.kind === 'message' ? 'invalidSyntax' : 'invalidValue',
        });
      }
      throw ajvErrorToScim(errors, {
        prefix: '/query',
        scimType: first.startsWith('/query/filter') ? 'invalidFilter' : 'invalidValue',
      });
    },
    notFound: () => {
      throw new ScimError(404, 'No such endpoint');
    },
    methodNotAllowed: (_c: Context, req: BackendRequest) => {
      // RFC 9110 §15.5.6: a 405 lists the methods the resource does support.
      const allowed = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((method) => {
        try {
          return Boolean(api.router.matchOperation({ method, path: req.path, headers: {} }, true));
        } catch {
          return false;
        }
      });
      throw new ScimError(405, 'Method not allowed on this endpoint', undefined, { Allow: allowed.join(', ') });
    },
    unauthorizedHandler: () => {
      // RFC 6750 §3: a 401 names the scheme the client should use.
      throw new ScimError(401, 'Authentication is required: send a valid bearer token', undefined, {
        'WWW-Authenticate': 'Bearer realm="scim"',
      });
    },
  });
  api.registerSecurityHandler('bearerAuth', (c: Context) => options.authorize(c.request.headers as Record<string, string | string[] | undefined>));

  for (const [operationId, handler] of Object.entries(options.handlers)) {
    const headersOf = headerParams.get(operationId) ?? [];
    api.register(operationId, (c: Context, ...[req, ctx, info]: Args) => {
      const headers: Record<string, string | undefined> = {};
      for (const name of headersOf) {
        const v = c.request.headers[name.toLowerCase()];
        headers[name] = Array.isArray(v) ? v.join(', ') : v;
      }
      const identity = c.security?.bearerAuth as Identity | undefined;
      if (info && identity?.subject) info.subject = identity.subject;
      return (handler as (input: unknown) => Promise<HandlerResult>)({
        params: c.request.params,
        query: c.request.query,
        headers,
        body: req.body,
        ctx: identity?.userId ? { ...ctx, userId: identity.userId } : ctx,
      });
    });
  }

  return {
    api,
    handle: (req, ctx, info) => api.handleRequest(req, req, ctx, info) as Promise<HandlerResult>,
  };
}

function bodyKindOf(schema: JsonObject, registry: SchemaRegistry): BodyKind {
  const candidates = [schema, ...((schema.allOf as JsonObject[] | undefined) ?? [])];
  for (const s of candidates) {
    const rt = s['x-scim-resource-type'] as JsonObject | undefined;
    if (rt) return { kind: 'resource', rt: registry.requireResourceType(String(rt.name)) };
  }
  return { kind: 'message', schema };
}

/**
 * openapi-backend only compiles validators for `application/json` entries; give every
 * `application/scim+json` entry an `application/json` twin so requests and responses are checked.
 */
function aliasScimJson(node: Json): Json {
  if (Array.isArray(node)) {
    node.forEach(aliasScimJson);
  } else if (node && typeof node === 'object') {
    const content = node.content as JsonObject | undefined;
    if (content && typeof content === 'object' && content['application/scim+json'] && !content['application/json']) {
      content['application/json'] = content['application/scim+json'];
    }
    for (const v of Object.values(node)) aliasScimJson(v);
  }
  return node;
}

export type { OperationId };

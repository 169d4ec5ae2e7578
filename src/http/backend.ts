// openapi-backend wiring: the contract is the router. Every request is matched to an operationId,
// normalised (attribute-name case, nulls), validated by Ajv against the contract, and dispatched
// to the handler of that operationId. Authentication follows the contract's `security`
// requirements (bearerAuth or basicAuth); the router runs it before a body is read.
import { OpenAPIBackend, OpenAPIValidator, type Context, type Document, type Request as BackendRequest } from 'openapi-backend';
import { installCompiledRouting } from './compiled-router.ts';
import type { Json, JsonObject } from '../contract/load.ts';
import { ScimError } from '../errors.ts';
import type { Authenticator, AuthOutcome } from './auth/authenticator.ts';
import type { Headers, Identity } from './auth/identity.ts';
import { assertMayCall, isReadOperation } from './auth/permissions.ts';
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
  /** Verifies the credential on a request (see src/http/auth/authenticator.ts). */
  readonly authenticator: Authenticator;
  /** Discovery operations (tag Discovery) need no credential. Default false. */
  readonly publicDiscovery?: boolean;
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
  /**
   * Authenticates and authorises a request before its body is read: resolves to the caller's
   * identity (undefined when none is needed, or for an unknown route), throws a 401/403 ScimError.
   * Sets `info.operationId` when the contract has an operation for the request.
   * `handle` enforces the same rules again and reuses this outcome (keyed by the headers object).
   */
  authenticate(req: Pick<BackendRequest, 'method' | 'path' | 'headers'>, info?: RequestInfo): Promise<Identity | undefined>;
  handle(req: BackendRequest, ctx: RequestContext, info?: RequestInfo): Promise<HandlerResult>;
}

export async function createBackend(options: BackendOptions): Promise<ScimBackend> {
  const definition = aliasScimJson(structuredClone(options.contract));
  const api = new OpenAPIBackend({
    definition: definition as unknown as Document,
    apiRoot: '/',
    strict: true,
    coerceTypes: true,
    // The validator is built below, after routing is compiled (validate: false skips init's own).
    validate: false,
  });
  // openapi-backend checks definitions against the OpenAPI 3.0 meta-schema, which rejects a 3.1
  // document and leaves a router with no operations. The contract is linted by Redocly in CI instead.
  api.validateDefinition = () => api.document;
  await api.init();
  // The router rebuilds its operation list on every request unless told otherwise; the contract
  // does not change after start-up, so compute it once.
  const operations = api.router.getOperations();
  api.router.getOperations = () => operations;
  installCompiledRouting(api.router, operations);
  // Request validators are compiled now; response validators (used only by tests) on first use,
  // which keeps start-up about a second shorter.
  api.validator = new OpenAPIValidator({
    definition: api.definition,
    router: api.router,
    coerceTypes: true,
    lazyCompileValidators: true,
    // OpenAPI 3.1 uses JSON Schema 2020-12; formats on (see src/schema/ajv.ts).
    customizeAjv: (_ajv: unknown, ajvOpts: { coerceTypes?: unknown }) => sharedAjv({ coerceTypes: Boolean(ajvOpts.coerceTypes) }) as never,
  });
  api.validator.preCompileRequestValidators();
  api.validate = true;

  // Per operation: whether a read-only credential may call it, and whether it needs a credential.
  const access = new Map<string, { read: boolean; open: boolean }>();
  for (const op of operations) {
    const open = !options.authenticator.enabled || (Boolean(options.publicDiscovery) && (op.tags ?? []).includes('Discovery'));
    access.set(op.operationId!, { read: isReadOperation(op.method, op.path), open: open || (op.security ?? []).length === 0 });
  }
  // One verification per request, shared by the router's early check and the security handlers.
  const outcomes = new WeakMap<object, Promise<AuthOutcome>>();
  const outcomeOf = (headers: Headers): Promise<AuthOutcome> => {
    let outcome = outcomes.get(headers);
    if (!outcome) outcomes.set(headers, (outcome = options.authenticator.authenticate(headers)));
    return outcome;
  };
  const ANONYMOUS: Identity = {};

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
    unauthorizedHandler: async (_c: Context, req: BackendRequest) => {
      // RFC 6750 §3: a 401 names the schemes the client should use. Awaiting the outcome again
      // rethrows a verification that could not be done (503), rather than calling it a 401.
      throw options.authenticator.challenge(await outcomeOf(req.headers as Headers));
    },
  });
  for (const scheme of ['bearerAuth', 'basicAuth'] as const) {
    api.registerSecurityHandler(scheme, async (c: Context, req: BackendRequest) => {
      if (access.get(c.operation.operationId!)?.open) return ANONYMOUS;
      const outcome = await outcomeOf(req.headers as Headers);
      return outcome.scheme === scheme ? outcome.identity : false;
    });
  }

  for (const [operationId, handler] of Object.entries(options.handlers)) {
    const headersOf = headerParams.get(operationId) ?? [];
    api.register(operationId, (c: Context, ...[req, ctx, info]: Args) => {
      const headers: Record<string, string | undefined> = {};
      for (const name of headersOf) {
        const v = c.request.headers[name.toLowerCase()];
        headers[name] = Array.isArray(v) ? v.join(', ') : v;
      }
      const scheme = (['bearerAuth', 'basicAuth'] as const).find((s) => isIdentity(c.security?.[s]));
      const identity = scheme ? (c.security[scheme] as Identity) : undefined;
      assertMayCall(identity, scheme, access.get(operationId)?.read ?? false);
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

  async function authenticate(req: Pick<BackendRequest, 'method' | 'path' | 'headers'>, info?: RequestInfo): Promise<Identity | undefined> {
    let operation;
    try {
      operation = api.router.matchOperation({ method: req.method, path: req.path, headers: {} }, true);
    } catch {
      return undefined; // 404 or 405, answered by `handle`
    }
    if (info) info.operationId = operation.operationId;
    const rules = access.get(operation.operationId!);
    if (!rules || rules.open) return undefined;
    const outcome = await outcomeOf(req.headers as Headers);
    if (outcome.scheme === undefined) throw options.authenticator.challenge(outcome);
    if (info && outcome.identity.subject) info.subject = outcome.identity.subject;
    assertMayCall(outcome.identity, outcome.scheme, rules.read);
    return outcome.identity;
  }

  return {
    api,
    authenticate,
    handle: (req, ctx, info) => api.handleRequest(req, req, ctx, info) as Promise<HandlerResult>,
  };
}

/** A security handler's successful result (openapi-backend stores failures as false or {error}). */
function isIdentity(value: unknown): value is Identity {
  return typeof value === 'object' && value !== null && !('error' in value);
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

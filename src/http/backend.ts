// openapi-backend wiring: the contract is the router. Every request is matched to an operationId,
// normalised (attribute-name case, nulls), validated by Ajv against the contract, and dispatched
// to the handler of that operationId. Authentication follows the contract's `security`
// requirements (bearerAuth or basicAuth); the router runs it before a body is read.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { OpenAPIBackend, OpenAPIValidator, type Context, type Document, type Operation, type Request as BackendRequest } from 'openapi-backend';
import { declaredQuery, installCompiledRouting } from './compiled-router.ts';
import type { Json, JsonObject } from '../contract/load.ts';
import { ScimError } from '../errors.ts';
import type { Authenticator, AuthOutcome, SecurityScheme } from './auth/authenticator.ts';
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

/** Everything known about one operation of the contract, computed once at start-up. */
interface Route {
  readonly operation: Operation;
  readonly operationId: string;
  /** A read-only credential may call it (GET, .search). */
  readonly read: boolean;
  /** No credential needed (auth off, public discovery, or no security requirement). */
  readonly open: boolean;
  /** The security schemes the contract accepts for it. */
  readonly schemes: ReadonlySet<string>;
  readonly bodyKind?: BodyKind;
  /** Header parameters handed to the handler, in the contract's spelling. */
  readonly headerNames: readonly string[];
  /** Declared query parameters; others are ignored, not rejected. */
  readonly queryNames: ReadonlySet<string>;
  /** Query parameters of array type: a single value is read as a one-element list. */
  readonly arrayQueryNames: ReadonlySet<string>;
  /** openapi-backend's Ajv validators for the body and the parameters (compiled on first use). */
  validators(): readonly ValidateFunction[];
}

/** A request that passed routing and authentication, before its body is read. */
export interface Admission {
  /** Undefined for an unknown path or method: `unrouted` is the 404/405 to answer. */
  readonly route?: Route;
  readonly unrouted?: ScimError;
  /** The route's path parameters, percent-decoded. */
  readonly params?: Record<string, string>;
  readonly identity?: Identity;
  readonly scheme?: SecurityScheme;
}

export interface ScimBackend {
  readonly api: OpenAPIBackend;
  /**
   * Routes and authenticates a request before its body is read, so an unauthenticated client makes
   * this server parse nothing: throws a 401/403 ScimError; an unknown route is admitted with
   * `unrouted` set (answered by `handle`, whatever the body). Sets `info.operationId`/`subject`.
   */
  admit(req: Pick<BackendRequest, 'method' | 'path' | 'headers'>, info?: RequestInfo): Promise<Admission>;
  /** Normalises, validates (openapi-backend's validator) and dispatches to the operation's handler. */
  handle(admission: Admission, req: BackendRequest, ctx: RequestContext): Promise<HandlerResult>;
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
  const match = installCompiledRouting(api.router, operations);
  // Validators are compiled on an operation's first request (response validators are used only
  // by tests): compiling them all took most of a second of start-up.
  api.validator = new OpenAPIValidator({
    definition: api.definition,
    router: api.router,
    coerceTypes: true,
    lazyCompileValidators: true,
    // OpenAPI 3.1 uses JSON Schema 2020-12; formats on (see src/schema/ajv.ts).
    customizeAjv: (_ajv: unknown, ajvOpts: { coerceTypes?: unknown }) => sharedAjv({ coerceTypes: Boolean(ajvOpts.coerceTypes) }) as never,
  });
  api.validate = true;

  const routes = new Map<Operation, Route>();
  for (const op of operations) {
    const open = !options.authenticator.enabled || (Boolean(options.publicDiscovery) && (op.tags ?? []).includes('Discovery'));
    const security = (op.security ?? []) as Record<string, unknown>[];
    const schema = (op.requestBody as { content?: Record<string, { schema?: JsonObject }> } | undefined)?.content?.[
      'application/scim+json'
    ]?.schema;
    const parameters = (op.parameters ?? []) as { in?: string; name: string; schema?: { type?: unknown } }[];
    routes.set(op, {
      operation: op,
      operationId: op.operationId!,
      read: isReadOperation(op.method, op.path),
      open: open || security.length === 0,
      schemes: new Set(security.flatMap((requirement) => Object.keys(requirement))),
      bodyKind: schema ? bodyKindOf(schema, options.registry) : undefined,
      headerNames: parameters.filter((p) => p.in === 'header').map((p) => p.name),
      queryNames: new Set(parameters.filter((p) => p.in === 'query').map((p) => p.name)),
      arrayQueryNames: new Set(parameters.filter((p) => p.in === 'query' && p.schema?.type === 'array').map((p) => p.name)),
      validators: () => (api.validator.getRequestValidatorsForOperation(op.operationId!) ?? []) as unknown as ValidateFunction[],
    });
  }

  // One verification per request, shared by `admit` and a second look from `handle`.
  const outcomes = new WeakMap<object, Promise<AuthOutcome>>();
  const outcomeOf = (headers: Headers): Promise<AuthOutcome> => {
    let outcome = outcomes.get(headers);
    if (!outcome) outcomes.set(headers, (outcome = options.authenticator.authenticate(headers)));
    return outcome;
  };

  /**
   * The route and path parameters of a request (none when one is not validly percent-encoded), or
   * the 404/405 to answer.
   */
  function routeOf(req: Pick<BackendRequest, 'method' | 'path'>): { route: Route; params?: Record<string, string> } | ScimError {
    const { operation, params, pathKnown } = match(req);
    if (operation) return { route: routes.get(operation)!, params };
    return pathKnown ? methodNotAllowed(req.path) : new ScimError(404, 'No such endpoint');
  }

  /** RFC 3986 §2.1: a path parameter with a broken escape names nothing: 400, once the caller is admitted. */
  function decodedParams(params: Record<string, string> | undefined): Record<string, string> {
    if (!params) throw new ScimError(400, 'The request path is not validly percent-encoded', 'invalidSyntax');
    return params;
  }

  /** RFC 9110 §15.5.6: a 405 lists the methods the resource does support. */
  function methodNotAllowed(path: string): ScimError {
    const allowed = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((method) => match({ method, path }).operation !== undefined);
    return new ScimError(405, 'Method not allowed on this endpoint', undefined, { Allow: allowed.join(', ') });
  }

  async function admit(req: Pick<BackendRequest, 'method' | 'path' | 'headers'>, info?: RequestInfo): Promise<Admission> {
    const routed = routeOf(req);
    if (routed instanceof ScimError) return { unrouted: routed };
    const { route, params } = routed;
    if (info) info.operationId = route.operationId;
    if (route.open) return { route, params: decodedParams(params) };
    const outcome = await outcomeOf(req.headers as Headers);
    // RFC 6750 §3: a 401 names the schemes the client should use.
    if (outcome.scheme === undefined || !route.schemes.has(outcome.scheme)) throw options.authenticator.challenge(outcome);
    if (info && outcome.identity.subject) info.subject = outcome.identity.subject;
    assertMayCall(outcome.identity, outcome.scheme, route.read);
    return { route, params: decodedParams(params), identity: outcome.identity, scheme: outcome.scheme };
  }

  function validationError(errors: ErrorObject[], route: Route): ScimError {
    const first = errors[0]?.instancePath ?? '';
    if (errors[0]?.keyword === 'required' && (errors[0].params as { missingProperty?: string }).missingProperty === 'requestBody') {
      return new ScimError(400, 'A JSON request body is required', 'invalidSyntax');
    }
    if (first.startsWith('/requestBody')) {
      return ajvErrorToScim(errors, {
        prefix: '/requestBody',
        scimType: first === '/requestBody/filter' ? 'invalidFilter' : route.bodyKind?.kind === 'message' ? 'invalidSyntax' : 'invalidValue',
      });
    }
    return ajvErrorToScim(errors, { prefix: '/query', scimType: first.startsWith('/query/filter') ? 'invalidFilter' : 'invalidValue' });
  }

  // Dispatch is done here rather than by api.handleRequest, which parses the request three times
  // (route, validate, coerce) and runs the security handlers through promise chains, for work
  // `admit` did before the body was read. The route table, the Ajv validators compiled from the
  // contract and the handler registry are openapi-backend's; this runs them once each.
  async function handle(admission: Admission, req: BackendRequest, ctx: RequestContext): Promise<HandlerResult> {
    const { route } = admission;
    if (!route) throw admission.unrouted ?? new ScimError(404, 'No such endpoint');
    const query = declaredQuery(req.query as Record<string, unknown> | undefined, route.queryNames, route.arrayQueryNames);
    const kind = route.bodyKind;
    if (kind && req.body !== undefined) {
      req.body = kind.kind === 'resource' ? normalizeResource(kind.rt, req.body) : canonicalizeMessage(kind.schema, req.body);
    }
    const params = admission.params ?? {};
    // The shape openapi-backend's validators expect; Ajv coerces path and query values in place.
    // Header parameters are all strings in the contract, so the request's headers are not copied.
    const parameters: Record<string, unknown> = { path: params, query, header: req.headers, cookie: {} };
    if (req.body !== undefined) parameters.requestBody = req.body;
    let errors: ErrorObject[] | undefined;
    for (const validate of route.validators()) {
      if (!validate(parameters)) (errors ??= []).push(...(validate.errors ?? []));
    }
    if (errors) throw validationError(errors, route);
    const context = {
      api,
      operation: route.operation,
      request: { method: req.method, path: req.path, params, query, headers: req.headers, body: req.body },
      security: admission.scheme ? { authorized: true, [admission.scheme]: admission.identity } : { authorized: true },
    } as unknown as Context;
    return api.handlers[route.operationId]!(context, req, ctx);
  }

  for (const [operationId, handler] of Object.entries(options.handlers)) {
    const route = [...routes.values()].find((r) => r.operationId === operationId);
    const headerNames = route?.headerNames ?? [];
    api.register(operationId, (c: Context, req: BackendRequest, ctx: RequestContext) => {
      const headers: Record<string, string | undefined> = {};
      for (const name of headerNames) {
        const v = c.request.headers[name.toLowerCase()];
        headers[name] = Array.isArray(v) ? v.join(', ') : v;
      }
      const identity = (c.security as { bearerAuth?: Identity; basicAuth?: Identity }).bearerAuth ?? c.security.basicAuth;
      return (handler as (input: unknown) => Promise<HandlerResult>)({
        params: c.request.params,
        query: c.request.query,
        headers,
        body: req.body,
        ctx: identity?.userId ? { ...ctx, userId: identity.userId } : ctx,
      });
    });
  }

  return { api, admit, handle };
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

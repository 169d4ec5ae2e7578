// openapi-backend's router recompiles every path template into a RegExp on every request. The
// contract is fixed after start-up, so this compiles the table once: `matchOperation` is replaced
// by a look-up that keeps the library's contract (the same 404/405 error messages), and the path
// parameters of a matched request are read by the same match (src/http/backend.ts dispatches
// itself, so openapi-backend's own parseRequest is not used).
import type { OpenAPIRouter, Operation, Request } from 'openapi-backend';

interface Route {
  readonly operation: Operation;
  readonly method: string;
  /** Matches the whole normalised path; one capture group per path parameter, in order. */
  readonly pattern: RegExp;
  readonly paramNames: readonly string[];
  /** openapi-backend's order: longer literal text first (more specific). */
  readonly specificity: number;
}

function compile(operation: Operation): Route {
  const paramNames: string[] = [];
  const source = operation.path
    .split(/(\{[^}]+\})/)
    .map((part) => {
      if (part.startsWith('{') && part.endsWith('}')) {
        paramNames.push(part.slice(1, -1));
        return '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return {
    operation,
    method: operation.method,
    pattern: new RegExp(`^${source}$`),
    paramNames,
    specificity: operation.path.replace(/\{.*?\}/g, '').length,
  };
}

/** Lower-cased method, path with a leading slash, no query string, no trailing slashes. */
function normalize(req: Pick<Request, 'method' | 'path'>): { method: string; path: string } {
  let path = req.path?.trim() || '';
  if (!path.startsWith('/')) path = `/${path}`;
  path = path.split('?')[0];
  while (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return { method: req.method.trim().toLowerCase(), path };
}

/**
 * Installs the compiled table on `router` (apiRoot must be "/", as the SCIM router mounts it).
 * Throws at start-up if the contract uses a parameter style the fast parser does not implement.
 */
export function installCompiledRouting(router: OpenAPIRouter, operations: readonly Operation[]): MatchRequest {
  for (const op of operations) {
    for (const p of op.parameters ?? []) {
      const param = p as { in?: string; content?: unknown; explode?: boolean; name?: string };
      if (param.in === 'cookie' || param.content !== undefined || param.explode === false) {
        throw new Error(`compiled routing does not support parameter ${param.name} of ${op.operationId}`);
      }
    }
  }
  const routes = operations.map(compile).sort((a, b) => b.specificity - a.specificity);
  const exact = new Map<string, Route>();
  for (const r of routes) if (r.paramNames.length === 0) exact.set(`${r.method} ${r.operation.path}`, r);

  const find = (method: string, path: string): RouteMatch => {
    const hit = exact.get(`${method} ${path}`);
    if (hit) return { operation: hit.operation, params: {}, pathKnown: true };
    let pathKnown = false;
    for (const r of routes) {
      const m = r.pattern.exec(path);
      if (!m) continue;
      if (r.method !== method) {
        pathKnown = true;
        continue;
      }
      const params = paramsOf(r, m);
      return params ? { operation: r.operation, params, pathKnown: true } : { operation: r.operation, pathKnown: true, malformed: true };
    }
    return { pathKnown };
  };

  router.matchOperation = ((req: Request, strict?: boolean) => {
    const { method, path } = normalize(req);
    const { operation, pathKnown } = find(method, path);
    if (operation) return operation;
    if (!strict) return undefined;
    throw Error(pathKnown ? '405-methodNotAllowed: this method is not registered for the route' : '404-notFound: no route matches request');
  }) as OpenAPIRouter['matchOperation'];

  return (req) => {
    const { method, path } = normalize(req);
    return find(method, path);
  };
}

/**
 * A matched request's percent-decoded path parameters; undefined when one is not validly
 * percent-encoded (RFC 3986 §2.1: a `%` without two hex digits, or escapes that are not UTF-8).
 */
function paramsOf(route: Route, m: RegExpExecArray): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < route.paramNames.length; i++) {
    const raw = m[i + 1];
    if (raw === undefined) continue;
    if (!raw.includes('%')) {
      params[route.paramNames[i]!] = raw;
      continue;
    }
    try {
      params[route.paramNames[i]!] = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  }
  return params;
}

/** The operation a request matches with its path parameters; else whether another method would. */
export interface RouteMatch {
  readonly operation?: Operation;
  /** A new object per match: validation coerces its values in place. */
  readonly params?: Record<string, string>;
  /** The path matches some operation (so a miss is 405, not 404). */
  readonly pathKnown: boolean;
  /** The operation matched, but a path parameter is not validly percent-encoded (a 400). */
  readonly malformed?: true;
}

export type MatchRequest = (req: Pick<Request, 'method' | 'path'>) => RouteMatch;

/**
 * The parameters of a parsed query string that the operation declares, copied (validation coerces
 * values in place); any other is ignored, not rejected. A declared array parameter given once is
 * read as a one-element list. Only declared names are assigned, so no query key such as
 * `__proto__` ever reaches the copy's prototype.
 */
export function declaredQuery(
  query: Record<string, unknown> | undefined,
  names: ReadonlySet<string>,
  arrayNames: ReadonlySet<string>,
): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  if (!query) return copy;
  for (const name of names) {
    if (!Object.prototype.hasOwnProperty.call(query, name)) continue;
    const value = query[name];
    copy[name] = Array.isArray(value) ? [...(value as unknown[])] : arrayNames.has(name) && typeof value === 'string' ? [value] : value;
  }
  return copy;
}

// POST /Bulk (RFC 7644 §3.7): many operations in one request, run in dependency order with
// bulkId references resolved, each answered with its own status; `failOnErrors` stops the run
// after that many failures. Every operation goes through the same services as a single request,
// so each obeys every rule (validation, uniqueness, If-Match via `version`, atomic PATCH).
import { errorBody, excerpt, ScimError, toScimError } from '../errors.ts';
import { parseEntityTags } from '../handlers/preconditions.ts';
import type { RequestContext } from '../resources/context.ts';
import { location } from '../resources/serialize.ts';
import type { ResourceService } from '../resources/service.ts';
import { orderOperations } from './order.ts';
import { referencedBulkIds, substituteBulkIds, substitutePath } from './references.ts';

export const BULK_RESPONSE_URN = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

export interface BulkLimits {
  readonly maxOperations: number;
  readonly maxPayloadSize: number;
}

export interface BulkOperationInput {
  readonly method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly bulkId?: string;
  readonly version?: string;
  readonly path?: string;
  readonly data?: unknown;
}

export interface BulkRequestInput {
  readonly failOnErrors?: number;
  readonly Operations: readonly BulkOperationInput[];
}

interface OperationResult {
  method: string;
  bulkId?: string;
  location?: string;
  version?: string;
  status: string;
  response?: unknown;
}

export async function runBulk(
  request: BulkRequestInput,
  services: readonly ResourceService[],
  limits: BulkLimits,
  ctx: RequestContext,
): Promise<{ schemas: string[]; Operations: OperationResult[] }> {
  const ops = request.Operations;
  if (ops.length > limits.maxOperations) {
    // RFC 7644 §3.7.4: over the limit, nothing runs.
    throw new ScimError(413, `The bulk request has ${ops.length} operations; the maximum is ${limits.maxOperations}`);
  }
  const planned = ops.map((op) => ({ ...op, references: referencedBulkIds(op.path, op.data) }));
  const { order, cyclic } = orderOperations(planned);
  const seenBulkIds = new Set<string>();
  const duplicate = new Set<number>();
  ops.forEach((op, i) => {
    if (op.bulkId === undefined) return;
    if (seenBulkIds.has(op.bulkId)) duplicate.add(i);
    seenBulkIds.add(op.bulkId);
  });

  const ids = new Map<string, string>();
  const results = new Map<number, OperationResult>();
  let errors = 0;
  for (const i of order) {
    if (request.failOnErrors !== undefined && errors >= request.failOnErrors) break;
    const op = planned[i];
    const result: OperationResult = { method: op.method, ...(op.bulkId !== undefined ? { bulkId: op.bulkId } : {}), status: '' };
    try {
      if (duplicate.has(i)) throw new ScimError(400, `bulkId "${excerpt(op.bulkId!)}" is used by more than one operation`, 'invalidValue');
      if (cyclic.has(i)) throw new ScimError(409, 'The operation is part of a circular bulkId reference');
      for (const ref of op.references) {
        if (!ids.has(ref)) throw new ScimError(409, `bulkId "${excerpt(ref)}" does not refer to a resource created in this request`);
      }
      Object.assign(result, await runOne(op, ids, services, ctx));
      if (op.method === 'POST' && op.bulkId !== undefined && result.location) {
        ids.set(op.bulkId, result.location.slice(result.location.lastIndexOf('/') + 1));
      }
    } catch (err) {
      const e = toScimError(err);
      errors += 1;
      result.status = String(e.status);
      result.response = errorBody(e);
    }
    results.set(i, result);
  }
  // Answers follow the request's order (those that ran; failOnErrors may have stopped the rest).
  const Operations = [...results.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
  return { schemas: [BULK_RESPONSE_URN], Operations };
}

async function runOne(
  op: BulkOperationInput,
  ids: ReadonlyMap<string, string>,
  services: readonly ResourceService[],
  ctx: RequestContext,
): Promise<Omit<OperationResult, 'method'>> {
  if (op.method === 'POST' && op.bulkId === undefined) {
    throw new ScimError(400, 'bulkId is required for POST operations (RFC 7644 §3.7)', 'invalidValue');
  }
  const { service, id } = route(substitutePath(op.path ?? '', ids), services, op.method);
  const data = substituteBulkIds(op.data, ids);
  const condition = op.version !== undefined ? { ifMatch: parseEntityTags(op.version) ?? [] } : undefined;
  const rt = service.resourceType;
  switch (op.method) {
    case 'POST': {
      const { stored } = await service.create(service.validate(data), ctx);
      return { status: '201', location: location(ctx, rt, stored.id), version: stored.version };
    }
    case 'PUT': {
      const { stored } = await service.replace(id!, service.validate(data), ctx, { condition });
      return { status: '200', location: location(ctx, rt, stored.id), version: stored.version };
    }
    case 'PATCH': {
      const operations = patchOperations(data);
      if (!operations || operations.length === 0) {
        throw new ScimError(400, 'PATCH data must be a PatchOp with Operations', 'invalidSyntax');
      }
      const stored = await service.patch(id!, { Operations: operations }, { condition });
      return { status: '200', location: location(ctx, rt, stored.id), version: stored.version };
    }
    case 'DELETE':
      await service.delete(id!, { condition });
      return { status: '204', location: location(ctx, rt, id!) };
  }
}

// Fix: bulk `data` is free-form in the contract, so a PATCH's PatchOp missed the case-insensitive
// key renaming a single PATCH body gets (src/http/message-keys.ts): `{Op, Path, Value}` or
// `OPERATIONS` worked on PATCH /Users/{id} but failed with 400 in /Bulk. Rename the PatchOp keys
// here the same way (undeclared keys dropped, as there).
const PATCH_OPERATION_KEYS = new Map(['op', 'path', 'value'].map((k) => [k, k]));

function patchOperations(data: unknown): unknown[] | undefined {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const key = Object.keys(data).find((k) => k.toLowerCase() === 'operations');
  const operations = key === undefined ? undefined : (data as Record<string, unknown>)[key];
  if (!Array.isArray(operations)) return undefined;
  return operations.map((op) => {
    if (!op || typeof op !== 'object' || Array.isArray(op)) return op;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(op)) {
      const canonical = PATCH_OPERATION_KEYS.get(k.toLowerCase());
      if (canonical) out[canonical] = v;
    }
    return out;
  });
}

/** "/Users" for POST, "/Users/{id}" otherwise. */
function route(path: string, services: readonly ResourceService[], method: string): { service: ResourceService; id?: string } {
  const match = /^\/?([^/]+)(?:\/([^/]+))?\/?$/.exec(path);
  const service = match && services.find((s) => s.resourceType.endpoint.slice(1).toLowerCase() === match[1].toLowerCase());
  if (!match || !service) throw new ScimError(404, `No resource endpoint at path "${excerpt(path)}"`);
  let id: string | undefined;
  try {
    id = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
  } catch {
    throw new ScimError(400, 'The path is not correctly percent-encoded', 'invalidPath');
  }
  if (method === 'POST' ? id !== undefined : id === undefined) {
    throw new ScimError(400, `${method} needs a path of the form ${method === 'POST' ? '"/Users"' : '"/Users/{id}"'}`, 'invalidPath');
  }
  return { service, id };
}

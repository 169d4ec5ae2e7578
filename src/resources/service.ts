// The operations on one resource type: the SCIM rules of create, read, replace, delete and list
// (RFC 7644 §3.3-3.6), between the handlers above and the store below.
import { excerpt, ScimError } from '../errors.ts';
import type { AttributeDef, ResourceTypeDef } from '../schema/attributes.ts';
import type { ScimObject } from '../schema/normalize.ts';
import type { ResourceValidator, ValidResource } from '../schema/validate.ts';
import { isDeepStrictEqual } from 'node:util';
import { applyPatch, type PatchEnvironment } from '../patch/apply.ts';
import { DEFAULT_DIALECTS, type PatchDialects } from '../patch/dialects.ts';
import { readOperations } from '../patch/operations.ts';
import { compareAndSet } from './compare-and-set.ts';
import { WriteQueue } from './write-queue.ts';
import type { CursorCodec } from '../query/cursor.ts';
import { planQuery, type ListParams, type PagingLimits } from '../query/list-request.ts';
import { LIST_RESPONSE_URN } from '../query/paging.ts';
import type { Store, StoredResource } from '../store/store.ts';
import type { ReadOptions, RequestContext, WriteOptions } from './context.ts';
import { resolveMembers } from './members.ts';
import { hashPassword } from './password.ts';
import type { Serializer } from './serialize.ts';

export interface ServiceLimits extends PagingLimits {}

export interface ListRequest extends ListParams, ReadOptions {}

export class ResourceService {
  private readonly membersAttr: AttributeDef | undefined;
  /** PUT and PATCH of one resource, one at a time in this process (see write-queue.ts). */
  private readonly writes = new WriteQueue();
  private readonly writeOnly: readonly AttributeDef[];
  private readonly immutable: readonly AttributeDef[];

  constructor(
    readonly resourceType: ResourceTypeDef,
    readonly store: Store,
    readonly serializer: Serializer,
    readonly limits: ServiceLimits,
    private readonly cursors: CursorCodec,
    /** Normalises and validates a resource body against the contract (library calls, PATCH results). */
    readonly validate: ResourceValidator,
    private readonly dialects: PatchDialects = DEFAULT_DIALECTS,
  ) {
    const attrs = resourceType.schema.attributes;
    this.membersAttr = resourceType.schema.byLower.get('members');
    this.writeOnly = attrs.filter((a) => a.mutability === 'writeOnly');
    this.immutable = attrs.filter((a) => a.mutability === 'immutable');
  }

  private get type(): string {
    return this.resourceType.name;
  }

  async create(body: ValidResource, ctx: RequestContext, opts: ReadOptions = {}) {
    const { data, members } = await this.prepare(body, undefined);
    const stored = await this.store.create(this.type, data, members);
    return this.output(stored, ctx, opts);
  }

  async get(id: string, ctx: RequestContext, opts: ReadOptions = {}) {
    return this.output(await this.require(id), ctx, opts);
  }

  /** The stored resource without serialising it (for conditional GET). */
  async require(id: string): Promise<StoredResource> {
    const stored = await this.store.get(this.type, id);
    if (!stored) throw ScimError.notFound(`${this.type} ${excerpt(id)} not found`);
    return stored;
  }

  /** PUT (RFC 7644 §3.5.1): the body replaces every readWrite attribute; omitted ones are cleared. */
  async replace(id: string, body: ValidResource, ctx: RequestContext, opts: WriteOptions = {}) {
    const stored = await this.writes.run(id, () => compareAndSet(this.store, () => this.require(id), opts.condition, async (current) => {
      const { data, members } = await this.prepare(body, id);
      for (const attr of this.immutable) {
        const before = current.data[attr.name];
        if (before !== undefined && !isDeepStrictEqual(before, data[attr.name])) {
          throw new ScimError(400, `Attribute '${attr.name}' is immutable and cannot be changed`, 'mutability');
        }
      }
      // writeOnly values (password) cannot be read back, so a client cannot resend them: keep them.
      for (const attr of this.writeOnly) {
        if (data[attr.name] === undefined && current.data[attr.name] !== undefined) data[attr.name] = current.data[attr.name];
      }
      return { data, membership: this.membersAttr ? { replace: members ?? [] } : undefined };
    }));
    return this.output(stored, ctx, opts);
  }

  /**
   * PATCH (RFC 7644 §3.5.2): all operations or none; no write (and no new version) when nothing
   * changes. Returns the stored resource: serialising it (members!) is the caller's choice.
   */
  async patch(id: string, body: { Operations: unknown[] }, opts: WriteOptions = {}): Promise<StoredResource> {
    const operations = readOperations(this.resourceType, body.Operations as never, this.dialects);
    return this.writes.run(id, () => compareAndSet(this.store, () => this.require(id), opts.condition, async (current) => {
      const result = await applyPatch(this.patchEnvironment(current.id), current.data as ScimObject, operations);
      if (!result.changed) return undefined;
      const data = result.data;
      if (typeof data.password === 'string' && data.password !== current.data.password) {
        data.password = await hashPassword(data.password);
      }
      return { data, membership: result.membership };
    }));
  }

  private patchEnvironment(id: string): PatchEnvironment {
    return {
      rt: this.resourceType,
      dialects: this.dialects,
      id,
      validate: (doc) => void this.validate(doc),
      ...(this.membersAttr
        ? {
            members: {
              source: {
                isMember: (memberId: string) => this.store.isMember(id, memberId),
                all: () => this.store.members(id),
              },
              resolve: (values: unknown) => resolveMembers(this.store, values, id),
            },
          }
        : {}),
    };
  }

  async delete(id: string, opts: WriteOptions = {}): Promise<void> {
    await this.store.delete(this.type, id, opts.condition);
  }

  /** List or search (RFC 7644 §3.4.2): filter, sort, index or cursor paging, projection. */
  async list(req: ListRequest, ctx: RequestContext) {
    const plan = planQuery(this.resourceType, req, this.limits, this.cursors);
    const result = await this.store.query(this.type, { filter: plan.filter, sort: plan.sort, page: plan.page });
    // One result (the usual lookup by userName or externalId) needs no Promise.all; several are
    // serialised together so that a store can batch their lookups (src/store/postgres/batch.ts).
    const resources =
      result.resources.length === 1
        ? [await this.serializer.toScim(result.resources[0]!, ctx, req.projection)]
        : await Promise.all(result.resources.map((r) => this.serializer.toScim(r, ctx, req.projection)));
    return {
      schemas: [LIST_RESPONSE_URN],
      totalResults: result.totalResults,
      ...(plan.startIndex !== undefined ? { startIndex: plan.startIndex } : {}),
      itemsPerPage: resources.length,
      ...(result.next && plan.fingerprint ? { nextCursor: this.cursors.encode(plan.fingerprint, result.next) } : {}),
      Resources: resources,
    };
  }

  async output(stored: StoredResource, ctx: RequestContext, opts: ReadOptions) {
    return { stored, resource: await this.serializer.toScim(stored, ctx, opts.projection) };
  }

  /** Splits members off the data, checks them, and hashes a password. */
  private async prepare(body: ValidResource, id: string | undefined) {
    // Rest destructuring rather than `delete`: deleting a property turns an object into V8's slow
    // dictionary layout, which every later read of the stored data pays for.
    const { schemas: _schemas, members: memberInput, ...rest } = body as ScimObject;
    const data: ScimObject = this.membersAttr || memberInput === undefined ? rest : { ...rest, members: memberInput };
    let members;
    if (this.membersAttr) members = await resolveMembers(this.store, memberInput, id);
    if (typeof data.password === 'string') data.password = await hashPassword(data.password);
    return { data, members };
  }
}

// A typed SCIM 2.0 client, generated from the same contract the server is built from
// (openapi/scim.yaml -> generated/scim.ts). `client.api` is the raw openapi-fetch client: every
// path, parameter, request body and response of the contract, typed. The helpers on top cover the
// flows a provisioning client needs (find a user by userName, create, patch, group membership,
// iterate over every page) and turn SCIM error responses into a typed ScimClientError.
//
// Published as `scim2-server/client`; it only needs a `fetch` (Node 18+, browsers, Deno, Bun).
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from '../../generated/scim.ts';

export type { components, paths } from '../../generated/scim.ts';

export const SCIM_MEDIA_TYPE = 'application/scim+json';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

type Schemas = components['schemas'];
export type ScimUser = Schemas['User'];
export type ScimGroup = Schemas['Group'];
export type ScimErrorBody = Schemas['Error'];
export type ScimType = NonNullable<ScimErrorBody['scimType']>;
export type PatchOperation = Schemas['PatchOperation'];
export type PatchOp = Schemas['PatchOp'];
export type ServiceProviderConfig = Schemas['ServiceProviderConfig'];
export type GroupMember = NonNullable<ScimGroup['members']>[number];

/** What a client writes: the contract's resource without the attributes the server assigns. */
type Writable<T> = Omit<T, 'id' | 'meta' | 'groups'>;
/** A User to create or replace: `userName` is required (RFC 7643 §4.1). */
export type NewUser = Writable<ScimUser> & { userName: string };
/** A Group to create or replace: `displayName` is required (RFC 7643 §4.2). */
export type NewGroup = Writable<ScimGroup> & { displayName: string };

/** The raw client, typed from the contract. */
export type ScimApi = Client<paths, typeof SCIM_MEDIA_TYPE>;

/** Paths of the contract whose GET answers a ListResponse (`/Users`, `/Groups`, `/Schemas`, ...). */
export type ListPath = {
  [P in keyof paths]: paths[P]['get'] extends ListOperation ? P : never;
}[keyof paths];
type ListOperation = {
  responses: { 200: { content: { 'application/scim+json': { totalResults: number; Resources?: unknown[] } } } };
};
/** The resource type a list path returns: ScimUser for '/Users', ScimGroup for '/Groups', ... */
export type ResourceOf<P extends ListPath> = paths[P]['get'] extends {
  responses: { 200: { content: { 'application/scim+json': { Resources?: (infer R)[] } } } };
}
  ? R
  : never;
/** The query parameters the contract declares for a list path. */
export type ListQuery<P extends ListPath> = paths[P]['get'] extends { parameters: { query?: infer Q } }
  ? NonNullable<Q>
  : never;

export interface IterateOptions {
  /** Resources per request (`count`); the server's default page size when absent. */
  readonly pageSize?: number;
  /**
   * `index` (RFC 7644 §3.4.2.4 startIndex/count), `cursor` (RFC 9865) or `auto`: cursor paging when
   * the server's /ServiceProviderConfig advertises `pagination.cursor`, index paging otherwise.
   * Default `auto`. Cursor paging does not skip or repeat resources created or deleted meanwhile.
   */
  readonly paging?: 'auto' | 'index' | 'cursor';
}

/** `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5), as the contract declares them for GET /Users/{id}. */
export type ProjectionQuery = NonNullable<paths['/Users/{id}']['get']['parameters']['query']>;

/** A list query without its paging parameters, which the iterator owns. */
export type IterateQuery<P extends ListPath> = Omit<ListQuery<P>, 'startIndex' | 'count' | 'cursor'>;

export interface ScimClientOptions {
  /** The SCIM base URL, e.g. `https://scim.example.com/scim/v2`. */
  readonly baseUrl: string;
  /** A bearer token, sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** The fetch to use; `globalThis.fetch` by default. */
  readonly fetch?: (request: Request) => Promise<Response>;
  /** Extra headers for every request. */
  readonly headers?: Record<string, string>;
}

/**
 * A non-2xx answer. `body` is the RFC 7644 §3.12 error the server sent (when it sent one), so
 * `status`, `scimType` and `detail` are available without parsing.
 */
export class ScimClientError extends Error {
  override readonly name = 'ScimClientError';
  /** The HTTP status. */
  readonly status: number;
  readonly scimType?: ScimType;
  readonly detail?: string;

  constructor(
    readonly method: string,
    readonly url: string,
    readonly response: Response,
    /** The SCIM error body; undefined when the server answered something else (`text` has it). */
    readonly body: ScimErrorBody | undefined,
    readonly text?: string,
  ) {
    const what = body?.detail ?? text?.slice(0, 200) ?? response.statusText;
    super(`${method} ${url} -> ${response.status}${body?.scimType ? ` ${body.scimType}` : ''}${what ? `: ${what}` : ''}`);
    this.status = response.status;
    this.scimType = body?.scimType;
    this.detail = body?.detail;
  }
}

export function isScimClientError(err: unknown, status?: number): err is ScimClientError {
  return err instanceof ScimClientError && (status === undefined || err.status === status);
}

export interface ScimClient {
  /** The raw openapi-fetch client: every operation of the contract, typed. Never throws on a status. */
  readonly api: ScimApi;

  getUser(id: string, query?: ProjectionQuery): Promise<ScimUser>;
  /** The User with this userName (compared case-insensitively by the server), or undefined. */
  findUserByUserName(userName: string): Promise<ScimUser | undefined>;
  /** Creates a User; `schemas` defaults to the core User schema. */
  createUser(user: NewUser): Promise<ScimUser>;
  replaceUser(id: string, user: NewUser, options?: { ifMatch?: string }): Promise<ScimUser>;
  /** Applies PATCH operations atomically and returns the modified User. */
  patchUser(id: string, operations: readonly PatchOperation[], options?: { ifMatch?: string }): Promise<ScimUser>;
  deleteUser(id: string): Promise<void>;

  getGroup(id: string, options?: { excludeMembers?: boolean }): Promise<ScimGroup>;
  /** The Group with this displayName, or undefined. */
  findGroupByDisplayName(displayName: string, options?: { excludeMembers?: boolean }): Promise<ScimGroup | undefined>;
  createGroup(group: NewGroup): Promise<ScimGroup>;
  /** Applies PATCH operations atomically and returns the modified Group (without members unless asked). */
  patchGroup(
    id: string,
    operations: readonly PatchOperation[],
    options?: { ifMatch?: string; excludeMembers?: boolean },
  ): Promise<ScimGroup>;
  deleteGroup(id: string): Promise<void>;
  /** Adds Users or Groups (by id) to a Group; members already present stay as they are. */
  addGroupMember(groupId: string, memberIds: string | readonly string[]): Promise<void>;
  /** Removes members (by id) from a Group; ids that are not members are ignored. */
  removeGroupMember(groupId: string, memberIds: string | readonly string[]): Promise<void>;

  /** Every resource of a list path, page after page (filter, sortBy, attributes, ... apply). */
  iterate<P extends ListPath>(path: P, query?: IterateQuery<P>, options?: IterateOptions): AsyncGenerator<ResourceOf<P>>;
  /** `iterate`, collected into an array. */
  listAll<P extends ListPath>(path: P, query?: IterateQuery<P>, options?: IterateOptions): Promise<ResourceOf<P>[]>;

  /** The server's /ServiceProviderConfig (fetched once, then cached). */
  serviceProviderConfig(): Promise<ServiceProviderConfig>;
}

interface ApiResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of an openapi-fetch result, or a ScimClientError for any non-2xx answer. */
export async function unwrap<T>(result: ApiResult<T> | Promise<ApiResult<T>>): Promise<T> {
  const { data, error, response } = await result;
  if (response.ok) return data as T;
  throw errorFrom(response, error);
}

// The request behind each response, for error messages (a Response knows its URL at best).
const requestOf = new WeakMap<Response, Request>();

function errorFrom(response: Response, error: unknown): ScimClientError {
  const request = requestOf.get(response);
  const method = request?.method ?? 'request';
  const url = request?.url ?? response.url;
  if (isErrorBody(error)) return new ScimClientError(method, url, response, error);
  const text = typeof error === 'string' ? error : error === undefined ? undefined : JSON.stringify(error);
  return new ScimClientError(method, url, response, undefined, text);
}

function isErrorBody(value: unknown): value is ScimErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as ScimErrorBody).schemas) &&
    (value as ScimErrorBody).schemas.includes(ERROR_SCHEMA as never)
  );
}

/** A SCIM filter string literal (RFC 7644 §3.4.2.2: JSON string syntax). */
export function scimString(value: string): string {
  return JSON.stringify(value);
}

export function createScimClient(options: ScimClientOptions): ScimClient {
  const headers: Record<string, string> = { Accept: SCIM_MEDIA_TYPE, ...options.headers };
  if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
  const api: ScimApi = createClient<paths, typeof SCIM_MEDIA_TYPE>({
    baseUrl: options.baseUrl,
    headers,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  api.use(scimMediaType);

  let spc: Promise<ServiceProviderConfig> | undefined;
  const serviceProviderConfig = () => {
    spc ??= unwrap(api.GET('/ServiceProviderConfig')).catch((err: unknown) => {
      spc = undefined; // a failure is not cached
      throw err;
    });
    return spc;
  };

  const ifMatchHeader = (ifMatch: string | undefined) => (ifMatch === undefined ? undefined : { 'If-Match': ifMatch });
  const membersQuery = (exclude: boolean | undefined) => (exclude === false ? {} : { excludedAttributes: 'members' });
  const ids = (memberIds: string | readonly string[]) => (typeof memberIds === 'string' ? [memberIds] : [...memberIds]);

  const getUser = (id: string, query?: ProjectionQuery) =>
    unwrap(api.GET('/Users/{id}', { params: { path: { id }, query } }));
  const getGroup = (id: string, opts?: { excludeMembers?: boolean }) =>
    unwrap(api.GET('/Groups/{id}', { params: { path: { id }, query: opts?.excludeMembers ? { excludedAttributes: 'members' } : {} } }));

  const patchUser: ScimClient['patchUser'] = async (id, operations, opts) => {
    const { data, error, response } = await api.PATCH('/Users/{id}', {
      params: { path: { id }, header: ifMatchHeader(opts?.ifMatch) },
      body: { schemas: [PATCH_OP_SCHEMA], Operations: [...operations] },
    });
    if (!response.ok) throw errorFrom(response, error);
    // RFC 7644 §3.5.2: a server may answer 204 without the resource.
    return data ?? getUser(id);
  };

  const patchGroup: ScimClient['patchGroup'] = async (id, operations, opts) => {
    const excludeMembers = opts?.excludeMembers ?? true;
    const { data, error, response } = await api.PATCH('/Groups/{id}', {
      params: { path: { id }, header: ifMatchHeader(opts?.ifMatch), query: membersQuery(excludeMembers) },
      body: { schemas: [PATCH_OP_SCHEMA], Operations: [...operations] },
    });
    if (!response.ok) throw errorFrom(response, error);
    return data ?? getGroup(id, { excludeMembers });
  };

  async function* iterate<P extends ListPath>(
    path: P,
    query?: IterateQuery<P>,
    iterateOptions: IterateOptions = {},
  ): AsyncGenerator<ResourceOf<P>> {
    const paging = iterateOptions.paging ?? 'auto';
    const useCursor =
      paging === 'cursor' ||
      (paging === 'auto' && (await serviceProviderConfig().then((c) => c.pagination?.cursor === true, () => false)));
    const count = iterateOptions.pageSize;
    // The contract types each list path's query; `path` is a union here, so the call is untyped.
    const list = (q: Record<string, unknown>) =>
      unwrap((api.GET as (p: string, init: object) => Promise<ApiResult<ListPage>>)(path, { params: { query: q } }));

    if (useCursor) {
      let cursor = '';
      for (;;) {
        const page = await list({ ...query, count, cursor });
        yield* (page.Resources ?? []) as ResourceOf<P>[];
        if (!page.nextCursor || (page.Resources ?? []).length === 0) return;
        cursor = page.nextCursor;
      }
    }
    let startIndex = 1;
    for (;;) {
      const page = await list({ ...query, count, startIndex });
      const resources = page.Resources ?? [];
      yield* resources as ResourceOf<P>[];
      // Stop on totalResults; an empty page also ends it (a shrinking list, or a server that pages oddly).
      const seen = (page.startIndex ?? startIndex) - 1 + resources.length;
      if (resources.length === 0 || seen >= page.totalResults) return;
      startIndex = seen + 1;
    }
  }

  return {
    api,
    getUser,
    async findUserByUserName(userName) {
      const page = await unwrap(api.GET('/Users', { params: { query: { filter: `userName eq ${scimString(userName)}` } } }));
      return page.Resources?.[0];
    },
    createUser: (user) =>
      // The contract's UserRequest types as `User & Record<string, never>` (see CHANGELOG, known issues):
      // the body is checked against NewUser, derived from the contract's User, instead.
      unwrap(api.POST('/Users', { body: withSchemas(user, USER_SCHEMA) as never })),
    replaceUser: (id, user, opts) =>
      unwrap(
        api.PUT('/Users/{id}', {
          params: { path: { id }, header: ifMatchHeader(opts?.ifMatch) },
          body: withSchemas(user, USER_SCHEMA) as never,
        }),
      ),
    patchUser,
    deleteUser: (id) => unwrap(api.DELETE('/Users/{id}', { params: { path: { id } } })),

    getGroup,
    async findGroupByDisplayName(displayName, opts) {
      const page = await unwrap(
        api.GET('/Groups', {
          params: { query: { filter: `displayName eq ${scimString(displayName)}`, ...membersQuery(opts?.excludeMembers ?? true) } },
        }),
      );
      return page.Resources?.[0];
    },
    createGroup: (group) => unwrap(api.POST('/Groups', { body: withSchemas(group, GROUP_SCHEMA) as never })),
    patchGroup,
    deleteGroup: (id) => unwrap(api.DELETE('/Groups/{id}', { params: { path: { id } } })),
    async addGroupMember(groupId, memberIds) {
      const value = ids(memberIds).map((id) => ({ value: id }));
      if (value.length > 0) await patchGroup(groupId, [{ op: 'add', path: 'members', value }]);
    },
    async removeGroupMember(groupId, memberIds) {
      const list = ids(memberIds);
      if (list.length === 0) return;
      // RFC 7644 §3.5.2.2: one value-path remove per member, in one atomic PATCH.
      await patchGroup(
        groupId,
        list.map((id) => ({ op: 'remove', path: `members[value eq ${scimString(id)}]` })),
      );
    },

    iterate,
    async listAll(path, query, iterateOptions) {
      const all = [];
      for await (const resource of iterate(path, query, iterateOptions)) all.push(resource);
      return all;
    },
    serviceProviderConfig,
  };
}

interface ListPage {
  totalResults: number;
  startIndex?: number;
  nextCursor?: string;
  Resources?: unknown[];
}

function withSchemas<T extends { schemas?: string[] }>(resource: T, core: string): T {
  if (resource.schemas && resource.schemas.length > 0) return resource;
  return { ...resource, schemas: [core] };
}

/** Bodies go out as application/scim+json (RFC 7644 §3.1); the request is kept for error messages. */
const scimMediaType: Middleware = {
  onRequest({ request }) {
    if (request.body !== null && request.headers.get('content-type')?.startsWith('application/json')) {
      request.headers.set('content-type', SCIM_MEDIA_TYPE);
    }
    return undefined;
  },
  onResponse({ request, response }) {
    requestOf.set(response, request);
    return undefined;
  },
};

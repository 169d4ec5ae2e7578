// ScimServer: the library's face. It loads the contract, builds the registry, the store and the
// services, and exposes a mountable Express router plus a typed API for code.
import type { RequestHandler } from 'express';
import type { components } from '../generated/scim.ts';
import { loadContract, type Contract } from './contract/load.ts';
import { createHandlers } from './handlers/index.ts';
import { createAuthenticator } from './http/auth/authenticator.ts';
import type { ScimServerOptions } from './options.ts';

export type { ScimServerOptions } from './options.ts';
import { createBackend, type ScimBackend } from './http/backend.ts';
import { createScimRouter } from './http/router.ts';
import { CursorCodec } from './query/cursor.ts';
import type { RequestContext } from './resources/context.ts';
import { createSerializer } from './resources/serialize.ts';
import { ResourceService } from './resources/service.ts';
import { SchemaRegistry } from './schema/registry.ts';
import { compileResourceValidator } from './schema/validate.ts';
import { DEFAULT_DIALECTS, STRICT_DIALECTS, type PatchDialects } from './patch/dialects.ts';
import { BASIC_SCHEME, BEARER_SCHEME, serviceProviderConfig, type ServiceProviderConfig } from './service-provider-config.ts';
import { MemoryStore } from './store/memory/memory-store.ts';
import type { Store } from './store/store.ts';

export type ScimUser = components['schemas']['User'];
export type ScimGroup = components['schemas']['Group'];
export type PatchOperationInput = components['schemas']['PatchOp']['Operations'][number];
export type ScimListResponse<T> = components['schemas']['ListResponse'] & { Resources: T[] };


export interface ResourceApi<T> {
  create(resource: T): Promise<T>;
  get(id: string): Promise<T>;
  replace(id: string, resource: T): Promise<T>;
  /** Applies PATCH operations (RFC 7644 §3.5.2) atomically. */
  patch(id: string, operations: readonly PatchOperationInput[]): Promise<T>;
  delete(id: string): Promise<void>;
  list(page?: { startIndex?: number; count?: number }): Promise<ScimListResponse<T>>;
}

const LIBRARY_BASE_URL = 'http://localhost/scim/v2';

export class ScimServer {
  readonly users: ResourceApi<ScimUser>;
  readonly groups: ResourceApi<ScimGroup>;

  private constructor(
    readonly registry: SchemaRegistry,
    readonly store: Store,
    readonly contract: Contract,
    readonly backend: ScimBackend,
    /** Mount it anywhere: `app.use('/scim/v2', server.router)`. */
    readonly router: RequestHandler,
    readonly serviceProviderConfig: () => ServiceProviderConfig,
    services: { users: ResourceService; groups: ResourceService },
    baseUrl: string | undefined,
  ) {
    const ctx: RequestContext = { baseUrl: baseUrl?.replace(/\/+$/, '') ?? LIBRARY_BASE_URL };
    this.users = resourceApi<ScimUser>(services.users, ctx);
    this.groups = resourceApi<ScimGroup>(services.groups, ctx);
  }

  static async create(options: ScimServerOptions = {}): Promise<ScimServer> {
    const contract = await loadContract();
    const registry = SchemaRegistry.fromContract(contract.dereferenced);
    // Before the store opens: a bad secret must not leave a database pool behind.
    const cursorTimeout = options.cursorTimeout ?? 3600;
    const cursors = new CursorCodec(cursorTimeout, options.cursorSecret);
    const store = options.store ? await options.store(registry) : new MemoryStore(registry);
    const limits = { maxResults: options.maxResults ?? 1000, defaultCount: options.defaultCount ?? 100 };
    const endpoints = new Map(registry.resourceTypes.map((rt) => [rt.name, rt.endpoint]));
    const dialects = options.strictPatch ? STRICT_DIALECTS : { ...DEFAULT_DIALECTS, ...options.patchDialects };
    const service = (name: string) => {
      const rt = registry.requireResourceType(name);
      const validator = compileResourceValidator(contract.dereferenced, rt);
      return new ResourceService(rt, store, createSerializer(rt, store, endpoints), limits, cursors, validator, dialects);
    };
    const services = { users: service('User'), groups: service('Group') };
    // `tokens` (legacy) and `auth.tokens` are both honoured; JWKS files are read here, at start-up.
    const authenticator = createAuthenticator(options.auth, options.tokens);
    const bulk = { maxOperations: options.bulkMaxOperations ?? 1000, maxPayloadSize: options.bulkMaxPayloadSize ?? 4 * 1024 * 1024 };
    const spc = serviceProviderConfig({
      ...limits,
      cursorTimeout,
      bulk,
      // RFC 7643 §5: exactly the schemes this server accepts; the first listed is primary.
      authenticationSchemes: [
        ...(authenticator.bearer ? [BEARER_SCHEME] : []),
        ...(authenticator.basic ? [{ ...BASIC_SCHEME, primary: !authenticator.bearer }] : []),
      ],
    });
    const handlers = createHandlers({ registry, ...services, serviceProviderConfig: () => spc, bulk });
    const backend = await createBackend({
      contract: contract.dereferenced,
      registry,
      handlers,
      authenticator,
      publicDiscovery: options.auth?.publicDiscovery,
    });
    const router = createScimRouter(backend, {
      baseUrl: options.baseUrl,
      bodyLimit: options.bodyLimit ?? '1mb',
      bulkBodyLimit: bulk.maxPayloadSize,
      logError: options.logError ?? ((err) => console.error(err)),
      cors: options.cors,
      rateLimit: options.rateLimit,
    });
    return new ScimServer(registry, store, contract, backend, router, () => spc, services, options.baseUrl);
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}

function resourceApi<T>(service: ResourceService, ctx: RequestContext): ResourceApi<T> {
  return {
    create: async (r) => (await service.create(service.validate(r), ctx)).resource as T,
    get: async (id) => (await service.get(id, ctx)).resource as T,
    replace: async (id, r) => (await service.replace(id, service.validate(r), ctx)).resource as T,
    patch: async (id, operations) => {
      const stored = await service.patch(id, { Operations: operations as unknown[] });
      return (await service.output(stored, ctx, {})).resource as T;
    },
    delete: (id) => service.delete(id),
    list: async (page = {}) => (await service.list(page, ctx)) as unknown as ScimListResponse<T>,
  };
}

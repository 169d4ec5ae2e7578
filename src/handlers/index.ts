// The handler table: one entry per operationId of the contract (checked by the `Handlers` type).
import type { ResourceService } from '../resources/service.ts';
import type { SchemaRegistry } from '../schema/registry.ts';
import type { ServiceProviderConfig } from '../service-provider-config.ts';
import { runBulk, type BulkLimits, type BulkRequestInput } from '../bulk/execute.ts';
import { discoveryHandlers } from './discovery.ts';
import { meHandlers } from './me.ts';
import { resourceHandlers } from './resources.ts';
import { searchAllHandler } from './search.ts';
import type { Handlers } from './types.ts';

export interface HandlerDeps {
  readonly registry: SchemaRegistry;
  readonly users: ResourceService;
  readonly groups: ResourceService;
  readonly serviceProviderConfig: () => ServiceProviderConfig;
  readonly bulk: BulkLimits;
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const users = resourceHandlers(deps.users);
  const groups = resourceHandlers(deps.groups);
  const discovery = discoveryHandlers(deps.registry, deps.serviceProviderConfig);
  return {
    listUsers: users.list,
    createUser: users.create,
    getUser: users.get,
    replaceUser: users.replace,
    patchUser: users.patch,
    deleteUser: users.delete,
    searchUsers: users.search,
    listGroups: groups.list,
    createGroup: groups.create,
    getGroup: groups.get,
    replaceGroup: groups.replace,
    patchGroup: groups.patch,
    deleteGroup: groups.delete,
    searchGroups: groups.search,
    searchAll: searchAllHandler([deps.users, deps.groups]),
    ...meHandlers(users),
    bulk: async ({ body, ctx }) => ({ status: 200, body: await runBulk(body as BulkRequestInput, [deps.users, deps.groups], deps.bulk, ctx) }),
    ...discovery,
  };
}

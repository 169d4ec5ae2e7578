// /Me (RFC 7644 §3.11): the User the authenticated caller maps to, addressed as if by id, with
// Location pointing at /Users/{id}. A caller that maps to no User gets 501, as the RFC allows.
import { ScimError } from '../errors.ts';
import type { RequestContext } from '../resources/context.ts';
import type { resourceHandlers } from './resources.ts';

type UserHandlers = ReturnType<typeof resourceHandlers>;

function me(ctx: RequestContext): { id: string } {
  if (!ctx.userId) {
    throw new ScimError(501, 'This credential is not associated with a User, so /Me has no subject');
  }
  return { id: ctx.userId };
}

export function meHandlers(users: UserHandlers) {
  return {
    getMe: (input: Omit<Parameters<UserHandlers['get']>[0], 'params'>) => users.get({ ...input, params: me(input.ctx) }),
    replaceMe: (input: Omit<Parameters<UserHandlers['replace']>[0], 'params'>) => users.replace({ ...input, params: me(input.ctx) }),
    patchMe: (input: Omit<Parameters<UserHandlers['patch']>[0], 'params'>) => users.patch({ ...input, params: me(input.ctx) }),
    deleteMe: (input: Omit<Parameters<UserHandlers['delete']>[0], 'params'>) => users.delete({ ...input, params: me(input.ctx) }),
  };
}

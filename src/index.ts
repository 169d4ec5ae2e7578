// The library's public face.
export { ScimServer } from './server.ts';
export type { ScimServerOptions, ResourceApi, ScimUser, ScimGroup, ScimListResponse } from './server.ts';
export { createApp } from './http/app.ts';
export type { AppOptions } from './http/app.ts';
export { answerClientErrorsAsScim } from './ops/client-errors.ts';
export { ScimError } from './errors.ts';
export type { Store, StoredResource, Member } from './store/store.ts';
export { MemoryStore } from './store/memory/memory-store.ts';
export { verifyPassword } from './resources/password.ts';

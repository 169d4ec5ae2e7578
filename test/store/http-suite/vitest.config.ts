// The unchanged HTTP suite (test/http) on a durable store: every MemoryStore the server creates is
// swapped, at module resolution, for a SQLite store (an in-memory database) or a PostgreSQL store
// (a fresh schema). Not part of `npm test` (it doubles its time); run it when changing a store:
//   npx vitest run --config test/store/http-suite/vitest.config.ts
//   SCIM_HTTP_STORE=postgres SCIM_TEST_PG_URL=postgres://... npx vitest run --config test/store/http-suite/vitest.config.ts
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../../../vitest.config.ts';

const shim = process.env.SCIM_HTTP_STORE === 'postgres' ? './postgres-shim.ts' : './sqlite-shim.ts';

const config = mergeConfig(
  base, // the package self-reference ('scim2-server') and the rest of the usual setup
  defineConfig({
    root: fileURLToPath(new URL('../../../', import.meta.url)),
    resolve: {
      alias: [{ find: /^.*\/store\/memory\/memory-store\.ts$/, replacement: fileURLToPath(new URL(shim, import.meta.url)) }],
    },
    test: { testTimeout: 60_000, hookTimeout: 60_000 },
  }),
);
// Replaced, not merged: the HTTP suite and the security tests, which go through the same server.
config.test!.include = ['test/http/**/*.test.ts', 'test/security/**/*.test.ts'];
export default config;

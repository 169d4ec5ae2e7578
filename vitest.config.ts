import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The package's self-reference (`import ... from 'scim2-server'`, 'scim2-server/client') resolves to
  // src/ here, through the `scim2-server-source` export condition; published consumers get dist/.
  ssr: { resolve: { conditions: ['scim2-server-source', ...defaultServerConditions] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

// Handlers are typed from the generated contract: the table must name exactly the contract's
// operationIds. The @ts-expect-error lines are checked by `npm run typecheck` (tsc fails if a
// line that should not compile does).
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../src/contract/load.ts';
import type { Handler, Handlers } from '../../src/handlers/types.ts';
import { ScimServer } from '../../src/server.ts';

const noop: Handler<'getUser'> = async () => ({ status: 200 });

// @ts-expect-error a handler for an operationId the contract does not declare
const extra: Partial<Handlers> = { getUserByMagic: noop };
// @ts-expect-error a missing handler (only one of many given)
const missing: Handlers = { getUser: noop };
void extra;
void missing;

describe('handler table', () => {
  it('registers one handler per operationId of the contract', async () => {
    const contract = await loadContract();
    const ids: string[] = [];
    for (const item of Object.values(contract.dereferenced.paths as Record<string, Record<string, { operationId?: string }>>)) {
      for (const op of Object.values(item)) if (op && typeof op === 'object' && op.operationId) ids.push(op.operationId);
    }
    const server = await ScimServer.create();
    const registered = Object.keys((server.backend.api as unknown as { handlers: Record<string, unknown> }).handlers);
    for (const id of ids) expect(registered).toContain(id);
    expect(ids.length).toBe(25);
  });
});

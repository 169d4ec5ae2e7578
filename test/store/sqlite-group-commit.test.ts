// SQLite group commit (src/store/sqlite/group-commit.ts): writes that arrive together share one
// commit (one fsync) instead of one each, yet each stays atomic on its own: one that fails (409,
// 412, a member that does not exist) leaves the others of its commit in place and itself nowhere;
// and a read of a resource sees the write to it that is still waiting, so PATCHes do not conflict.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchemaRegistry } from '../../src/schema/registry.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { tempDir, testRegistry } from './helpers/backends.ts';

let registry: SchemaRegistry;
const dir = tempDir('scim-group-commit-');
beforeAll(async () => {
  registry = await testRegistry();
});
afterAll(() => dir.remove());

/** WAL frames written since the last call: each commit appends the pages it changed. */
function walFrames(path: string): () => number {
  const db = new Database(path);
  const checkpoint = () => db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number }[];
  checkpoint();
  return () => {
    const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    checkpoint();
    return log;
  };
}

describe('SQLite group commit', () => {
  it('concurrent writes share commits: far fewer WAL frames than the same writes one by one', async () => {
    const path = join(dir.path, 'frames.db');
    const store = new SqliteStore(registry, { path });
    const frames = walFrames(path);
    for (let i = 0; i < 40; i++) await store.create('User', { userName: `one-by-one-${i}` });
    const sequential = frames();
    await Promise.all(Array.from({ length: 40 }, (_, i) => store.create('User', { userName: `together-${i}` })));
    const together = frames();
    expect(await store.count('User')).toBe(80);
    // One commit per write rewrites the same pages 40 times; one shared commit writes them once.
    expect(together).toBeLessThan(sequential / 4);
    await store.close();
  });

  it('a write that fails in a shared commit is rolled back alone; the others are kept', async () => {
    const path = join(dir.path, 'atomic.db');
    const store = new SqliteStore(registry, { path });
    const alice = await store.create('User', { userName: 'alice' });
    const group = await store.create('Group', { displayName: 'team' });
    const outcomes = await Promise.allSettled([
      store.create('User', { userName: 'bob' }),
      store.create('User', { userName: 'ALICE' }), // 409: userName is taken
      store.replace('User', alice.id, { userName: 'alice', title: 'lead' }),
      store.replace('User', alice.id, { userName: 'alice', title: 'stale' }, undefined, { ifMatch: [alice.version] }), // 412 after the one above
      // 400: the second member does not exist; the group's rename must not land either.
      store.replace('Group', group.id, { displayName: 'renamed' }, { add: [{ value: alice.id, type: 'User' }, { value: 'nobody', type: 'User' }] }),
      store.create('User', { userName: 'carol' }),
    ]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? 'ok' : (o.reason as { status?: number }).status))).toEqual(['ok', 409, 'ok', 412, 400, 'ok']);
    await store.close();

    // Reopened: exactly the successful writes, each whole.
    const again = new SqliteStore(registry, { path });
    const page = { kind: 'index', offset: 0, limit: 10 } as const;
    expect((await again.query('User', { page })).resources.map((r) => r.data.userName)).toEqual(['alice', 'bob', 'carol']);
    expect((await again.get('User', alice.id))?.data.title).toBe('lead');
    expect((await again.get('Group', group.id))?.data.displayName).toBe('team');
    expect(await again.members(group.id)).toEqual([]);
    await again.close();
  });

  it('reading a resource with a write still waiting commits it first: the next read-modify-write does not conflict', async () => {
    const path = join(dir.path, 'settle.db');
    const store = new SqliteStore(registry, { path });
    const user = await store.create('User', { userName: 'dave' });
    // As PATCH does: read the version, then write conditionally on it; a second request in between.
    const first = store.replace('User', user.id, { userName: 'dave', title: 'one' }, undefined, { ifMatch: [user.version] });
    const read = await store.get('User', user.id);
    expect(read?.data.title).toBe('one');
    const second = store.replace('User', user.id, { userName: 'dave', title: 'two' }, undefined, { ifMatch: [read!.version] });
    await expect(first).resolves.toMatchObject({ data: { title: 'one' } });
    await expect(second).resolves.toMatchObject({ data: { title: 'two' } });
    // A read of another resource does not cut the batch short.
    const other = await store.create('User', { userName: 'erin' });
    const pending = store.replace('User', user.id, { userName: 'dave', title: 'three' });
    await store.get('User', other.id);
    await pending;
    await store.close();
  });

  it('close() commits the writes still waiting', async () => {
    const path = join(dir.path, 'close.db');
    const store = new SqliteStore(registry, { path });
    const pending = store.create('User', { userName: 'last' });
    await store.close();
    await expect(pending).resolves.toMatchObject({ data: { userName: 'last' } });
    const again = new SqliteStore(registry, { path });
    expect(await again.count('User')).toBe(1);
    await again.close();
  });
});

// SQLite durability end to end: the real server on a database file takes a stream of creates and
// multi-operation PATCHes from several clients, is killed with SIGKILL mid-stream, and is started
// again on the same file. Every write that was acknowledged (2xx) must be there, and no PATCH may
// be half applied: each one sets several attributes (or adds a member and renames the group) at once.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/backends.ts';
import { GROUP_URN, PATCH_URN, startServer, USER_URN, type ServerProcess } from './helpers/server-process.ts';

// The servers are real processes: allow for their start-up on a busy CI machine.
const WORKERS = 4;
const KILL_AFTER_ACKS = 160;

interface Worker {
  userId?: string;
  groupId?: string;
  /** Users created (acknowledged) for this worker, in order. */
  created: string[];
  /** The counter value of the last acknowledged PATCH, and of the last one sent. */
  acked: number;
  sent: number;
  /** Group renames: last acknowledged and last sent. */
  groupAcked: number;
  groupSent: number;
}

describe('SQLite: a killed server keeps every acknowledged write, and no half of any', () => {
  const dir = tempDir('scim-durability-');
  const spec = `sqlite:${join(dir.path, 'scim.db')}`;
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    dir.remove();
  });

  it('SIGKILL mid-stream, restart on the same file: all acknowledged writes, whole', async () => {
    const first = await startServer(spec);
    servers.push(first);
    const workers: Worker[] = [];
    for (let w = 0; w < WORKERS; w++) {
      const user = await first.request('POST', '/Users', { schemas: [USER_URN], userName: `worker-${w}`, title: '0', nickName: '0', displayName: '0' });
      const group = await first.request('POST', '/Groups', { schemas: [GROUP_URN], displayName: `g${w}-0` });
      expect([user.status, group.status]).toEqual([201, 201]);
      workers.push({ userId: user.body.id, groupId: group.body.id, created: [], acked: 0, sent: 0, groupAcked: 0, groupSent: 0 });
    }

    let acks = 0;
    let killed = false;
    const ack = () => {
      acks += 1;
      if (acks >= KILL_AFTER_ACKS && !killed) {
        killed = true;
        first.child.kill('SIGKILL'); // at once, with other requests in flight
      }
    };
    const stream = async (w: Worker, n: number) => {
      for (let i = 1; !killed; i++) {
        try {
          const created = await first.request('POST', '/Users', { schemas: [USER_URN], userName: `u-${n}-${i}` });
          if (created.status !== 201) throw new Error(`create: ${created.status}`);
          w.created.push(created.body.id);
          ack();
          w.groupSent = i;
          const g = await first.request('PATCH', `/Groups/${w.groupId}`, {
            schemas: [PATCH_URN],
            Operations: [
              { op: 'add', path: 'members', value: [{ value: created.body.id }] },
              { op: 'replace', path: 'displayName', value: `g${n}-${i}` },
            ],
          });
          if (g.status !== 200 && g.status !== 204) throw new Error(`group patch: ${g.status}`);
          w.groupAcked = i;
          ack();
          w.sent = i;
          const u = await first.request('PATCH', `/Users/${w.userId}`, {
            schemas: [PATCH_URN],
            Operations: [
              { op: 'replace', path: 'title', value: String(i) },
              { op: 'replace', path: 'nickName', value: String(i) },
              { op: 'replace', path: 'displayName', value: String(i) },
            ],
          });
          if (u.status !== 200 && u.status !== 204) throw new Error(`user patch: ${u.status}`);
          w.acked = i;
          ack();
        } catch (err) {
          if (killed) return; // the connection died with the server
          throw err;
        }
      }
    };
    await Promise.all(workers.map((w, n) => stream(w, n)));
    await first.kill();
    expect(acks).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);

    const second = await startServer(spec);
    servers.push(second);
    for (const [n, w] of workers.entries()) {
      for (const id of w.created) expect((await second.request('GET', `/Users/${id}`)).status, `created user ${id}`).toBe(200);
      // All three attributes from one PATCH, from the last acknowledged one or the one in flight.
      const user = (await second.request('GET', `/Users/${w.userId}`)).body;
      expect([user.nickName, user.displayName]).toEqual([user.title, user.title]);
      expect(Number(user.title)).toBeGreaterThanOrEqual(w.acked);
      expect(Number(user.title)).toBeLessThanOrEqual(w.sent);
      // The group's name counts the members added with it: rename and add landed together.
      const group = (await second.request('GET', `/Groups/${w.groupId}`)).body;
      const k = Number(String(group.displayName).split('-')[1]);
      expect(group.displayName).toBe(`g${n}-${k}`);
      expect(k).toBeGreaterThanOrEqual(w.groupAcked);
      expect(k).toBeLessThanOrEqual(w.groupSent);
      expect((group.members ?? []).map((m: { value: string }) => m.value)).toEqual(w.created.slice(0, k));
    }
  }, 180_000); // two server start-ups (several seconds each) and the stream
});

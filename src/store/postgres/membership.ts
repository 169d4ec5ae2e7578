// Membership writes in PostgreSQL, in the memory store's order of effects: clear (replace), remove,
// then add in list order, each a set-based statement however many members change.
import type { MembershipChange } from '../store.ts';
import type { Client } from './connection.ts';

export async function applyMembership(c: Client, groupId: string, change: MembershipChange): Promise<void> {
  if (change.replace) await c.query('DELETE FROM scim_memberships WHERE group_id = $1', [groupId]);
  if (change.remove?.length) {
    await c.query('DELETE FROM scim_memberships WHERE group_id = $1 AND member_id = ANY($2::text[])', [groupId, change.remove]);
  }
  const adds = [...(change.replace ?? []), ...(change.add ?? [])];
  if (adds.length === 0) return;
  // pos (an identity) is drawn as rows leave the ordered subquery: in the list's order. A member
  // already there keeps its row and its place.
  await c.query(
    `INSERT INTO scim_memberships (group_id, member_id, member_type, display)
     SELECT $1, u.member_id, u.member_type, u.display
     FROM (SELECT * FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS t (member_id, member_type, display, n) ORDER BY n) u
     ON CONFLICT (group_id, member_id) DO NOTHING`,
    [groupId, adds.map((m) => m.value), adds.map((m) => m.type), adds.map((m) => m.display ?? null)],
  );
}

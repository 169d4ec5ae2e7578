// User.groups (RFC 7643 §4.1.2) is derived from membership, never stored: the groups that list
// the resource directly, then those reached through nested groups.
import type { Store } from '../store/store.ts';

export interface GroupRef {
  readonly id: string;
  readonly display?: string;
  readonly direct: boolean;
}

/** Breadth-first over "member of"; a visited set makes membership cycles harmless. */
export async function directAndIndirectGroups(store: Store, memberId: string): Promise<GroupRef[]> {
  // A member of no group is answered without the walk's bookkeeping.
  const first = await store.groupsOf(memberId);
  if (first.length === 0) return [];
  const seen = new Set<string>([memberId]);
  const out: GroupRef[] = [];
  let frontier = [memberId];
  let direct = true;
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const groupId of id === memberId ? first : await store.groupsOf(id)) {
        if (seen.has(groupId)) continue;
        seen.add(groupId);
        const group = await store.get('Group', groupId);
        const display = group?.data.displayName;
        out.push({ id: groupId, direct, ...(typeof display === 'string' ? { display } : {}) });
        next.push(groupId);
      }
    }
    frontier = next;
    direct = false;
  }
  return out;
}

// Group membership as two indexes: group -> members (insertion-ordered map keyed by member id) and
// member -> groups. Adding or removing one member is O(1) whatever the group's size.
import type { Member, MembershipChange } from '../store.ts';

export class Membership {
  private readonly membersOf = new Map<string, Map<string, Member>>();
  private readonly groupsOfMember = new Map<string, Set<string>>();

  members(groupId: string): Member[] {
    const m = this.membersOf.get(groupId);
    return m ? [...m.values()] : [];
  }

  isMember(groupId: string, memberId: string): boolean {
    return this.membersOf.get(groupId)?.has(memberId) === true;
  }

  groupsOf(memberId: string): string[] {
    const g = this.groupsOfMember.get(memberId);
    return g ? [...g] : [];
  }

  /** Groups holding `memberId` directly or through nested groups (cycles are harmless). */
  transitiveGroupsOf(memberId: string): string[] {
    const queue = [memberId];
    const seen = new Set(queue);
    for (let i = 0; i < queue.length; i++) {
      for (const g of this.groupsOfMember.get(queue[i]) ?? []) {
        if (!seen.has(g)) {
          seen.add(g);
          queue.push(g);
        }
      }
    }
    return queue.slice(1);
  }

  apply(groupId: string, change: MembershipChange): void {
    if (change.replace) this.clear(groupId);
    for (const id of change.remove ?? []) this.removeOne(groupId, id);
    for (const m of change.replace ?? []) this.addOne(groupId, m);
    for (const m of change.add ?? []) this.addOne(groupId, m);
  }

  /** Forgets a resource entirely: its own member list (if a group) and every membership naming it. */
  forget(id: string): void {
    this.clear(id);
    for (const groupId of this.groupsOf(id)) this.removeOne(groupId, id);
    this.groupsOfMember.delete(id);
  }

  private addOne(groupId: string, member: Member): void {
    let m = this.membersOf.get(groupId);
    if (!m) this.membersOf.set(groupId, (m = new Map()));
    if (m.has(member.value)) return;
    m.set(member.value, member);
    let g = this.groupsOfMember.get(member.value);
    if (!g) this.groupsOfMember.set(member.value, (g = new Set()));
    g.add(groupId);
  }

  private removeOne(groupId: string, memberId: string): void {
    this.membersOf.get(groupId)?.delete(memberId);
    const g = this.groupsOfMember.get(memberId);
    if (g) {
      g.delete(groupId);
      if (g.size === 0) this.groupsOfMember.delete(memberId);
    }
  }

  private clear(groupId: string): void {
    const m = this.membersOf.get(groupId);
    if (!m) return;
    for (const memberId of m.keys()) {
      const g = this.groupsOfMember.get(memberId);
      g?.delete(groupId);
      if (g && g.size === 0) this.groupsOfMember.delete(memberId);
    }
    this.membersOf.delete(groupId);
  }
}

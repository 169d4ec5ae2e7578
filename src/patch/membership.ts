// Group membership under PATCH, without ever loading the member list for the common forms:
// `add members`, `remove members[value eq "id"]` (and `or` chains of those), Entra's
// `remove members` with a value list (rule 3), and `remove members` / `replace members` (all).
// Each step asks the store whether one id is a member (O(1)); the result is a delta the store
// applies in one write. Only an unusual filter (members[type eq "Group"]) reads the list, and a
// clear (remove/replace all) reads it once to tell whether anything changed (see hasEffect).
import { chainOperands, type Filter } from '../filter/index.ts';
import type { Member, MembershipChange } from '../store/store.ts';

export interface MembershipSource {
  /** Whether the id is a member now (before this PATCH). */
  isMember(id: string): Promise<boolean>;
  /** The whole current list; only for filters that are not plain value equality. */
  all(): Promise<readonly Member[]>;
}

export class MembershipDelta {
  private cleared = false;
  private readonly added = new Map<string, Member>();
  private readonly removed = new Set<string>();

  constructor(private readonly source: MembershipSource) {}

  async has(id: string): Promise<boolean> {
    if (this.added.has(id)) return true;
    if (this.cleared || this.removed.has(id)) return false;
    return this.source.isMember(id);
  }

  /** Adds members not already present (RFC 7644 §3.5.2.1: an identical value is not duplicated). */
  async add(members: readonly Member[]): Promise<void> {
    for (const m of members) {
      if (await this.has(m.value)) continue;
      this.removed.delete(m.value);
      this.added.set(m.value, m);
    }
  }

  async remove(id: string): Promise<void> {
    if (!(await this.has(id))) return; // removing a non-member changes nothing
    this.added.delete(id);
    if (!this.cleared) this.removed.add(id);
  }

  clear(): void {
    this.cleared = true;
    this.added.clear();
    this.removed.clear();
  }

  /** The members after the changes so far (reads the list: only for unusual filters). */
  async current(): Promise<Member[]> {
    const base = this.cleared ? [] : (await this.source.all()).filter((m) => !this.removed.has(m.value) && !this.added.has(m.value));
    return [...base, ...this.added.values()];
  }

  get changed(): boolean {
    return this.cleared || this.added.size > 0 || this.removed.size > 0;
  }

  /**
   * Whether the delta changes the member list at all (`changed` only says it recorded steps).
   * Fix: `remove members` on an empty group, `replace members` with the current list, or removing
   * then re-adding one id bumped meta.version though nothing changed. Only a clear reads the list
   * (and a clear rewrites the whole list anyway); otherwise one O(1) check per recorded id.
   */
  async hasEffect(): Promise<boolean> {
    if (this.cleared) {
      const before = await this.source.all();
      return before.length !== this.added.size || before.some((m) => !sameMember(m, this.added.get(m.value)));
    }
    for (const id of this.removed) if (await this.source.isMember(id)) return true;
    for (const id of this.added.keys()) if (!(await this.source.isMember(id))) return true;
    return false;
  }

  toChange(): MembershipChange {
    if (this.cleared) return { replace: [...this.added.values()] };
    return { remove: [...this.removed], add: [...this.added.values()] };
  }
}

function sameMember(a: Member, b: Member | undefined): boolean {
  return b !== undefined && a.value === b.value && a.type === b.type && a.display === b.display;
}

/** The ids a filter selects when it is `value eq "a"` or `value eq "a" or value eq "b" ...`. */
export function valueEqualityIds(filter: Filter): string[] | undefined {
  const terms = filter.kind === 'or' ? chainOperands(filter) : [filter];
  const ids: string[] = [];
  for (const t of terms) {
    if (t.kind !== 'compare' || t.op !== 'eq' || typeof t.value !== 'string') return undefined;
    if (t.path.urn !== undefined || t.path.sub !== undefined || t.path.attr.toLowerCase() !== 'value') return undefined;
    ids.push(t.value);
  }
  return ids;
}

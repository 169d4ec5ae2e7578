// Group members must reference existing Users or Groups (RFC 7643 §4.2). Each requested member is
// checked against the store and completed with its real type and a display name.
import { excerpt, ScimError } from '../errors.ts';
import type { Member, Store } from '../store/store.ts';

interface MemberInput {
  value?: unknown;
  type?: unknown;
  display?: unknown;
}

export async function resolveMembers(store: Store, input: unknown, groupId?: string): Promise<Member[]> {
  if (input === undefined) return [];
  const out: Member[] = [];
  const seen = new Set<string>();
  for (const [i, raw] of (input as MemberInput[]).entries()) {
    const value = raw.value;
    if (typeof value !== 'string' || value === '') {
      throw new ScimError(400, `Attribute 'members[${i}].value' is required`, 'invalidValue');
    }
    if (value === groupId) throw new ScimError(400, `A group cannot be a member of itself`, 'invalidValue');
    const type = await store.typeOf(value);
    if (type !== 'User' && type !== 'Group') {
      throw new ScimError(400, `members[${i}].value "${excerpt(value)}" is not an existing User or Group`, 'invalidValue');
    }
    if (typeof raw.type === 'string' && raw.type.toLowerCase() !== type.toLowerCase()) {
      throw new ScimError(400, `members[${i}].type is "${excerpt(raw.type)}" but ${excerpt(value)} is a ${type}`, 'invalidValue');
    }
    // Duplicates collapse only after their own checks: a repeated entry with a wrong type used to be
    // skipped before the type check and so accepted silently.
    if (seen.has(value)) continue;
    seen.add(value);
    const display = typeof raw.display === 'string' ? raw.display : await displayOf(store, type, value);
    out.push(display === undefined ? { value, type } : { value, type, display });
  }
  return out;
}

async function displayOf(store: Store, type: string, id: string): Promise<string | undefined> {
  const r = await store.get(type, id);
  const d = r?.data.displayName ?? r?.data.userName;
  return typeof d === 'string' ? d : undefined;
}

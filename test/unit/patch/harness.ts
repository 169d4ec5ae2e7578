// Test harness for the PATCH engine: the real registry and validators from the contract, a fake
// MembershipSource that counts how it is read, and a table runner that checks, for every row, the
// invariants every PATCH must keep (input untouched, `changed` true exactly when something changed,
// errors naming the failing operation) before the row's own expectations.
import { isDeepStrictEqual } from 'node:util';
import { expect } from 'vitest';
import { loadContract } from '../../../src/contract/load.ts';
import { ScimError, type ScimType } from '../../../src/errors.ts';
import { applyPatch, type PatchResult } from '../../../src/patch/apply.ts';
import { DEFAULT_DIALECTS, STRICT_DIALECTS, type PatchDialects } from '../../../src/patch/dialects.ts';
import type { MembershipSource } from '../../../src/patch/membership.ts';
import { readOperations } from '../../../src/patch/operations.ts';
import type { AttributeDef, ResourceTypeDef } from '../../../src/schema/attributes.ts';
import type { ScimObject } from '../../../src/schema/normalize.ts';
import { SchemaRegistry } from '../../../src/schema/registry.ts';
import { compileResourceValidator, type ResourceValidator } from '../../../src/schema/validate.ts';
import type { Member, MembershipChange } from '../../../src/store/store.ts';

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

// Ids from RFC 7643 §8.4 / RFC 7644 §3.5.2.
export const BABS = '2819c223-7f76-453a-919d-413861904646';
export const JAMES = '08e1d05d-121c-4561-8b96-473d93df9210';
export const MANDY = '902c246b-6245-4190-8e05-00816be7344a';
export const NIGHT_SHIFT = 'fc348aa8-3835-40eb-a20b-c726e15c55b5';
export const MANAGER_ID = '26118915-6090-4610-87e4-49d8ca9f808d';
export const USER_ID = BABS;
export const GROUP_ID = 'e9e30dba-f08f-4109-8486-d5c6a331660a';

/** What the fake directory knows: the ids a member may reference. */
export const DIRECTORY: ReadonlyMap<string, Member> = new Map<string, Member>([
  [BABS, { value: BABS, type: 'User', display: 'Babs Jensen' }],
  [JAMES, { value: JAMES, type: 'User', display: 'James Smith' }],
  [MANDY, { value: MANDY, type: 'User', display: 'Mandy Pepperidge' }],
  [NIGHT_SHIFT, { value: NIGHT_SHIFT, type: 'Group', display: 'Night Shift' }],
]);

/** A trimmed RFC 7643 §8.2 user, as the store keeps it (no id, meta, groups). */
export function bjensen(): ScimObject {
  return {
    userName: 'bjensen@example.com',
    externalId: 'bjensen',
    name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara', middleName: 'Jane' },
    displayName: 'Babs Jensen',
    active: true,
    emails: [
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ],
    addresses: [
      { type: 'work', streetAddress: '100 Universal City Plaza', locality: 'Hollywood', region: 'CA', postalCode: '91608', country: 'USA', primary: true },
      { type: 'home', streetAddress: '456 Hollywood Blvd', locality: 'Hollywood', region: 'CA', postalCode: '91608', country: 'USA' },
    ],
    phoneNumbers: [{ value: '555-555-5555', type: 'work' }],
    [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations', manager: { value: MANAGER_ID } },
  };
}

export function tourGuides(): ScimObject {
  return { displayName: 'Tour Guides' };
}

interface Engine {
  user: ResourceTypeDef;
  group: ResourceTypeDef;
  /** User with externalId made immutable: the contract has no immutable simple attribute of its own. */
  userImmutableExternalId: ResourceTypeDef;
  validateUser: ResourceValidator;
  validateGroup: ResourceValidator;
}

let engine: Promise<Engine> | undefined;

export function loadEngine(): Promise<Engine> {
  engine ??= (async () => {
    const contract = (await loadContract()).dereferenced;
    const registry = SchemaRegistry.fromContract(contract);
    const user = registry.requireResourceType('User');
    const group = registry.requireResourceType('Group');
    const externalId = user.common.get('externalid')!;
    const immutable: AttributeDef = { ...externalId, mutability: 'immutable' };
    const common = new Map(user.common);
    common.set('externalid', immutable);
    return {
      user,
      group,
      userImmutableExternalId: { ...user, common },
      validateUser: compileResourceValidator(contract, user),
      validateGroup: compileResourceValidator(contract, group),
    };
  })();
  return engine;
}

/** A group's member list as the store would answer, counting how it is asked. */
export class FakeMembers implements MembershipSource {
  isMemberCalls = 0;
  allCalls = 0;
  readonly list: Member[];

  constructor(ids: readonly string[]) {
    this.list = ids.map((id) => DIRECTORY.get(id)!);
  }

  async isMember(id: string): Promise<boolean> {
    this.isMemberCalls++;
    return this.list.some((m) => m.value === id);
  }

  async all(): Promise<readonly Member[]> {
    this.allCalls++;
    return this.list;
  }

  /** The member ids after the store applies `change` (as the memory store does: remove, then add). */
  after(change: MembershipChange | undefined): string[] {
    let ids = this.list.map((m) => m.value);
    if (!change) return ids;
    if (change.replace) ids = [];
    ids = ids.filter((id) => !(change.remove ?? []).includes(id));
    for (const m of [...(change.replace ?? []), ...(change.add ?? [])]) if (!ids.includes(m.value)) ids.push(m.value);
    return ids;
  }
}

/** resolveMembers' contract, over the fake directory: every member names an existing resource. */
async function resolve(values: unknown): Promise<Member[]> {
  const out: Member[] = [];
  for (const [i, raw] of (values as { value?: unknown; display?: unknown }[]).entries()) {
    const found = typeof raw?.value === 'string' ? DIRECTORY.get(raw.value) : undefined;
    if (!found) throw new ScimError(400, `members[${i}].value is not an existing User or Group`, 'invalidValue');
    if (!out.some((m) => m.value === found.value)) out.push(found);
  }
  return out;
}

export type Dialects = 'default' | 'strict' | Partial<PatchDialects>;

export function dialectsOf(d: Dialects | undefined): PatchDialects {
  if (d === undefined || d === 'default') return DEFAULT_DIALECTS;
  if (d === 'strict') return STRICT_DIALECTS;
  return { ...DEFAULT_DIALECTS, ...d };
}

export type ResourceKind = 'User' | 'Group' | 'UserImmutableExternalId';

/** One row of a table. */
export interface Row {
  name: string;
  type?: ResourceKind;
  /** The stored resource before; bjensen() for users, tourGuides() for groups. */
  before?: ScimObject;
  /** Group: the current member ids. */
  members?: string[];
  ops: Record<string, unknown>[];
  dialects?: Dialects;
  /** The exact data after: an object, or a change to a copy of `before`. */
  after?: ScimObject | ((draft: any) => void);
  /** Group: the member ids after. */
  membersAfter?: string[];
  /** Stated for emphasis; always checked against what really changed. */
  changed?: boolean;
  /** The PATCH fails: scimType, the 1-based operation it names, and more of the detail. */
  error?: { type: ScimType; op: number; detail?: RegExp };
  /** Group: whether the engine may read the whole member list (default: it must not). */
  readsList?: boolean;
}

export interface Outcome {
  result?: PatchResult;
  error?: ScimError;
  members?: FakeMembers;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** readOperations + applyPatch, as ResourceService.patch() calls them. */
export async function patch(
  type: ResourceKind,
  before: ScimObject,
  ops: Record<string, unknown>[],
  dialects: Dialects = 'default',
  memberIds: readonly string[] = [],
): Promise<Outcome> {
  const e = await loadEngine();
  const rt = type === 'Group' ? e.group : type === 'User' ? e.user : e.userImmutableExternalId;
  const validate = type === 'Group' ? e.validateGroup : e.validateUser;
  const d = dialectsOf(dialects);
  const members = type === 'Group' ? new FakeMembers(memberIds) : undefined;
  try {
    const operations = readOperations(rt, ops, d);
    const result = await applyPatch(
      {
        rt,
        dialects: d,
        id: type === 'Group' ? GROUP_ID : USER_ID,
        validate: (doc) => void validate(doc),
        ...(members ? { members: { source: members, resolve } } : {}),
      },
      before,
      operations,
    );
    return { result, members };
  } catch (err) {
    if (err instanceof ScimError) return { error: err, members };
    throw err;
  }
}

/** Runs a row and checks it: the invariants, then the row's expectations. */
export async function checkRow(row: Row): Promise<Outcome> {
  const type = row.type ?? 'User';
  const before = row.before ?? (type === 'Group' ? tourGuides() : bjensen());
  const snapshot = structuredClone(before);
  // The engine works on a copy: a frozen input would throw on any write to it.
  const outcome = await patch(type, deepFreeze(before), row.ops, row.dialects, row.members ?? []);
  expect(before, 'the input resource is never modified').toEqual(snapshot);

  if (row.error) {
    expect(outcome.error, `expected ${row.error.type}, got ${JSON.stringify(outcome.result)}`).toBeDefined();
    const err = outcome.error!;
    expect(err.status).toBe(400);
    expect(err.scimType, err.detail).toBe(row.error.type);
    expect(err.detail).toMatch(new RegExp(`^operation ${row.error.op} \\(`));
    if (row.error.detail) expect(err.detail).toMatch(row.error.detail);
    return outcome;
  }

  expect(outcome.error, outcome.error?.detail).toBeUndefined();
  const result = outcome.result!;
  if (row.after !== undefined) {
    let expected = row.after;
    if (typeof expected === 'function') {
      const draft = structuredClone(snapshot);
      expected(draft);
      expected = draft;
    }
    expect(result.data).toEqual(expected);
  }
  const dataChanged = !isDeepStrictEqual(result.data, snapshot);
  let membersChanged = false;
  if (outcome.members) {
    const beforeIds = outcome.members.list.map((m) => m.value);
    const afterIds = outcome.members.after(result.membership);
    membersChanged = !isDeepStrictEqual([...afterIds].sort(), [...beforeIds].sort());
    if (row.membersAfter) expect([...afterIds].sort()).toEqual([...row.membersAfter].sort());
    expect(result.membership !== undefined, 'a membership change is returned exactly when the list changes').toBe(membersChanged);
    if (!row.readsList) expect(outcome.members.allCalls, 'the member list is never read for this form').toBe(0);
  }
  // meta.version and lastModified move only when this is true (RFC 7644 §3.5.2.1).
  expect(result.changed, 'changed is true exactly when the resource changed').toBe(dataChanged || membersChanged);
  if (row.changed !== undefined) expect(result.changed).toBe(row.changed);
  return outcome;
}

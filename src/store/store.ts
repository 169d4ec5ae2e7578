// The storage interface: the only way the rest of the server touches data. It is async so that
// durable and shared backends (SQLite, PostgreSQL) can implement it unchanged.
//
// A store keeps resources as canonical attribute objects (no id, meta, members or groups inside
// `data`), enforces uniqueness, and keeps group membership as a relation of its own, so that
// adding or removing one member never copies a member list.

import type { Filter } from '../filter/index.ts';
import type { CursorPosition } from '../query/cursor.ts';
import type { SortSpec } from '../query/sort.ts';

export type ResourceData = Readonly<Record<string, unknown>>;

/** One member of a group, as stored. */
export interface Member {
  readonly value: string;
  readonly type: 'User' | 'Group';
  readonly display?: string;
}

export interface StoredResource {
  readonly resourceType: string;
  readonly id: string;
  /** Attributes in canonical casing, without id, meta, members or the derived groups. */
  readonly data: ResourceData;
  readonly created: string;
  readonly lastModified: string;
  /** The entity tag of this version, e.g. W/"3f9a1c". Changes on every change. */
  readonly version: string;
}

/** A precondition on the version a write applies to (If-Match, RFC 7644 §3.14). */
export interface WriteCondition {
  /** Entity tags any of which must equal the current version; `*` matches any existing resource. */
  readonly ifMatch?: readonly string[];
}

/** Index paging: 0-based offset; cursor paging: the keyset position after which to continue. */
export type PageSpec =
  | { readonly kind: 'index'; readonly offset: number; readonly limit: number }
  | { readonly kind: 'cursor'; readonly after?: CursorPosition; readonly limit: number };

export interface StoreQuery {
  /** A parsed SCIM filter (RFC 7644 §3.4.2.2); absent means every resource. */
  readonly filter?: Filter;
  /** Absent: creation order. */
  readonly sort?: SortSpec;
  readonly page: PageSpec;
}

export interface QueryResult {
  /** Resources matching the filter, over all pages. */
  readonly totalResults: number;
  readonly resources: readonly StoredResource[];
  /** Cursor paging: the position of the last resource returned, when more follow. */
  readonly next?: CursorPosition;
}

/** A change to a group's membership; `replace` swaps the whole list (PUT), else add/remove apply. */
export interface MembershipChange {
  readonly replace?: readonly Member[];
  readonly add?: readonly Member[];
  readonly remove?: readonly string[];
}

export interface Store {
  /** Creates a resource; rejects with a 409 uniqueness ScimError when a unique attribute is taken. */
  create(resourceType: string, data: ResourceData, members?: readonly Member[]): Promise<StoredResource>;
  get(resourceType: string, id: string): Promise<StoredResource | undefined>;
  /**
   * Replaces a resource's data (and membership, when given) as one atomic compare-and-set:
   * rejects with 404 when absent, 412 when `condition` fails, 409 on uniqueness.
   */
  replace(
    resourceType: string,
    id: string,
    data: ResourceData,
    membership?: MembershipChange,
    condition?: WriteCondition,
  ): Promise<StoredResource>;
  /** Deletes a resource and every membership that names it; 404 when absent, 412 on condition. */
  delete(resourceType: string, id: string, condition?: WriteCondition): Promise<void>;
  /** A page of resources in a stable order (creation order when no sort is asked). */
  query(resourceType: string, query: StoreQuery): Promise<QueryResult>;
  count(resourceType: string): Promise<number>;
  /** The direct members of a group, in the order they were added. */
  members(groupId: string): Promise<readonly Member[]>;
  /** Whether `memberId` is a direct member of the group; O(1) whatever the group's size. */
  isMember(groupId: string, memberId: string): Promise<boolean>;
  /** The ids of the groups that list `memberId` directly. */
  groupsOf(memberId: string): Promise<readonly string[]>;
  /** Which resource type holds this id, if any (ids are unique across types). */
  typeOf(id: string): Promise<string | undefined>;
  /** Resolves when the store can serve requests (readiness); rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

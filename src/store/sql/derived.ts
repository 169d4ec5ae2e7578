// Group.members and User.groups in SQL. Neither is stored in `data`: members are rows of the
// membership table, and User.groups is derived from it (direct groups, then the groups those are
// members of, with cycles harmless), exactly as src/store/memory/membership.ts derives it.
import type { SqlDialect } from './dialect.ts';
import { GROUPS_OF, MEMBERSHIPS, RESOURCES } from './names.ts';
import type { Context, Value } from './values.ts';

type Rows<R> = (test: (row: Value<R>) => string) => string;

const ABSENT = { kind: 'const', value: undefined } as const;

/** A member as the view has it: value, type, display ($ref is added only when serialising). */
function memberRow<R>(alias: string): Value<R> {
  return {
    kind: 'row',
    fields: new Map<string, Value<R>>([
      ['value', { kind: 'text', sql: `${alias}.member_id` }],
      ['type', { kind: 'text', sql: `${alias}.member_type` }],
      ['display', { kind: 'text', sql: `${alias}.display` }],
      ['$ref', ABSENT],
    ]),
  };
}

export function membersOf<R>(ctx: Context<R>): Rows<R> {
  return (test) => {
    const m = ctx.alias('m');
    return ctx.dialect.existsQuery(`SELECT 1 FROM ${MEMBERSHIPS} ${m} WHERE ${m}.group_id = r.id AND ${test(memberRow(m))}`);
  };
}

/** A group of a user as the view has it: value, display (the group's current name), direct/indirect. */
export function groupsOf<R>(ctx: Context<R>): Rows<R> {
  return (test) => {
    ctx.usesGroups = true;
    const g = ctx.alias('g');
    const row: Value<R> = {
      kind: 'row',
      fields: new Map<string, Value<R>>([
        ['value', { kind: 'text', sql: `${g}.group_id` }],
        ['type', { kind: 'text', sql: `(CASE WHEN ${g}.direct = 1 THEN 'direct' ELSE 'indirect' END)` }],
        ['display', { kind: 'text', sql: `${g}.display` }],
        ['$ref', ABSENT],
      ]),
    };
    return `(r.id IN (SELECT ${g}.member_id FROM ${GROUPS_OF} ${g} WHERE ${test(row)}))`;
  };
}

/**
 * The CTEs behind groupsOf: every (member, group) pair reachable through membership, direct when
 * the member is listed by the group itself. UNION (not UNION ALL) stops at cycles. The whole
 * closure is computed once per statement, so a filter on User.groups costs in proportion to all
 * memberships and their nesting, not to one user's.
 */
export function groupsOfCte<R>(d: SqlDialect<R>): string {
  const name = d.child(d.doc('g'), 'displayName');
  return (
    `scim_reach (member_id, group_id, direct) AS (` +
    `SELECT member_id, group_id, 1 FROM ${MEMBERSHIPS} ` +
    `UNION SELECT x.member_id, m.group_id, 0 FROM scim_reach x JOIN ${MEMBERSHIPS} m ON m.member_id = x.group_id), ` +
    `${GROUPS_OF} (member_id, group_id, direct, display) AS (` +
    `SELECT y.member_id, y.group_id, y.direct, CASE WHEN ${d.isString(name)} THEN ${d.text(name)} END ` +
    `FROM (SELECT member_id, group_id, max(direct) AS direct FROM scim_reach WHERE member_id <> group_id ` +
    `GROUP BY member_id, group_id) y LEFT JOIN ${RESOURCES} g ON g.id = y.group_id)`
  );
}

/** The member sorting reads: the first one added (members have no `primary`). */
export function firstMember<R>(): Value<R> {
  const first = (column: string) =>
    `(SELECT fm.${column} FROM ${MEMBERSHIPS} fm WHERE fm.group_id = r.id ORDER BY fm.pos LIMIT 1)`;
  return {
    kind: 'row',
    fields: new Map<string, Value<R>>([
      ['value', { kind: 'text', sql: first('member_id') }],
      ['type', { kind: 'text', sql: first('member_type') }],
      ['display', { kind: 'text', sql: first('display') }],
      ['$ref', ABSENT],
    ]),
  };
}

/** The group sorting reads: the first listed, which is the first direct group the user joined. */
export function firstGroup<R>(d: SqlDialect<R>): Value<R> {
  const value = `(SELECT fg.group_id FROM ${MEMBERSHIPS} fg WHERE fg.member_id = r.id ORDER BY fg.pos LIMIT 1)`;
  const name = d.child(d.doc('gr'), 'displayName');
  const display =
    `(SELECT CASE WHEN ${d.isString(name)} THEN ${d.text(name)} END FROM ${MEMBERSHIPS} fg ` +
    `JOIN ${RESOURCES} gr ON gr.id = fg.group_id WHERE fg.member_id = r.id ORDER BY fg.pos LIMIT 1)`;
  return {
    kind: 'row',
    fields: new Map<string, Value<R>>([
      ['value', { kind: 'text', sql: value }],
      ['type', { kind: 'text', sql: `(CASE WHEN ${value} IS NOT NULL THEN 'direct' END)` }],
      ['display', { kind: 'text', sql: display }],
      ['$ref', ABSENT],
    ]),
  };
}

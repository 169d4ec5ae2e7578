// The identity-provider PATCH dialects (src/patch/dialects.ts, rules 1-7), each row run twice:
// with DEFAULT_DIALECTS (what `startApp()` uses) and with STRICT_DIALECTS (`strictPatch: true`,
// pure RFC 7644: rules 2-7 off). Request shapes are the ones /work/shared/reference/idp-requests.md
// lists for Entra ID and Okta. The harness checks the same invariants as engine.test.ts.
import { describe, it } from 'vitest';
import {
  BABS,
  checkRow,
  ENTERPRISE,
  GROUP_ID,
  JAMES,
  MANAGER_ID,
  MANDY,
  USER_ID,
  type Row,
} from './harness.ts';

type Outcome = Omit<Row, 'name' | 'type' | 'before' | 'members' | 'ops' | 'dialects'>;

interface DialectCase extends Pick<Row, 'type' | 'before' | 'members' | 'ops'> {
  name: string;
  /** With the dialects on (default). */
  on: Outcome;
  /** With `strictPatch: true`. */
  strict: Outcome;
}

function table(cases: DialectCase[]) {
  const rows: Row[] = cases.flatMap(({ on, strict, ...c }) => [
    { ...c, ...on, name: `on: ${c.name}`, dialects: 'default' as const },
    { ...c, ...strict, name: `strict: ${c.name}`, dialects: 'strict' as const },
  ]);
  it.each(rows)('$name', async (row) => void (await checkRow(row)));
}

const same = (o: Outcome) => ({ on: o, strict: o });

describe('rule 1: op in any case (always on)', () => {
  table([
    { name: '"Replace"', ops: [{ op: 'Replace', path: 'displayName', value: 'Barbara' }], ...same({ after: (u) => void (u.displayName = 'Barbara') }) },
    { name: '"ADD"', ops: [{ op: 'ADD', path: 'nickName', value: 'Babs' }], ...same({ after: (u) => void (u.nickName = 'Babs') }) },
    { name: '"Remove"', ops: [{ op: 'Remove', path: 'displayName' }], ...same({ after: (u) => void delete u.displayName }) },
    { name: '"Remove" without path is still noTarget', ops: [{ op: 'Remove' }], ...same({ error: { type: 'noTarget', op: 1 } }) },
  ]);
});

describe('rule 2: "True"/"False" strings for boolean attributes, in values and filters (Entra ID)', () => {
  table([
    {
      name: 'replace active "False"',
      ops: [{ op: 'Replace', path: 'active', value: 'False' }],
      on: { after: (u) => void (u.active = false) },
      strict: { error: { type: 'invalidValue', op: 1, detail: /'active'.*boolean/ } },
    },
    {
      name: 'replace active "TRUE" (any case)',
      before: { userName: 'bjensen', active: false },
      ops: [{ op: 'replace', path: 'active', value: 'TRUE' }],
      on: { after: { userName: 'bjensen', active: true } },
      strict: { error: { type: 'invalidValue', op: 1, detail: /active/ } },
    },
    {
      name: 'path-less {"active": "false"}',
      ops: [{ op: 'replace', value: { active: 'false' } }],
      on: { after: (u) => void (u.active = false) },
      strict: { error: { type: 'invalidValue', op: 1, detail: /active/ } },
    },
    {
      name: 'a boolean sub-attribute inside a value: primary "True"',
      ops: [{ op: 'add', path: 'emails', value: [{ value: 'bj@example.net', type: 'other', primary: 'True' }] }],
      on: {
        after: (u) => {
          u.emails[0].primary = false;
          u.emails.push({ value: 'bj@example.net', type: 'other', primary: true });
        },
      },
      strict: { error: { type: 'invalidValue', op: 1, detail: /primary/ } },
    },
    {
      name: 'in a path filter: emails[primary eq "True"].value',
      ops: [{ op: 'replace', path: 'emails[primary eq "True"].value', value: 'barbara@example.com' }],
      on: { after: (u) => void (u.emails[0].value = 'barbara@example.com') },
      strict: { error: { type: 'invalidPath', op: 1, detail: /primary/ } },
    },
    {
      name: 'only boolean attributes: displayName "True" stays a string',
      ops: [{ op: 'replace', path: 'displayName', value: 'True' }],
      ...same({ after: (u) => void (u.displayName = 'True') }),
    },
    {
      name: 'only boolean attributes: emails[type eq "True"] compares strings',
      ops: [{ op: 'remove', path: 'emails[type eq "True"]' }],
      ...same({ changed: false }),
    },
    {
      name: 'other words are still not booleans',
      ops: [{ op: 'replace', path: 'active', value: 'yes' }],
      ...same({ error: { type: 'invalidValue', op: 1, detail: /active/ } }),
    },
  ]);
});

describe('rule 3: Entra "Remove members" with a value list removes just those', () => {
  table([
    {
      name: 'one member',
      type: 'Group',
      members: [BABS, JAMES],
      ops: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: BABS }] }],
      on: { membersAfter: [JAMES] },
      // RFC 7644 §3.5.2.2: remove on a multi-valued attribute without filter removes all values.
      strict: { membersAfter: [], readsList: true },
    },
    {
      name: 'several members',
      type: 'Group',
      members: [BABS, JAMES, MANDY],
      ops: [{ op: 'Remove', path: 'members', value: [{ value: BABS }, { value: MANDY }] }],
      on: { membersAfter: [JAMES] },
      strict: { membersAfter: [], readsList: true },
    },
    {
      name: 'a non-member',
      type: 'Group',
      members: [BABS],
      ops: [{ op: 'Remove', path: 'members', value: [{ value: JAMES }] }],
      on: { changed: false },
      strict: { membersAfter: [], readsList: true },
    },
    {
      name: 'an entry without value',
      type: 'Group',
      members: [BABS],
      ops: [{ op: 'Remove', path: 'members', value: [{ display: 'Babs' }] }],
      on: { error: { type: 'invalidValue', op: 1, detail: /value/ } },
      strict: { membersAfter: [], readsList: true },
    },
    {
      name: 'without value: all members (both modes)',
      type: 'Group',
      members: [BABS, JAMES],
      ops: [{ op: 'Remove', path: 'members' }],
      ...same({ membersAfter: [], readsList: true }),
    },
  ]);
});

describe('rule 4: path-less add/replace with dotted or URN-qualified keys (Entra ID)', () => {
  table([
    {
      name: 'the ENTRA-KI "PATCH operations" replace',
      ops: [
        {
          op: 'replace',
          value: {
            displayName: 'Barbara Jensen',
            'emails[type eq "work"].value': 'barbara@example.com',
            'name.givenName': 'Barbie',
            'name.familyName': 'Jensen-Smith',
            externalId: 'bjensen-2',
            [`${ENTERPRISE}:employeeNumber`]: '701985',
          },
        },
      ],
      on: {
        after: (u) => {
          u.displayName = 'Barbara Jensen';
          u.emails[0].value = 'barbara@example.com';
          u.name.givenName = 'Barbie';
          u.name.familyName = 'Jensen-Smith';
          u.externalId = 'bjensen-2';
          u[ENTERPRISE].employeeNumber = '701985';
        },
      },
      // Keys that are not attribute names are ignored, as unknown attributes are on POST/PUT.
      strict: {
        after: (u) => {
          u.displayName = 'Barbara Jensen';
          u.externalId = 'bjensen-2';
        },
      },
    },
    {
      name: 'add {"name.honorificPrefix": ...}',
      ops: [{ op: 'add', value: { 'name.honorificPrefix': 'Ms.' } }],
      on: { after: (u) => void (u.name.honorificPrefix = 'Ms.') },
      strict: { changed: false },
    },
    {
      name: 'a key naming an unknown sub-attribute',
      ops: [{ op: 'add', value: { 'name.shoeSize': '9' } }],
      on: { error: { type: 'invalidPath', op: 1, detail: /shoeSize/ } },
      strict: { changed: false },
    },
    {
      name: 'a key with a value path that matches nothing (replace)',
      ops: [{ op: 'replace', value: { 'emails[type eq "other"].value': 'x@example.com' } }],
      on: { error: { type: 'noTarget', op: 1 } },
      strict: { changed: false },
    },
  ]);
});

describe('rule 5: add on a value path matching nothing creates the value from the eq terms', () => {
  table([
    {
      name: 'add emails[type eq "other"].value',
      ops: [{ op: 'add', path: 'emails[type eq "other"].value', value: 'bj@example.net' }],
      on: { after: (u) => void u.emails.push({ type: 'other', value: 'bj@example.net' }) },
      strict: { error: { type: 'noTarget', op: 1 } },
    },
    {
      name: 'add addresses[type eq "other" and primary eq true] with an object',
      ops: [{ op: 'add', path: 'addresses[type eq "other" and primary eq true]', value: { locality: 'Burbank' } }],
      on: {
        after: (u) => {
          u.addresses[0].primary = false;
          u.addresses.push({ type: 'other', primary: true, locality: 'Burbank' });
        },
      },
      strict: { error: { type: 'noTarget', op: 1 } },
    },
    {
      name: 'add on a value path that matches: the value is set, nothing created',
      ops: [{ op: 'add', path: 'emails[type eq "home"].display', value: 'Home' }],
      ...same({ after: (u) => void (u.emails[1].display = 'Home') }),
    },
    {
      name: 'replace on a value path matching nothing stays noTarget',
      ops: [{ op: 'replace', path: 'emails[type eq "other"].value', value: 'bj@example.net' }],
      ...same({ error: { type: 'noTarget', op: 1 } }),
    },
  ]);

  it.each<Row>([
    {
      name: 'patchDialects {replaceCreatesFromValuePath: true}: replace creates it too',
      ops: [{ op: 'replace', path: 'emails[type eq "other"].value', value: 'bj@example.net' }],
      dialects: { replaceCreatesFromValuePath: true },
      after: (u) => void u.emails.push({ type: 'other', value: 'bj@example.net' }),
    },
    {
      name: 'patchDialects {addCreatesFromValuePath: false}: add is noTarget',
      ops: [{ op: 'add', path: 'emails[type eq "other"].value', value: 'bj@example.net' }],
      dialects: { addCreatesFromValuePath: false },
      error: { type: 'noTarget', op: 1 },
    },
  ])('$name', async (row) => void (await checkRow(row)));
});

describe('rule 6: Entra manager as a plain id, removal with and without value', () => {
  const noManager = { userName: 'bjensen' };
  table([
    {
      name: 'Replace manager "<id>"',
      ops: [{ op: 'Replace', path: `${ENTERPRISE}:manager`, value: JAMES }],
      on: { after: (u) => void (u[ENTERPRISE].manager = { value: JAMES }) },
      strict: { error: { type: 'invalidValue', op: 1, detail: /manager/ } },
    },
    {
      name: 'Add manager "<id>" on a user without the extension',
      before: noManager,
      ops: [{ op: 'Add', path: `${ENTERPRISE}:manager`, value: MANAGER_ID }],
      on: { after: { userName: 'bjensen', [ENTERPRISE]: { manager: { value: MANAGER_ID } } } },
      strict: { error: { type: 'invalidValue', op: 1, detail: /manager/ } },
    },
    {
      name: 'manager as {value}',
      ops: [{ op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: JAMES } }],
      ...same({ after: (u) => void (u[ENTERPRISE].manager = { value: JAMES }) }),
    },
    {
      name: 'the same manager id again: no change',
      ops: [{ op: 'Replace', path: `${ENTERPRISE}:manager`, value: MANAGER_ID }],
      on: { changed: false },
      strict: { error: { type: 'invalidValue', op: 1 } },
    },
    {
      name: 'Remove manager without value',
      ops: [{ op: 'Remove', path: `${ENTERPRISE}:manager` }],
      ...same({ after: (u) => void delete u[ENTERPRISE].manager }),
    },
    {
      name: 'Remove manager with value [{value}]',
      ops: [{ op: 'Remove', path: `${ENTERPRISE}:manager`, value: [{ value: MANAGER_ID }] }],
      ...same({ after: (u) => void delete u[ENTERPRISE].manager }),
    },
    {
      name: 'Remove manager with value "<id>"',
      ops: [{ op: 'Remove', path: `${ENTERPRISE}:manager`, value: MANAGER_ID }],
      ...same({ after: (u) => void delete u[ENTERPRISE].manager }),
    },
    {
      name: 'only complex attributes with a value sub-attribute: name "Barbara" is still invalid',
      ops: [{ op: 'replace', path: 'name', value: 'Barbara' }],
      ...same({ error: { type: 'invalidValue', op: 1, detail: /name/ } }),
    },
  ]);
});

describe('rule 7: Okta path-less replace carrying readOnly attributes unchanged', () => {
  table([
    {
      name: 'user deactivation with the unchanged id',
      ops: [{ op: 'replace', value: { id: USER_ID, active: false } }],
      on: { after: (u) => void (u.active = false) },
      strict: { error: { type: 'mutability', op: 1, detail: /\bid\b/ } },
    },
    {
      name: 'group rename with the unchanged id',
      type: 'Group',
      ops: [{ op: 'replace', value: { id: GROUP_ID, displayName: 'Tour Guides (night)' } }],
      on: { after: { displayName: 'Tour Guides (night)' } },
      strict: { error: { type: 'mutability', op: 1, detail: /\bid\b/ } },
    },
    {
      name: 'client-sent meta in the value',
      ops: [{ op: 'replace', value: { meta: { resourceType: 'User' }, nickName: 'Babs' } }],
      on: { after: (u) => void (u.nickName = 'Babs') },
      strict: { error: { type: 'mutability', op: 1, detail: /meta/ } },
    },
    {
      name: '{"op":"replace","value":{"active":false}} deactivates (plain RFC 7644)',
      ops: [{ op: 'replace', value: { active: false } }],
      ...same({ after: (u) => void (u.active = false) }),
    },
    {
      name: 'a different id is still readOnly',
      ops: [{ op: 'replace', value: { id: 'another-id', active: false } }],
      ...same({ error: { type: 'mutability', op: 1, detail: /\bid\b/ } }),
    },
    {
      name: 'only in path-less values: path "id" with the same id is readOnly',
      ops: [{ op: 'replace', path: 'id', value: USER_ID }],
      ...same({ error: { type: 'mutability', op: 1, detail: /\bid\b/ } }),
    },
  ]);
});

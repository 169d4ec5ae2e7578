// The PATCH engine (src/patch) called directly: readOperations + applyPatch with the real registry
// and validators from the contract, and a fake member list for groups. Table-driven: each row is a
// stored resource, a PatchOp, and the outcome RFC 7644 §3.5.2 asks for. For every row the harness
// also checks that the input is never modified, that `changed` is true exactly when the resource
// changed (so meta.version moves only then), that errors name the failing operation, and that
// group membership is decided without reading the member list unless the row allows it.
// The identity-provider dialects have their own table in dialects.test.ts.
import { describe, expect, it } from 'vitest';
import {
  BABS,
  bjensen,
  checkRow,
  CORE_USER,
  ENTERPRISE,
  JAMES,
  MANAGER_ID,
  MANDY,
  NIGHT_SHIFT,
  patch,
  tourGuides,
  type Row,
} from './harness.ts';

const run = (rows: Row[]) => it.each(rows)('$name', async (row) => void (await checkRow(row)));

const ref = (id: string) => `https://example.com/v2/Users/${id}`;
const member = (id: string, display: string) => ({ display, $ref: ref(id), value: id });
const WORK_EMAIL = { value: 'bjensen@example.com', type: 'work', primary: true };
const HOME_EMAIL = { value: 'babs@jensen.org', type: 'home' };

describe('RFC 7644 §3.5.2.1-3 examples', () => {
  run([
    {
      name: '§3.5.2.1 add a member to a group',
      type: 'Group',
      members: [],
      ops: [{ op: 'add', path: 'members', value: [member(BABS, 'Babs Jensen')] }],
      after: tourGuides(),
      membersAfter: [BABS],
    },
    {
      name: '§3.5.2.1 add without path: emails appended, "nickname" stored as nickName',
      before: { userName: 'bjensen', emails: [WORK_EMAIL] },
      ops: [{ op: 'add', value: { emails: [{ value: 'babs@jensen.org', type: 'home' }], nickname: 'Babs' } }],
      after: { userName: 'bjensen', emails: [WORK_EMAIL, HOME_EMAIL], nickName: 'Babs' },
    },
    {
      name: '§3.5.2.2 remove a single member by filter',
      type: 'Group',
      members: [BABS, JAMES],
      ops: [{ op: 'remove', path: `members[value eq "${BABS}"]` }],
      membersAfter: [JAMES],
    },
    {
      name: '§3.5.2.2 remove all members',
      type: 'Group',
      members: [BABS, JAMES, MANDY],
      ops: [{ op: 'remove', path: 'members' }],
      membersAfter: [],
      readsList: true,
    },
    {
      name: '§3.5.2.2 remove emails[type eq "work" and value ew "example.com"]: only the matching value',
      before: {
        userName: 'bjensen',
        emails: [WORK_EMAIL, { value: 'barbara@jensen.org', type: 'work' }, HOME_EMAIL],
      },
      ops: [{ op: 'remove', path: 'emails[type eq "work" and value ew "example.com"]' }],
      after: { userName: 'bjensen', emails: [{ value: 'barbara@jensen.org', type: 'work' }, HOME_EMAIL] },
    },
    {
      name: '§3.5.2.2 replace all members with remove then add',
      type: 'Group',
      members: [MANDY],
      ops: [
        { op: 'remove', path: 'members' },
        { op: 'add', path: 'members', value: [member(BABS, 'Babs Jensen'), member(JAMES, 'James Smith')] },
      ],
      membersAfter: [BABS, JAMES],
      readsList: true,
    },
    {
      name: '§3.5.2.3 replace members',
      type: 'Group',
      members: [MANDY],
      ops: [{ op: 'replace', path: 'members', value: [member(BABS, 'Babs Jensen'), member(JAMES, 'James Smith')] }],
      membersAfter: [BABS, JAMES],
      readsList: true,
    },
    {
      name: '§3.5.2.3 replace addresses[type eq "work"] with a whole address',
      ops: [
        {
          op: 'replace',
          path: 'addresses[type eq "work"]',
          value: {
            type: 'work',
            streetAddress: '911 Universal City Plaza',
            locality: 'Hollywood',
            region: 'CA',
            postalCode: '91608',
            country: 'US',
            formatted: '911 Universal City Plaza\nHollywood, CA 91608 US',
            primary: true,
          },
        },
      ],
      after: (u) => {
        u.addresses[0] = {
          type: 'work',
          streetAddress: '911 Universal City Plaza',
          locality: 'Hollywood',
          region: 'CA',
          postalCode: '91608',
          country: 'US',
          formatted: '911 Universal City Plaza\nHollywood, CA 91608 US',
          primary: true,
        };
      },
    },
    {
      name: '§3.5.2.3 replace addresses[type eq "work"].streetAddress',
      ops: [{ op: 'replace', path: 'addresses[type eq "work"].streetAddress', value: '1010 Broadway Ave' }],
      after: (u) => void (u.addresses[0].streetAddress = '1010 Broadway Ave'),
    },
    {
      name: '§3.5.2.3 replace without path: emails replaced as a whole, nickName set',
      before: { ...bjensen(), emails: [{ value: 'barbara@example.org', type: 'other' }] },
      ops: [{ op: 'replace', value: { emails: [WORK_EMAIL, HOME_EMAIL], nickName: 'Babs' } }],
      after: (u) => {
        u.emails = [WORK_EMAIL, HOME_EMAIL];
        u.nickName = 'Babs';
      },
    },
    {
      // openapi/scim.yaml patchUser example "replaceEmails" (value is a one-element list).
      name: 'contract example: replace emails[type eq "work" and value ew "example.com"] with [value]',
      before: { userName: 'bjensen', emails: [{ value: 'babs@example.com', type: 'work' }, HOME_EMAIL] },
      ops: [
        {
          op: 'replace',
          path: 'emails[type eq "work" and value ew "example.com"]',
          value: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
        },
      ],
      after: { userName: 'bjensen', emails: [WORK_EMAIL, HOME_EMAIL] },
    },
    {
      name: '§3.5.2 path "name.familyName"',
      ops: [{ op: 'replace', path: 'name.familyName', value: 'Jensen-Smith' }],
      after: (u) => void (u.name.familyName = 'Jensen-Smith'),
    },
    {
      name: '§3.5.2 path "members[value eq ...].displayName": this schema has no such sub-attribute',
      type: 'Group',
      members: [BABS],
      ops: [{ op: 'replace', path: `members[value eq "${BABS}"].displayName`, value: 'Babs' }],
      error: { type: 'invalidPath', op: 1, detail: /displayName/ },
    },
  ]);
});

describe('add (§3.5.2.1)', () => {
  run([
    { name: 'an unassigned attribute is set', ops: [{ op: 'add', path: 'nickName', value: 'Babs' }], after: (u) => void (u.nickName = 'Babs') },
    { name: 'a single-valued attribute is replaced', ops: [{ op: 'add', path: 'displayName', value: 'Barbara' }], after: (u) => void (u.displayName = 'Barbara') },
    {
      name: 'a complex attribute merges sub-attributes',
      ops: [{ op: 'add', path: 'name', value: { givenName: 'Babs', honorificPrefix: 'Ms.' } }],
      after: (u) => Object.assign(u.name, { givenName: 'Babs', honorificPrefix: 'Ms.' }),
    },
    {
      name: 'attr.sub sets one sub-attribute',
      ops: [{ op: 'add', path: 'name.honorificSuffix', value: 'III' }],
      after: (u) => void (u.name.honorificSuffix = 'III'),
    },
    {
      name: 'attr.sub on an unassigned complex attribute creates it',
      before: { userName: 'bjensen' },
      ops: [{ op: 'add', path: 'name.givenName', value: 'Barbara' }],
      after: { userName: 'bjensen', name: { givenName: 'Barbara' } },
    },
    {
      name: 'a multi-valued attribute gets the values appended',
      ops: [{ op: 'add', path: 'phoneNumbers', value: [{ value: '555-555-4444', type: 'mobile' }] }],
      after: (u) => void u.phoneNumbers.push({ value: '555-555-4444', type: 'mobile' }),
    },
    {
      name: 'a single value (not a list) for a multi-valued attribute is appended',
      ops: [{ op: 'add', path: 'emails', value: { value: 'bj@example.net', type: 'other' } }],
      after: (u) => void u.emails.push({ value: 'bj@example.net', type: 'other' }),
    },
    {
      name: 'an identical value is not duplicated: no change',
      ops: [{ op: 'add', path: 'emails', value: [HOME_EMAIL] }],
      changed: false,
    },
    {
      name: 'an identical primary value is not duplicated and keeps primary: no change',
      ops: [{ op: 'add', path: 'emails', value: [WORK_EMAIL] }],
      changed: false,
    },
    {
      name: 'a list mixing a new and an existing value adds only the new one',
      ops: [{ op: 'add', path: 'emails', value: [HOME_EMAIL, { value: 'bj@example.net', type: 'other' }] }],
      after: (u) => void u.emails.push({ value: 'bj@example.net', type: 'other' }),
    },
    {
      name: 'primary set on every value without a filter: only the last keeps it (RFC 7643 §2.4)',
      ops: [{ op: 'replace', path: 'emails.primary', value: true }],
      after: (u) => {
        u.emails[0].primary = false;
        u.emails[1].primary = true;
      },
    },
    {
      name: 'the same value as the current single value: no change',
      ops: [{ op: 'add', path: 'displayName', value: 'Babs Jensen' }],
      changed: false,
    },
    {
      name: 'attr[filter] merges into each matching value',
      ops: [{ op: 'add', path: 'emails[type eq "home"]', value: { display: 'Home' } }],
      after: (u) => void (u.emails[1].display = 'Home'),
    },
    {
      name: 'attr[filter].sub sets the sub-attribute of each matching value',
      ops: [{ op: 'add', path: 'addresses[region eq "CA"].country', value: 'US' }],
      after: (u) => {
        u.addresses[0].country = 'US';
        u.addresses[1].country = 'US';
      },
    },
    {
      name: 'URN-qualified extension attribute',
      ops: [{ op: 'add', path: `${ENTERPRISE}:costCenter`, value: '4130' }],
      after: (u) => void (u[ENTERPRISE].costCenter = '4130'),
    },
    {
      name: 'URN-qualified extension attribute on a user without the extension creates it',
      before: { userName: 'bjensen' },
      ops: [{ op: 'add', path: `${ENTERPRISE}:department`, value: 'Tours' }],
      after: { userName: 'bjensen', [ENTERPRISE]: { department: 'Tours' } },
    },
    {
      name: 'URN-qualified sub-attribute: manager.value',
      ops: [{ op: 'add', path: `${ENTERPRISE}:manager.value`, value: JAMES }],
      after: (u) => void (u[ENTERPRISE].manager.value = JAMES),
    },
    {
      name: 'the extension URN alone takes an object of its attributes, merged',
      ops: [{ op: 'add', path: ENTERPRISE, value: { costCenter: '4130', division: 'Theme Park' } }],
      after: (u) => Object.assign(u[ENTERPRISE], { costCenter: '4130', division: 'Theme Park' }),
    },
    {
      name: 'the core schema URN may qualify a core attribute',
      ops: [{ op: 'add', path: `${CORE_USER}:nickName`, value: 'Babs' }],
      after: (u) => void (u.nickName = 'Babs'),
    },
    {
      name: 'without path, the extension object is merged attribute by attribute',
      ops: [{ op: 'add', value: { [ENTERPRISE]: { costCenter: '4130' }, name: { honorificPrefix: 'Ms.' } } }],
      after: (u) => {
        u[ENTERPRISE].costCenter = '4130';
        u.name.honorificPrefix = 'Ms.';
      },
    },
    {
      name: 'without path, "schemas" and attributes no schema declares are ignored (as on POST)',
      ops: [{ op: 'add', value: { schemas: [CORE_USER], nickName: 'Babs', favouriteColour: 'blue' } }],
      after: (u) => void (u.nickName = 'Babs'),
    },
    {
      name: 'sub-attributes no schema declares are dropped from a value (as on POST)',
      ops: [{ op: 'add', path: 'emails', value: [{ value: 'bj@example.net', type: 'other', label: 'x' }] }],
      after: (u) => void u.emails.push({ value: 'bj@example.net', type: 'other' }),
    },
  ]);
});

describe('replace (§3.5.2.3)', () => {
  run([
    { name: 'a single-valued attribute', ops: [{ op: 'replace', path: 'displayName', value: 'Barbara' }], after: (u) => void (u.displayName = 'Barbara') },
    { name: 'an unassigned attribute is added', ops: [{ op: 'replace', path: 'title', value: 'Tour Guide' }], after: (u) => void (u.title = 'Tour Guide') },
    {
      name: 'a complex attribute: given sub-attributes replaced, the others left unchanged',
      ops: [{ op: 'replace', path: 'name', value: { givenName: 'Babs' } }],
      after: (u) => void (u.name.givenName = 'Babs'),
    },
    {
      name: 'a multi-valued attribute without filter: all values replaced',
      ops: [{ op: 'replace', path: 'phoneNumbers', value: [{ value: '555-555-4444', type: 'mobile' }] }],
      after: (u) => void (u.phoneNumbers = [{ value: '555-555-4444', type: 'mobile' }]),
    },
    {
      name: 'with a filter: only the matching values are replaced',
      ops: [{ op: 'replace', path: 'emails[type eq "home"].value', value: 'babs@jensen.net' }],
      after: (u) => void (u.emails[1].value = 'babs@jensen.net'),
    },
    {
      name: 'with a filter matching several values: every match is replaced',
      ops: [{ op: 'replace', path: 'addresses[locality eq "Hollywood"].locality', value: 'Los Angeles' }],
      after: (u) => {
        u.addresses[0].locality = 'Los Angeles';
        u.addresses[1].locality = 'Los Angeles';
      },
    },
    {
      name: 'attr[filter] without sub: the matching value is replaced as a whole',
      ops: [{ op: 'replace', path: 'emails[type eq "home"]', value: { value: 'babs@jensen.net', type: 'home' } }],
      after: (u) => void (u.emails[1] = { value: 'babs@jensen.net', type: 'home' }),
    },
    {
      name: 'URN-qualified extension attribute',
      ops: [{ op: 'replace', path: `${ENTERPRISE}:employeeNumber`, value: '701985' }],
      after: (u) => void (u[ENTERPRISE].employeeNumber = '701985'),
    },
    {
      name: 'URN-qualified complex attribute: manager',
      ops: [{ op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: JAMES } }],
      after: (u) => void (u[ENTERPRISE].manager = { value: JAMES }),
    },
    {
      name: 'URN-qualified sub-attribute: manager.value',
      ops: [{ op: 'replace', path: `${ENTERPRISE}:manager.value`, value: JAMES }],
      after: (u) => void (u[ENTERPRISE].manager.value = JAMES),
    },
    {
      name: 'the same value: no change',
      ops: [{ op: 'replace', path: 'emails[type eq "home"].value', value: 'babs@jensen.org' }],
      changed: false,
    },
    {
      name: 'the same complex value: no change',
      ops: [{ op: 'replace', path: 'name', value: { givenName: 'Barbara', familyName: 'Jensen' } }],
      changed: false,
    },
    {
      name: 'null makes the attribute unassigned (RFC 7643 §2.5)',
      ops: [{ op: 'replace', path: 'displayName', value: null }],
      after: (u) => void delete u.displayName,
    },
    {
      name: 'without path, a value equal to the resource changes nothing',
      ops: [{ op: 'replace', value: { displayName: 'Babs Jensen', active: true, emails: [WORK_EMAIL, HOME_EMAIL] } }],
      changed: false,
    },
  ]);
});

describe('remove (§3.5.2.2)', () => {
  run([
    { name: 'a single-valued attribute', ops: [{ op: 'remove', path: 'displayName' }], after: (u) => void delete u.displayName },
    { name: 'a sub-attribute', ops: [{ op: 'remove', path: 'name.middleName' }], after: (u) => void delete u.name.middleName },
    {
      name: 'the last sub-attribute: the complex attribute becomes unassigned',
      before: { userName: 'bjensen', name: { givenName: 'Barbara' } },
      ops: [{ op: 'remove', path: 'name.givenName' }],
      after: { userName: 'bjensen' },
    },
    { name: 'a multi-valued attribute without filter: cleared', ops: [{ op: 'remove', path: 'emails' }], after: (u) => void delete u.emails },
    {
      name: 'with a filter: only the matching values',
      ops: [{ op: 'remove', path: 'emails[type eq "home"]' }],
      after: (u) => void u.emails.splice(1, 1),
    },
    {
      name: 'with a filter removing the last value: the attribute becomes unassigned',
      ops: [{ op: 'remove', path: 'phoneNumbers[type eq "work"]' }],
      after: (u) => void delete u.phoneNumbers,
    },
    {
      name: 'attr[filter].sub: the sub-attribute of the matching values',
      ops: [{ op: 'remove', path: 'addresses[type eq "home"].postalCode' }],
      after: (u) => void delete u.addresses[1].postalCode,
    },
    {
      name: 'URN-qualified extension attribute',
      ops: [{ op: 'remove', path: `${ENTERPRISE}:department` }],
      after: (u) => void delete u[ENTERPRISE].department,
    },
    {
      name: 'URN-qualified complex attribute: manager',
      ops: [{ op: 'remove', path: `${ENTERPRISE}:manager` }],
      after: (u) => void delete u[ENTERPRISE].manager,
    },
    {
      name: 'the last extension attribute: the extension becomes unassigned',
      before: { userName: 'bjensen', [ENTERPRISE]: { manager: { value: MANAGER_ID } } },
      ops: [{ op: 'remove', path: `${ENTERPRISE}:manager.value` }],
      after: { userName: 'bjensen' },
    },
    {
      name: 'the extension URN alone removes the whole extension',
      ops: [{ op: 'remove', path: ENTERPRISE }],
      after: (u) => void delete u[ENTERPRISE],
    },
    { name: 'an unassigned attribute: no change', ops: [{ op: 'remove', path: 'nickName' }], changed: false },
    { name: 'a filter matching nothing: no change', ops: [{ op: 'remove', path: 'emails[type eq "other"]' }], changed: false },
    { name: 'attr[filter].sub that is unassigned: no change', ops: [{ op: 'remove', path: 'emails[type eq "home"].display' }], changed: false },
  ]);
});

describe('primary (RFC 7643 §2.4): setting primary on one value clears it on the others', () => {
  run([
    {
      name: 'add a new primary email',
      ops: [{ op: 'add', path: 'emails', value: [{ value: 'bj@example.net', type: 'other', primary: true }] }],
      after: (u) => {
        u.emails[0].primary = false;
        u.emails.push({ value: 'bj@example.net', type: 'other', primary: true });
      },
    },
    {
      name: 'replace emails[type eq "home"].primary with true',
      ops: [{ op: 'replace', path: 'emails[type eq "home"].primary', value: true }],
      after: (u) => {
        u.emails[0].primary = false;
        u.emails[1].primary = true;
      },
    },
    {
      name: 'add merging primary into a filtered value',
      ops: [{ op: 'add', path: 'addresses[type eq "home"]', value: { primary: true } }],
      after: (u) => {
        u.addresses[0].primary = false;
        u.addresses[1].primary = true;
      },
    },
    {
      name: 'only the attribute that got a primary value is touched',
      ops: [{ op: 'add', path: 'phoneNumbers', value: [{ value: '555-555-4444', type: 'mobile', primary: true }] }],
      after: (u) => void u.phoneNumbers.push({ value: '555-555-4444', type: 'mobile', primary: true }),
    },
    {
      name: 'the last operation to set primary wins',
      ops: [
        { op: 'replace', path: 'emails[type eq "home"].primary', value: true },
        { op: 'replace', path: 'emails[type eq "work"].primary', value: true },
      ],
      after: (u) => void (u.emails[1].primary = false),
    },
    {
      name: 'setting primary false leaves the others alone',
      ops: [{ op: 'replace', path: 'emails[type eq "home"].primary', value: false }],
      after: (u) => void (u.emails[1].primary = false),
    },
  ]);
});

describe('attribute names are case-insensitive (RFC 7643 §2.1), in paths and in values', () => {
  run([
    { name: 'path NAME.GIVENNAME', ops: [{ op: 'replace', path: 'NAME.GIVENNAME', value: 'Babs' }], after: (u) => void (u.name.givenName = 'Babs') },
    {
      name: 'path Emails[Type eq "home"].Value',
      ops: [{ op: 'replace', path: 'Emails[Type eq "home"].Value', value: 'babs@jensen.net' }],
      after: (u) => void (u.emails[1].value = 'babs@jensen.net'),
    },
    {
      name: 'filter operator in upper case: emails[type EQ "home"]',
      ops: [{ op: 'remove', path: 'emails[type EQ "home"]' }],
      after: (u) => void u.emails.splice(1, 1),
    },
    {
      name: 'URN and attribute in any case',
      ops: [{ op: 'replace', path: `${ENTERPRISE.toUpperCase()}:DEPARTMENT`, value: 'Tours' }],
      after: (u) => void (u[ENTERPRISE].department = 'Tours'),
    },
    {
      name: 'value keys are stored in canonical casing',
      ops: [
        { op: 'add', value: { NickName: 'Babs', NAME: { HonorificPrefix: 'Ms.' } } },
        { op: 'add', path: 'emails', value: [{ VALUE: 'bj@example.net', Type: 'other' }] },
        { op: 'add', path: ENTERPRISE, value: { CostCenter: '4130' } },
      ],
      after: (u) => {
        u.nickName = 'Babs';
        u.name.honorificPrefix = 'Ms.';
        u.emails.push({ value: 'bj@example.net', type: 'other' });
        u[ENTERPRISE].costCenter = '4130';
      },
    },
  ]);
});

describe('group membership as O(1) deltas', () => {
  run([
    { name: 'adding a member already present: no change', type: 'Group', members: [BABS], ops: [{ op: 'add', path: 'members', value: [{ value: BABS }] }], changed: false },
    { name: 'removing a non-member: no change', type: 'Group', members: [BABS], ops: [{ op: 'remove', path: `members[value eq "${JAMES}"]` }], changed: false },
    {
      name: 'remove members[value eq A or value eq B]',
      type: 'Group',
      members: [BABS, JAMES, MANDY],
      ops: [{ op: 'remove', path: `members[value eq "${BABS}" or value eq "${MANDY}"]` }],
      membersAfter: [JAMES],
    },
    {
      name: 'a filter that is not value equality reads the list: members[type eq "Group"]',
      type: 'Group',
      members: [BABS, NIGHT_SHIFT],
      ops: [{ op: 'remove', path: 'members[type eq "Group"]' }],
      membersAfter: [BABS],
      readsList: true,
    },
    {
      name: 'add then remove the same member: no change',
      type: 'Group',
      members: [BABS],
      ops: [
        { op: 'add', path: 'members', value: [{ value: JAMES }] },
        { op: 'remove', path: `members[value eq "${JAMES}"]` },
      ],
      changed: false,
    },
    {
      name: 'remove then re-add the same member: no change',
      type: 'Group',
      members: [BABS],
      ops: [
        { op: 'remove', path: `members[value eq "${BABS}"]` },
        { op: 'add', path: 'members', value: [{ value: BABS }] },
      ],
      changed: false,
    },
    {
      name: 'remove all members of an empty group: no change',
      type: 'Group',
      members: [],
      ops: [{ op: 'remove', path: 'members' }],
      changed: false,
      readsList: true,
    },
    {
      name: 'replace members with the current list: no change',
      type: 'Group',
      members: [BABS, JAMES],
      ops: [{ op: 'replace', path: 'members', value: [{ value: JAMES }, { value: BABS }] }],
      changed: false,
      readsList: true,
    },
    {
      name: 'a group as a member',
      type: 'Group',
      members: [BABS],
      ops: [{ op: 'add', path: 'members', value: [{ value: NIGHT_SHIFT, type: 'Group' }] }],
      membersAfter: [BABS, NIGHT_SHIFT],
    },
    {
      name: 'without path: {displayName, members} in one operation',
      type: 'Group',
      members: [BABS],
      ops: [{ op: 'add', value: { displayName: 'Tour Guides (day)', members: [{ value: JAMES }] } }],
      after: { displayName: 'Tour Guides (day)' },
      membersAfter: [BABS, JAMES],
    },
    {
      name: 'without path, replace {members}: the whole list',
      type: 'Group',
      members: [BABS, JAMES],
      ops: [{ op: 'replace', value: { members: [{ value: MANDY }] } }],
      membersAfter: [MANDY],
      readsList: true,
    },
  ]);

  it('adds and removes by value never read the member list, one O(1) check per id', async () => {
    const { result, members } = await patch('Group', tourGuides(), [
      { op: 'add', path: 'members', value: [{ value: JAMES }, { value: MANDY }] },
      { op: 'remove', path: `members[value eq "${BABS}"]` },
    ], 'default', [BABS]);
    expect(members!.allCalls).toBe(0);
    expect(members!.isMemberCalls).toBeLessThanOrEqual(6);
    expect(result!.membership).toEqual({
      remove: [BABS],
      add: [
        { value: JAMES, type: 'User', display: 'James Smith' },
        { value: MANDY, type: 'User', display: 'Mandy Pepperidge' },
      ],
    });
  });
});

describe('errors: mutability', () => {
  run([
    { name: 'replace id (readOnly)', ops: [{ op: 'replace', path: 'id', value: 'x' }], error: { type: 'mutability', op: 1, detail: /\bid\b.*readOnly/ } },
    { name: 'remove id (readOnly)', ops: [{ op: 'remove', path: 'id' }], error: { type: 'mutability', op: 1, detail: /readOnly/ } },
    { name: 'replace meta (readOnly)', ops: [{ op: 'replace', path: 'meta', value: { resourceType: 'User' } }], error: { type: 'mutability', op: 1, detail: /meta/ } },
    { name: 'add meta.version (readOnly)', ops: [{ op: 'add', path: 'meta.version', value: 'W/"1"' }], error: { type: 'mutability', op: 1, detail: /meta\.version/ } },
    { name: 'remove meta.lastModified (readOnly)', ops: [{ op: 'remove', path: 'meta.lastModified' }], error: { type: 'mutability', op: 1 } },
    { name: 'add groups (readOnly)', ops: [{ op: 'add', path: 'groups', value: [{ value: 'g1' }] }], error: { type: 'mutability', op: 1, detail: /groups/ } },
    { name: 'remove groups (readOnly)', ops: [{ op: 'remove', path: 'groups' }], error: { type: 'mutability', op: 1, detail: /groups/ } },
    {
      name: 'replace manager.displayName (readOnly sub-attribute)',
      ops: [{ op: 'replace', path: `${ENTERPRISE}:manager.displayName`, value: 'Boss' }],
      error: { type: 'mutability', op: 1, detail: /displayName/ },
    },
    { name: 'remove userName (required)', ops: [{ op: 'remove', path: 'userName' }], error: { type: 'mutability', op: 1, detail: /userName.*required/ } },
    { name: 'replace userName with null (required)', ops: [{ op: 'replace', path: 'userName', value: null }], error: { type: 'mutability', op: 1, detail: /userName/ } },
    { name: 'Group: remove displayName (required)', type: 'Group', ops: [{ op: 'remove', path: 'displayName' }], error: { type: 'mutability', op: 1, detail: /displayName/ } },
    {
      name: 'Group: replace members[value eq ...].value (immutable)',
      type: 'Group',
      members: [BABS],
      ops: [{ op: 'replace', path: `members[value eq "${BABS}"].value`, value: JAMES }],
      error: { type: 'mutability', op: 1, detail: /immutable/ },
    },
    {
      name: 'Group: add members.display (immutable)',
      type: 'Group',
      members: [BABS],
      ops: [{ op: 'add', path: 'members.display', value: 'Babs' }],
      error: { type: 'mutability', op: 1, detail: /immutable/ },
    },
    {
      name: 'Group: replace members[value eq ...] (values are immutable)',
      type: 'Group',
      members: [BABS],
      ops: [{ op: 'replace', path: `members[value eq "${BABS}"]`, value: { value: JAMES } }],
      error: { type: 'mutability', op: 1, detail: /immutable/ },
    },
  ]);

  describe('an immutable attribute (RFC 7643 §2.2; externalId made immutable for the test)', () => {
    const without = { userName: 'bjensen' };
    run([
      { name: 'add when unassigned is allowed', type: 'UserImmutableExternalId', before: without, ops: [{ op: 'add', path: 'externalId', value: 'e1' }], after: { userName: 'bjensen', externalId: 'e1' } },
      { name: 'replace with the same value changes nothing', type: 'UserImmutableExternalId', ops: [{ op: 'replace', path: 'externalId', value: 'bjensen' }], changed: false },
      {
        name: 'replace with another value',
        type: 'UserImmutableExternalId',
        ops: [{ op: 'replace', path: 'externalId', value: 'e2' }],
        error: { type: 'mutability', op: 1, detail: /externalId is immutable/ },
      },
      { name: 'remove', type: 'UserImmutableExternalId', ops: [{ op: 'remove', path: 'externalId' }], error: { type: 'mutability', op: 1, detail: /immutable/ } },
      {
        name: 'without path, another value',
        type: 'UserImmutableExternalId',
        ops: [{ op: 'replace', value: { externalId: 'e2' } }],
        error: { type: 'mutability', op: 1, detail: /immutable/ },
      },
    ]);
  });
});

describe('errors: invalidPath', () => {
  run([
    { name: 'unknown attribute', ops: [{ op: 'add', path: 'favouriteColour', value: 'blue' }], error: { type: 'invalidPath', op: 1, detail: /favouriteColour/ } },
    { name: 'unknown sub-attribute', ops: [{ op: 'replace', path: 'name.nickName', value: 'x' }], error: { type: 'invalidPath', op: 1, detail: /name\.nickName/ } },
    { name: 'a sub-attribute of a simple attribute', ops: [{ op: 'replace', path: 'userName.value', value: 'x' }], error: { type: 'invalidPath', op: 1 } },
    { name: 'unknown extension attribute', ops: [{ op: 'add', path: `${ENTERPRISE}:shoeSize`, value: '9' }], error: { type: 'invalidPath', op: 1, detail: /shoeSize/ } },
    {
      name: 'unknown schema URN',
      ops: [{ op: 'add', path: 'urn:ietf:params:scim:schemas:extension:acme:2.0:User:badge', value: '9' }],
      error: { type: 'invalidPath', op: 1, detail: /acme/ },
    },
    { name: 'unknown attribute in a remove', ops: [{ op: 'remove', path: 'favouriteColour' }], error: { type: 'invalidPath', op: 1 } },
    { name: 'unparseable: unclosed filter', ops: [{ op: 'replace', path: 'emails[type eq "work"', value: 'x' }], error: { type: 'invalidPath', op: 1 } },
    { name: 'unparseable: empty sub-attribute', ops: [{ op: 'replace', path: 'name..givenName', value: 'x' }], error: { type: 'invalidPath', op: 1 } },
    { name: 'unparseable: unknown operator', ops: [{ op: 'remove', path: 'emails[type xx "work"]' }], error: { type: 'invalidPath', op: 1 } },
    { name: 'unparseable: stray bracket', ops: [{ op: 'remove', path: 'emails]' }], error: { type: 'invalidPath', op: 1 } },
    { name: 'unparseable: filter without attribute', ops: [{ op: 'remove', path: '[type eq "work"]' }], error: { type: 'invalidPath', op: 1 } },
    { name: 'filter naming an unknown sub-attribute', ops: [{ op: 'remove', path: 'emails[colour eq "blue"]' }], error: { type: 'invalidPath', op: 1, detail: /colour/ } },
    { name: 'filter on a single-valued attribute', ops: [{ op: 'replace', path: 'name[givenName eq "Barbara"]', value: {} }], error: { type: 'invalidPath', op: 1 } },
    { name: 'unknown sub-attribute after a filter', ops: [{ op: 'replace', path: 'emails[type eq "work"].colour', value: 'x' }], error: { type: 'invalidPath', op: 1, detail: /colour/ } },
    { name: 'filter comparing a boolean with a number', ops: [{ op: 'remove', path: 'emails[primary eq 1]' }], error: { type: 'invalidPath', op: 1 } },
  ]);
});

describe('errors: noTarget, invalidValue, invalidSyntax', () => {
  run([
    { name: 'remove without path', ops: [{ op: 'remove' }], error: { type: 'noTarget', op: 1 } },
    { name: 'remove with an empty path', ops: [{ op: 'remove', path: '  ' }], error: { type: 'noTarget', op: 1 } },
    {
      name: 'replace with a filter matching nothing',
      ops: [{ op: 'replace', path: 'emails[type eq "other"].value', value: 'x@example.com' }],
      error: { type: 'noTarget', op: 1, detail: /emails/ },
    },
    { name: 'replace attr[filter] matching nothing', ops: [{ op: 'replace', path: 'addresses[type eq "other"]', value: { locality: 'X' } }], error: { type: 'noTarget', op: 1 } },
    { name: 'a number for a string', ops: [{ op: 'replace', path: 'displayName', value: 42 }], error: { type: 'invalidValue', op: 1, detail: /'displayName'.*string/ } },
    { name: 'a word for a boolean', ops: [{ op: 'replace', path: 'active', value: 'yes' }], error: { type: 'invalidValue', op: 1, detail: /'active'.*boolean/ } },
    { name: 'a boolean for a sub-attribute string', ops: [{ op: 'replace', path: 'name.givenName', value: true }], error: { type: 'invalidValue', op: 1, detail: /name\.givenName/ } },
    { name: 'a number in a multi-valued value', ops: [{ op: 'add', path: 'emails', value: [{ value: 42 }] }], error: { type: 'invalidValue', op: 1, detail: /emails\[\d+\]\.value/ } },
    { name: 'a number through a filter', ops: [{ op: 'replace', path: 'emails[type eq "work"].value', value: 42 }], error: { type: 'invalidValue', op: 1, detail: /emails\[\d+\]\.value/ } },
    { name: 'a string for a complex attribute', ops: [{ op: 'replace', path: 'name', value: 'Barbara Jensen' }], error: { type: 'invalidValue', op: 1, detail: /name/ } },
    { name: 'a string for a complex value path', ops: [{ op: 'replace', path: 'emails[type eq "work"]', value: 'x@example.com' }], error: { type: 'invalidValue', op: 1, detail: /emails/ } },
    { name: 'an empty userName', ops: [{ op: 'replace', path: 'userName', value: '' }], error: { type: 'invalidValue', op: 1, detail: /userName/ } },
    { name: 'an invalid value inside a path-less value', ops: [{ op: 'replace', value: { nickName: 'Babs', active: 'maybe' } }], error: { type: 'invalidValue', op: 1, detail: /active/ } },
    { name: 'without path, a value that is not an object', ops: [{ op: 'add', value: 'Babs' }], error: { type: 'invalidValue', op: 1 } },
    { name: 'the extension URN with a value that is not an object', ops: [{ op: 'add', path: ENTERPRISE, value: 'Tours' }], error: { type: 'invalidValue', op: 1, detail: /enterprise/ } },
    { name: 'add without a value', ops: [{ op: 'add', path: 'nickName' }], error: { type: 'invalidValue', op: 1, detail: /nickName/ } },
    {
      name: 'Group: a member that does not exist',
      type: 'Group',
      ops: [{ op: 'add', path: 'members', value: [{ value: 'no-such-id' }] }],
      error: { type: 'invalidValue', op: 1, detail: /members/ },
    },
    {
      name: 'Group: a member without value',
      type: 'Group',
      ops: [{ op: 'add', path: 'members', value: [{ display: 'Babs' }] }],
      error: { type: 'invalidValue', op: 1, detail: /members/ },
    },
    { name: 'an op that is not add, remove or replace', ops: [{ op: 'copy', path: 'nickName' }], error: { type: 'invalidSyntax', op: 1, detail: /copy/ } },
  ]);
});

describe('a PatchOp is all or nothing (§3.5.2): the failing operation is named, the input untouched', () => {
  run([
    {
      name: 'operation 2 matches nothing after a valid operation 1',
      ops: [
        { op: 'replace', path: 'displayName', value: 'Barbara' },
        { op: 'replace', path: 'emails[type eq "other"].value', value: 'x@example.com' },
      ],
      error: { type: 'noTarget', op: 2, detail: /^operation 2 \(replace emails\[type eq "other"\]\.value\): / },
    },
    {
      name: 'operation 2 has a wrong type after a valid operation 1',
      ops: [
        { op: 'add', path: 'emails', value: [{ value: 'bj@example.net', type: 'other', primary: true }] },
        { op: 'replace', path: 'emails[type eq "work"].value', value: 42 },
      ],
      error: { type: 'invalidValue', op: 2, detail: /^operation 2 \(replace emails\[type eq "work"\]\.value\): / },
    },
    {
      name: 'operation 3 is readOnly after two valid operations',
      ops: [
        { op: 'remove', path: 'emails' },
        { op: 'add', path: `${ENTERPRISE}:department`, value: 'Tours' },
        { op: 'replace', path: 'id', value: 'x' },
      ],
      error: { type: 'mutability', op: 3, detail: /^operation 3 \(replace id\): / },
    },
    {
      name: 'operation 2 has a bad path (found before anything is applied)',
      ops: [
        { op: 'remove', path: 'emails' },
        { op: 'remove', path: 'emails[' },
      ],
      error: { type: 'invalidPath', op: 2, detail: /^operation 2 \(remove emails\[\): / },
    },
    {
      name: 'operation 2 is a remove without path',
      ops: [{ op: 'add', path: 'nickName', value: 'Babs' }, { op: 'remove' }],
      error: { type: 'noTarget', op: 2, detail: /^operation 2 \(remove\): / },
    },
    {
      name: 'Group: members added by operation 1 are not kept when operation 2 fails',
      type: 'Group',
      members: [BABS],
      ops: [
        { op: 'add', path: 'members', value: [{ value: JAMES }] },
        { op: 'replace', path: 'displayName', value: 42 },
      ],
      error: { type: 'invalidValue', op: 2, detail: /displayName/ },
    },
  ]);

  it('the rolled-back input still compares equal to a fresh copy after many failures', async () => {
    const stored = bjensen();
    for (const path of ['id', 'meta', 'groups', 'userName']) {
      const { error } = await patch('User', stored, [
        { op: 'add', path: 'nickName', value: 'Babs' },
        { op: 'remove', path },
      ]);
      expect(error?.scimType).toBe('mutability');
      expect(error?.detail).toMatch(/^operation 2 /);
    }
    expect(stored).toEqual(bjensen());
  });
});

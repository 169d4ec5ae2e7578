// Hand-written User and Group resource types and sample resources for the filter tests. They are
// deliberately independent of the contract loader so the filter tests pin down filter behaviour only.
import type { AttributeDef, ResourceTypeDef, SchemaDef, ScimType } from '../../../src/schema/attributes.ts';
import { compileFilter } from '../../../src/filter/evaluate.ts';
import { parseFilter } from '../../../src/filter/parser.ts';

export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

interface Options {
  multiValued?: boolean;
  caseExact?: boolean;
  subAttributes?: AttributeDef[];
}

export function attr(name: string, type: ScimType, options: Options = {}): AttributeDef {
  const subs = options.subAttributes;
  return {
    name,
    type,
    multiValued: options.multiValued ?? false,
    description: name,
    required: false,
    caseExact: options.caseExact ?? false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...(subs ? { subAttributes: subs, subByLower: new Map(subs.map((s) => [s.name.toLowerCase(), s])) } : {}),
  };
}

function schema(id: string, name: string, attributes: AttributeDef[]): SchemaDef {
  return { id, name, description: name, attributes, byLower: new Map(attributes.map((a) => [a.name.toLowerCase(), a])) };
}

const common = new Map<string, AttributeDef>(
  [
    attr('id', 'string', { caseExact: true }),
    attr('externalId', 'string', { caseExact: true }),
    attr('meta', 'complex', {
      subAttributes: [
        attr('resourceType', 'string', { caseExact: true }),
        attr('created', 'dateTime'),
        attr('lastModified', 'dateTime'),
        attr('location', 'reference', { caseExact: true }),
        attr('version', 'string', { caseExact: true }),
      ],
    }),
  ].map((a) => [a.name.toLowerCase(), a]),
);

const multiComplex = (name: string, subs: AttributeDef[]) =>
  attr(name, 'complex', { multiValued: true, subAttributes: subs });

export const USER: ResourceTypeDef = {
  name: 'User',
  endpoint: '/Users',
  description: 'User Account',
  schema: schema(CORE_USER, 'User', [
    attr('userName', 'string'),
    attr('name', 'complex', {
      subAttributes: [attr('formatted', 'string'), attr('familyName', 'string'), attr('givenName', 'string')],
    }),
    attr('displayName', 'string'),
    attr('title', 'string'),
    attr('userType', 'string'),
    attr('active', 'boolean'),
    multiComplex('emails', [attr('value', 'string'), attr('display', 'string'), attr('type', 'string'), attr('primary', 'boolean')]),
    multiComplex('ims', [attr('value', 'string'), attr('type', 'string'), attr('primary', 'boolean')]),
    multiComplex('x509Certificates', [attr('value', 'binary'), attr('display', 'string'), attr('primary', 'boolean')]),
  ]),
  extensions: [
    {
      required: false,
      schema: schema(ENTERPRISE, 'EnterpriseUser', [
        attr('employeeNumber', 'string'),
        attr('department', 'string'),
        attr('loginCount', 'integer'), // test-only: an integer attribute
        attr('score', 'decimal'), // test-only: a decimal attribute
        attr('manager', 'complex', {
          subAttributes: [
            attr('value', 'string', { caseExact: true }),
            attr('$ref', 'reference', { caseExact: true }),
            attr('displayName', 'string'),
          ],
        }),
      ]),
    },
  ],
  common,
};

export const GROUP: ResourceTypeDef = {
  name: 'Group',
  endpoint: '/Groups',
  description: 'Group',
  schema: schema(CORE_GROUP, 'Group', [
    attr('displayName', 'string'),
    multiComplex('members', [
      attr('value', 'string', { caseExact: true }),
      attr('$ref', 'reference', { caseExact: true }),
      attr('type', 'string'),
      attr('display', 'string'),
    ]),
  ]),
  extensions: [],
  common,
};

type Resource = Record<string, unknown>;

export const bjensen: Resource = {
  schemas: [CORE_USER, ENTERPRISE],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'bjensen-ext',
  userName: 'bjensen',
  name: { formatted: "Ms. Barbara J O'Malley", familyName: "O'Malley", givenName: 'Barbara' },
  displayName: 'Babs Jensen',
  title: 'Tour Guide',
  userType: 'Employee',
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  ims: [{ value: 'someaimhandle', type: 'aim' }],
  x509Certificates: [{ value: 'MIIDQzCCAqygAwIBAgICEAAwDQYJ' }],
  meta: {
    resourceType: 'User',
    created: '2010-01-23T04:56:22Z',
    lastModified: '2011-05-13T04:42:34Z',
    location: 'https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646',
    version: 'W/"a330bc54f0671c9"',
  },
  [ENTERPRISE]: {
    employeeNumber: '701984',
    department: 'Tour Operations',
    loginCount: 42,
    score: 7.5,
    manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d', displayName: 'John Smith', $ref: '../Users/26118915' },
  },
};

export const jsmith: Resource = {
  schemas: [CORE_USER],
  id: '26118915-6090-4610-87e4-49d8ca9f808d',
  userName: 'JSmith',
  userType: 'Intern',
  active: false,
  emails: [{ value: 'jsmith@example.org', type: 'work', primary: false }],
  ims: [{ value: 'jsmith@foo.com', type: 'xmpp' }],
  meta: { resourceType: 'User', created: '2011-01-01T00:00:00Z', lastModified: '2011-05-13T04:42:35Z' },
};

/** Work address and example.com address on different values: separates `[...]` from `a.b and a.c`. */
export const mixed: Resource = {
  schemas: [CORE_USER],
  id: 'c0ffee00-0000-4000-8000-000000000001',
  userName: 'mwork',
  userType: 'Employee',
  title: '',
  emails: [
    { value: 'm@other.org', type: 'work' },
    { value: 'm@example.com', type: 'home' },
  ],
};

export const nobody: Resource = {
  schemas: [CORE_USER],
  id: 'd0d0d0d0-0000-4000-8000-000000000002',
  userName: 'nobody',
  userType: 'Contractor',
  name: { givenName: null, familyName: '' },
  emails: [],
  meta: { resourceType: 'User', lastModified: '2011-05-13T06:42:33+02:00' },
};

export const USERS: Record<string, Resource> = { bjensen, jsmith, mixed, nobody };

export const admins: Resource = {
  schemas: [CORE_GROUP],
  id: 'e9e30dba-f08f-4109-8486-d5c6a331660a',
  displayName: 'Tour Guides',
  members: [
    { value: '2819c223-7f76-453a-919d-413861904646', $ref: 'https://example.com/v2/Users/2819c223', display: 'Babs Jensen', type: 'User' },
    { value: '902c246b-6245-4190-8e05-00816be7344a', display: 'Mandy Pepperidge', type: 'User' },
  ],
};

export const emptyGroup: Resource = { schemas: [CORE_GROUP], id: 'empty', displayName: 'Empty', members: [] };

export const GROUPS: Record<string, Resource> = { admins, emptyGroup };

/** Names (keys of `pool`) of the resources a filter matches, in pool order. */
export function matching(filter: string, pool: Record<string, Resource> = USERS, rt: ResourceTypeDef = USER): string[] {
  const predicate = compileFilter(parseFilter(filter), rt);
  return Object.entries(pool)
    .filter(([, resource]) => predicate(resource))
    .map(([name]) => name);
}

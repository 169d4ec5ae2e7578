// Request normalisation: case-insensitive names, nulls, readOnly and unknown attributes.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadContract } from '../../../src/contract/load.ts';
import type { ResourceTypeDef } from '../../../src/schema/attributes.ts';
import { normalizeResource } from '../../../src/schema/normalize.ts';
import { SchemaRegistry } from '../../../src/schema/registry.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
let user: ResourceTypeDef;
let group: ResourceTypeDef;
beforeAll(async () => {
  const registry = SchemaRegistry.fromContract((await loadContract()).dereferenced);
  user = registry.requireResourceType('User');
  group = registry.requireResourceType('Group');
});

describe('normalizeResource', () => {
  it('renames attributes and sub-attributes to the canonical spelling', () => {
    expect(
      normalizeResource(user, {
        USERNAME: 'a',
        name: { givenname: 'G' },
        EMAILS: [{ VALUE: 'x@y', Primary: true }],
        [ENTERPRISE.toUpperCase()]: { MANAGER: { Value: 'm' } },
      }),
    ).toEqual({
      userName: 'a',
      name: { givenName: 'G' },
      emails: [{ value: 'x@y', primary: true }],
      [ENTERPRISE]: { manager: { value: 'm' } },
    });
  });

  it('drops nulls, empty arrays and empty complex values as unassigned', () => {
    expect(
      normalizeResource(user, { userName: 'a', title: null, roles: [], emails: [null], name: { givenName: null } }),
    ).toEqual({ userName: 'a' });
  });

  it('drops readOnly attributes and attributes no schema declares', () => {
    expect(
      normalizeResource(user, {
        userName: 'a',
        id: 'x',
        meta: { resourceType: 'User' },
        groups: [{ value: 'g' }],
        shoeSize: 44,
        [ENTERPRISE]: { manager: { value: 'm', displayName: 'readOnly' } },
      }),
    ).toEqual({ userName: 'a', [ENTERPRISE]: { manager: { value: 'm' } } });
    expect(normalizeResource(group, { displayName: 'g', members: [{ value: 'u', $REF: 'x' }] })).toEqual({
      displayName: 'g',
      members: [{ value: 'u', $ref: 'x' }],
    });
  });

  it('keeps the schemas list and leaves wrongly typed values for the validator', () => {
    expect(normalizeResource(user, { schemas: ['a', 'b'], userName: 5, name: 'not-an-object' })).toEqual({
      schemas: ['a', 'b'],
      userName: 5,
      name: 'not-an-object',
    });
    expect(normalizeResource(user, 'text')).toBe('text');
  });

  it('never lets __proto__ or constructor keys reach an object', () => {
    const body = JSON.parse('{"userName":"a","__proto__":{"polluted":1},"name":{"__proto__":{"polluted":1}}}');
    const out = normalizeResource(user, body) as Record<string, unknown>;
    expect(out).toEqual({ userName: 'a' });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

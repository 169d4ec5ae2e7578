// The registry is derived from the contract's x-scim annotations with RFC 7643 §2.2 defaults.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadContract } from '../../../src/contract/load.ts';
import type { AttributeDef } from '../../../src/schema/attributes.ts';
import { resolvePath, splitPath } from '../../../src/schema/paths.ts';
import { SchemaRegistry } from '../../../src/schema/registry.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
let registry: SchemaRegistry;
beforeAll(async () => {
  registry = SchemaRegistry.fromContract((await loadContract()).dereferenced);
});

const user = () => registry.requireResourceType('User');
const attr = (name: string): AttributeDef => user().schema.byLower.get(name.toLowerCase())!;

describe('SchemaRegistry.fromContract', () => {
  it('finds the User and Group resource types with their endpoints and extensions', () => {
    expect(registry.resourceTypes.map((rt) => [rt.name, rt.endpoint])).toEqual([
      ['User', '/Users'],
      ['Group', '/Groups'],
    ]);
    expect(user().extensions.map((e) => [e.schema.id, e.required])).toEqual([[ENTERPRISE, false]]);
    expect(registry.schemas.map((s) => s.id)).toEqual([
      'urn:ietf:params:scim:schemas:core:2.0:User',
      ENTERPRISE,
      'urn:ietf:params:scim:schemas:core:2.0:Group',
    ]);
  });

  it('keeps the common attributes out of the schema attribute list', () => {
    const names = user().schema.attributes.map((a) => a.name);
    expect(names).not.toContain('id');
    expect(names).not.toContain('meta');
    expect(names).not.toContain('schemas');
    expect([...user().common.keys()]).toEqual(['id', 'externalid', 'meta']);
    expect(user().common.get('id')).toMatchObject({ mutability: 'readOnly', returned: 'always', caseExact: true });
  });

  it('applies RFC 7643 §2.2 defaults where the contract says nothing', () => {
    expect(attr('displayName')).toMatchObject({
      type: 'string',
      multiValued: false,
      required: false,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'none',
    });
  });

  it('reads the x-scim annotations and JSON Schema keywords', () => {
    expect(attr('userName')).toMatchObject({ required: true, uniqueness: 'server', caseExact: false });
    expect(attr('password')).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    expect(attr('groups')).toMatchObject({ mutability: 'readOnly', multiValued: true, type: 'complex' });
    expect(attr('active').type).toBe('boolean');
    expect(attr('profileUrl')).toMatchObject({ type: 'reference', referenceTypes: ['external'] });
    expect(attr('emails').subByLower!.get('type')!.canonicalValues).toEqual(['work', 'home', 'other']);
    expect(attr('x509Certificates').subByLower!.get('value')!.type).toBe('binary');
    expect(user().common.get('meta')!.subByLower!.get('lastmodified')!.type).toBe('dateTime');
    const members = registry.requireResourceType('Group').schema.byLower.get('members')!;
    expect(members.subByLower!.get('value')).toMatchObject({ caseExact: true, mutability: 'immutable' });
  });

  it('looks up resource types and schemas case-insensitively', () => {
    expect(registry.resourceType('user')?.name).toBe('User');
    expect(registry.schema(ENTERPRISE.toUpperCase())?.name).toBe('EnterpriseUser');
    expect(registry.resourceType('Device')).toBeUndefined();
  });
});

describe('attribute paths', () => {
  it('splits URN-qualified paths at the last colon, not at the dot in "2.0"', () => {
    expect(splitPath(`${ENTERPRISE}:manager.value`)).toEqual({ urn: ENTERPRISE, attr: 'manager', sub: 'value' });
    expect(splitPath('name.givenName')).toEqual({ attr: 'name', sub: 'givenName' });
    expect(splitPath('userName')).toEqual({ attr: 'userName' });
  });

  it('resolves paths case-insensitively to canonical definitions', () => {
    const p = resolvePath(user(), splitPath('NAME.GIVENNAME'))!;
    expect([p.attribute.name, p.sub!.name, p.extension]).toEqual(['name', 'givenName', undefined]);
    const ext = resolvePath(user(), splitPath(`${ENTERPRISE.toLowerCase()}:EmployeeNumber`))!;
    expect([ext.extension, ext.attribute.name]).toEqual([ENTERPRISE, 'employeeNumber']);
    const core = resolvePath(user(), splitPath('urn:ietf:params:scim:schemas:core:2.0:User:userName'))!;
    expect(core.attribute.name).toBe('userName');
    expect(resolvePath(user(), splitPath('meta.lastModified'))!.sub!.name).toBe('lastModified');
    expect(resolvePath(user(), splitPath('nosuch'))).toBeUndefined();
    expect(resolvePath(user(), splitPath('name.nosuch'))).toBeUndefined();
    expect(resolvePath(user(), splitPath('urn:x:y:attr'))).toBeUndefined();
  });
});

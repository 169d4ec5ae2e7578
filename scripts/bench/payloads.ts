// Request bodies shaped like Microsoft Entra ID's provisioning requests.
export const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const BULK_REQUEST_URN = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

/** A deterministic GUID-looking externalId, as Entra sends its objectId. */
function externalId(n: number, prefix = 0): string {
  return `${prefix.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** An Entra-like user; `key` makes userName/externalId unique (seeded users use key = `${i}`). */
export function entraUser(i: number, userName = `user${i}@example.com`, prefix = 0, variant = 0) {
  return {
    schemas: [USER_URN, ENTERPRISE_URN],
    externalId: externalId(i, prefix),
    userName,
    active: variant % 2 === 0,
    displayName: `User ${i}${variant ? ` v${variant}` : ''}`,
    name: { givenName: `Given${i}`, familyName: `Family${i}`, formatted: `Given${i} Family${i}` },
    emails: [{ primary: true, type: 'work', value: userName }],
    title: `Engineer ${i % 20}`,
    [ENTERPRISE_URN]: { employeeNumber: String(i), department: `dept${i % 50}` },
  };
}

/** What the floors answer: a fixed SCIM user representation, the size of a real one. */
export function floorBody(): string {
  const id = '2819c223-7f76-453a-919d-413861904646';
  return JSON.stringify({
    schemas: [USER_URN, ENTERPRISE_URN],
    id,
    externalId: externalId(1),
    meta: {
      resourceType: 'User',
      created: '2025-01-01T00:00:00.000Z',
      lastModified: '2025-01-01T00:00:00.000Z',
      location: `http://127.0.0.1:8000/scim/v2/Users/${id}`,
      version: 'W/"10fdc5251"',
    },
    userName: 'user1@example.com',
    name: { formatted: 'Given1 Family1', familyName: 'Family1', givenName: 'Given1' },
    displayName: 'User 1',
    title: 'Engineer 1',
    active: true,
    emails: [{ value: 'user1@example.com', type: 'work', primary: true }],
    [ENTERPRISE_URN]: { employeeNumber: '1', department: 'dept1' },
  });
}

export function patchOp(operations: readonly object[]): string {
  return JSON.stringify({ schemas: [PATCH_URN], Operations: operations });
}

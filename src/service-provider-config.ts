// /ServiceProviderConfig (RFC 7643 §5): it advertises only what this server really does. Each flag
// is switched on by the work that implements and tests the feature, never ahead of it.
export const SPC_URN = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';

export interface AuthenticationScheme {
  type: string;
  name: string;
  description: string;
  specUri?: string;
  primary?: boolean;
}

export interface ServiceProviderConfig {
  schemas: string[];
  documentationUri?: string;
  patch: { supported: boolean };
  bulk: { supported: boolean; maxOperations: number; maxPayloadSize: number };
  filter: { supported: boolean; maxResults: number };
  changePassword: { supported: boolean };
  sort: { supported: boolean };
  etag: { supported: boolean };
  /** RFC 9865 §4. */
  pagination: {
    cursor: boolean;
    index: boolean;
    defaultPaginationMethod: 'index' | 'cursor';
    defaultPageSize: number;
    maxPageSize: number;
    cursorTimeout: number;
  };
  authenticationSchemes: AuthenticationScheme[];
}

export const BEARER_SCHEME: AuthenticationScheme = {
  type: 'oauthbearertoken',
  name: 'OAuth Bearer Token',
  description: 'Authentication with a bearer token (RFC 6750) in the Authorization header.',
  specUri: 'https://www.rfc-editor.org/rfc/rfc6750',
  primary: true,
};

export const BASIC_SCHEME: AuthenticationScheme = {
  type: 'httpbasic',
  name: 'HTTP Basic',
  description: 'Authentication with a user name and password (RFC 7617) in the Authorization header.',
  specUri: 'https://www.rfc-editor.org/rfc/rfc7617',
};

export function serviceProviderConfig(options: {
  maxResults: number;
  defaultCount: number;
  cursorTimeout: number;
  bulk: { maxOperations: number; maxPayloadSize: number };
  authenticationSchemes: AuthenticationScheme[];
}): ServiceProviderConfig {
  return {
    schemas: [SPC_URN],
    patch: { supported: true },
    bulk: { supported: true, ...options.bulk },
    filter: { supported: true, maxResults: options.maxResults },
    // A password can be set with PUT (it is writeOnly and stored hashed).
    changePassword: { supported: true },
    sort: { supported: true },
    etag: { supported: true },
    pagination: {
      cursor: true,
      index: true,
      defaultPaginationMethod: 'index',
      defaultPageSize: options.defaultCount,
      maxPageSize: options.maxResults,
      cursorTimeout: options.cursorTimeout,
    },
    authenticationSchemes: options.authenticationSchemes,
  };
}

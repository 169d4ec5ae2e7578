// Index paging (RFC 7644 §3.4.2.4): 1-based startIndex (below 1 means 1), count (negative means 0),
// capped by the server's maximum (advertised as filter.maxResults).
export interface PageRequest {
  readonly startIndex?: number;
  readonly count?: number;
}

export interface Page {
  readonly startIndex: number;
  readonly offset: number;
  readonly limit: number;
}

export function clampPage(req: PageRequest, defaultCount: number, maxResults: number): Page {
  const startIndex = Math.max(1, Math.trunc(Number.isFinite(req.startIndex) ? req.startIndex! : 1));
  const asked = Number.isFinite(req.count) ? Math.trunc(req.count!) : defaultCount;
  const limit = Math.min(Math.max(0, asked), maxResults);
  return { startIndex, offset: startIndex - 1, limit };
}

export const LIST_RESPONSE_URN = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

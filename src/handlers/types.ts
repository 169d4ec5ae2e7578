// Handlers are typed from the generated contract: one per operationId. `Handlers` is a mapped type
// over the contract's operations, so a missing handler, or one for an operation the contract does
// not declare, is a compile error.
import type { operations } from '../../generated/scim.ts';
import type { RequestContext } from '../resources/context.ts';

export type OperationId = keyof operations;
type Op<K extends OperationId> = operations[K];

type ContentOf<T> = T extends { content: { 'application/scim+json': infer B } } ? B : undefined;

export type QueryOf<K extends OperationId> = Op<K>['parameters'] extends { query?: infer Q } ? NonNullable<Q> : {};
export type PathOf<K extends OperationId> = Op<K>['parameters'] extends { path: infer P } ? P : {};
export type HeadersOf<K extends OperationId> = Op<K>['parameters'] extends { header?: infer H } ? NonNullable<H> : {};
export type BodyOf<K extends OperationId> = ContentOf<NonNullable<Op<K>['requestBody']>>;

export interface HandlerInput<K extends OperationId> {
  readonly params: PathOf<K>;
  readonly query: QueryOf<K>;
  readonly headers: HeadersOf<K>;
  /** Normalised (canonical attribute names) and validated against the contract. */
  readonly body: BodyOf<K>;
  readonly ctx: RequestContext;
}

export interface HandlerResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Handler<K extends OperationId> = (input: HandlerInput<K>) => Promise<HandlerResult>;

export type Handlers = { [K in OperationId]: Handler<K> };

// One stored resource as one object. It is the StoredResource callers get (no copy per read), and
// it carries the creation sequence as a private field: a {seq, resource} wrapper cost another
// object per resource, and a private field stays out of what callers see (spread, JSON, equality).
//
// Strings in a row are built flat on purpose: V8 keeps a concatenation as a tree of "cons" cells
// until something flattens it. randomUUID() is ~14 concatenations (~480 B per id instead of 56 B),
// and many ids are stored twice over (table, indexes, memberships).
import { randomUUID } from 'node:crypto';
import type { ResourceData, StoredResource } from '../store.ts';

export class Row implements StoredResource {
  readonly #seq: number;

  constructor(
    readonly resourceType: string,
    readonly id: string,
    readonly data: ResourceData,
    readonly created: string,
    readonly lastModified: string,
    readonly version: string,
    seq: number,
  ) {
    this.#seq = seq;
  }

  /** Creation sequence: the stable default order and the cursor tiebreaker. */
  get seq(): number {
    return this.#seq;
  }
}

/** A new resource id: a UUID as one flat string (through a Buffer: see above). */
export function newId(): string {
  return Buffer.from(randomUUID(), 'latin1').toString('latin1');
}

let lastMs = NaN;
let lastIso = '';

/** The current time as ISO 8601. Writes in the same millisecond share one string (40 B each). */
export function timestamp(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

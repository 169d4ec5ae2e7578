// One resource type's rows: by id (O(1)), in creation order (an array, so an unfiltered page at
// any offset is a slice), with its unique and equality indexes kept in step with every write.
import type { Row } from './row.ts';
import type { UniqueIndex } from './unique-index.ts';
import type { ValueIndex } from './value-index.ts';

export class Table {
  readonly rows = new Map<string, Row>();
  private order: string[] = [];
  private holes = 0;

  constructor(
    readonly resourceType: string,
    readonly unique: readonly UniqueIndex[],
    readonly indexes: ReadonlyMap<string, ValueIndex>,
  ) {}

  insert(row: Row): void {
    const { id, data } = row;
    this.rows.set(id, row);
    this.order.push(id);
    for (const idx of this.unique) idx.set(data[idx.attribute], id);
    for (const idx of this.indexes.values()) idx.add(data, id);
  }

  /** Swaps in `next`, a later version of `previous` (same id and seq). */
  update(previous: Row, next: Row): void {
    const id = next.id;
    for (const idx of this.unique) {
      idx.delete(previous.data[idx.attribute], id);
      idx.set(next.data[idx.attribute], id);
    }
    for (const idx of this.indexes.values()) {
      idx.remove(previous.data, id);
      idx.add(next.data, id);
    }
    this.rows.set(id, next);
  }

  remove(row: Row): void {
    const { id, data } = row;
    for (const idx of this.unique) idx.delete(data[idx.attribute], id);
    for (const idx of this.indexes.values()) idx.remove(data, id);
    this.rows.delete(id);
    this.holes += 1; // the id stays in `order` until the next compaction
  }

  /** Rows in creation order from `offset`, at most `limit`. */
  slice(offset: number, limit: number): Row[] {
    this.compact();
    return this.order.slice(offset, offset + limit).map((id) => this.rows.get(id)!);
  }

  /** All rows in creation order. */
  all(): Row[] {
    this.compact();
    return this.order.map((id) => this.rows.get(id)!);
  }

  // Deletes leave holes; they are removed in one pass before the next ordered read, so a burst
  // of deletes costs one O(N) pass, not one each.
  private compact(): void {
    if (this.holes === 0) return;
    this.order = this.order.filter((id) => this.rows.has(id));
    this.holes = 0;
  }
}

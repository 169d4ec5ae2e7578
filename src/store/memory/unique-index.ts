// One unique attribute's index: value -> id, with the attribute's case rule applied to the key.
import { ScimError } from '../../errors.ts';
import { queryKey, storedKey } from './case-key.ts';

export class UniqueIndex {
  private readonly byValue = new Map<string, string>();

  constructor(
    /** The attribute's canonical name, e.g. userName (top-level attributes only). */
    readonly attribute: string,
    private readonly caseExact: boolean,
  ) {}

  private key(value: unknown): string | undefined {
    return typeof value === 'string' ? storedKey(value, this.caseExact) : undefined;
  }

  /** Throws 409 uniqueness when `value` belongs to another resource than `id`. */
  check(value: unknown, id: string | undefined): void {
    const key = this.key(value);
    if (key === undefined) return;
    const owner = this.byValue.get(key);
    if (owner !== undefined && owner !== id) {
      throw new ScimError(409, `${this.attribute} "${String(value).slice(0, 100)}" is already taken`, 'uniqueness');
    }
  }

  lookup(value: string): string | undefined {
    return this.byValue.get(queryKey(value, this.caseExact));
  }

  set(value: unknown, id: string): void {
    const key = this.key(value);
    if (key !== undefined) this.byValue.set(key, id);
  }

  delete(value: unknown, id: string): void {
    const key = this.key(value);
    if (key !== undefined && this.byValue.get(key) === id) this.byValue.delete(key);
  }
}

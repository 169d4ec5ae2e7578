// A key -> insertion-ordered set of string values, for indexes where almost every key has exactly
// one value (a user's email in an equality index, a user in one group). A one-element Set costs
// ~150 B (the Set plus its own hash table), so a lone value is stored as itself and a Set is made
// only when a second value arrives (and dropped again when one is left).
export class MultiMap {
  private readonly entries = new Map<string, string | Set<string>>();

  /** The values of `key` in the order they were added (a new array). */
  get(key: string): string[] {
    const v = this.entries.get(key);
    return v === undefined ? [] : typeof v === 'string' ? [v] : [...v];
  }

  add(key: string, value: string): void {
    const v = this.entries.get(key);
    if (v === undefined) this.entries.set(key, value);
    else if (typeof v === 'string') {
      if (v !== value) this.entries.set(key, new Set([v, value]));
    } else v.add(value);
  }

  delete(key: string, value: string): void {
    const v = this.entries.get(key);
    if (v === value) this.entries.delete(key);
    else if (typeof v === 'object') {
      v.delete(value);
      if (v.size === 1) this.entries.set(key, v.values().next().value!);
    }
  }

  deleteKey(key: string): void {
    this.entries.delete(key);
  }
}

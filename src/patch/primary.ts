// RFC 7643 §2.4: "The primary attribute value 'true' MUST appear no more than once." When a
// PATCH sets primary on one value of a multi-valued attribute, the others lose it.
import type { ScimObject } from '../schema/normalize.ts';
import type { ResolvedPath } from '../schema/paths.ts';

export class PrimaryTracker {
  /** The value most recently made primary, per attribute (keyed by container and name). */
  private readonly latest = new Map<string, { path: ResolvedPath; element: object }>();

  track(path: ResolvedPath, element: unknown): void {
    if (typeof element !== 'object' || element === null) return;
    if ((element as { primary?: unknown }).primary !== true) return;
    if (!path.attribute.subByLower?.has('primary')) return;
    this.latest.set(`${path.extension ?? ''}:${path.attribute.name}`, { path, element });
  }

  enforce(doc: ScimObject): void {
    for (const { path, element } of this.latest.values()) {
      const holder = path.extension ? (doc[path.extension] as ScimObject | undefined) : doc;
      const values = holder?.[path.attribute.name];
      if (!Array.isArray(values)) continue;
      for (const v of values) {
        if (v !== element && typeof v === 'object' && v !== null && (v as { primary?: unknown }).primary === true) {
          (v as { primary?: boolean }).primary = false;
        }
      }
    }
  }
}

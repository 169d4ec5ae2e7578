// The PATCH engine (RFC 7644 §3.5.2): applies typed operations to a copy of a resource, all or
// nothing. Each operation's result is validated like a POST/PUT body before the next runs; any
// failure names the operation and leaves the stored resource untouched (the caller writes only
// the final result, in one compare-and-set).
import { isDeepStrictEqual } from 'node:util';
import { chainOperands, type Filter } from '../filter/index.ts';
import type { AttributeDef, ResourceTypeDef } from '../schema/attributes.ts';
import { isPlainObject, type ScimObject } from '../schema/normalize.ts';
import type { ResolvedPath } from '../schema/paths.ts';
import type { Member, MembershipChange } from '../store/store.ts';
import type { PatchDialects } from './dialects.ts';
import { inOperation, invalidValue, mutability, noTarget } from './errors.ts';
import { MembershipDelta, valueEqualityIds, type MembershipSource } from './membership.ts';
import type { PatchOperation } from './operations.ts';
import { PrimaryTracker } from './primary.ts';
import { describeTarget, leafOf, type AttributeTarget } from './target.ts';
import { coerceValue } from './values.ts';

export interface PatchEnvironment {
  readonly rt: ResourceTypeDef;
  readonly dialects: PatchDialects;
  /** The resource's id (rule 7 compares a client-sent id with it). */
  readonly id: string;
  /** Validates a whole resource as POST/PUT would; throws a ScimError. */
  readonly validate: (data: ScimObject) => void;
  /** For resource types with members (Group). */
  readonly members?: {
    readonly source: MembershipSource;
    readonly resolve: (values: unknown) => Promise<Member[]>;
  };
}

export interface PatchResult {
  readonly data: ScimObject;
  readonly membership?: MembershipChange;
  /** False when the operations left the resource as it was (then version and lastModified stay). */
  readonly changed: boolean;
}

export async function applyPatch(env: PatchEnvironment, data: ScimObject, operations: readonly PatchOperation[]): Promise<PatchResult> {
  const doc = structuredClone(data);
  const delta = env.members ? new MembershipDelta(env.members.source) : undefined;
  const primaries = new PrimaryTracker();
  for (const op of operations) {
    try {
      await applyOperation(env, doc, delta, primaries, op);
      env.validate(doc);
    } catch (err) {
      throw inOperation(err, op.index, op.op, op.pathText);
    }
  }
  primaries.enforce(doc);
  pruneEmpty(doc, env.rt);
  // Fix: membership counts as changed only when the member list really changes (see hasEffect).
  const membersChanged = delta?.changed ? await delta.hasEffect() : false;
  const changed = !isDeepStrictEqual(doc, data) || membersChanged;
  return { data: doc, changed, ...(membersChanged ? { membership: delta!.toChange() } : {}) };
}

async function applyOperation(
  env: PatchEnvironment,
  doc: ScimObject,
  delta: MembershipDelta | undefined,
  primaries: PrimaryTracker,
  op: PatchOperation,
): Promise<void> {
  const target = op.target!;
  if (target.kind === 'extension') {
    if (op.op === 'remove') {
      delete doc[target.schema.id];
      return;
    }
    if (!isPlainObject(op.value)) throw invalidValue(`${target.schema.id} needs an object of attributes`);
    for (const key of Object.keys(op.value)) {
      const attribute = target.schema.byLower.get(key.toLowerCase());
      if (!attribute) continue; // unknown attributes are ignored, as on POST/PUT
      const path = { schema: target.schema, extension: target.schema.id, attribute };
      await applyOperation(env, doc, delta, primaries, { ...op, target: { kind: 'attribute', path }, value: op.value[key] });
    }
    return;
  }
  if (delta && target.path.extension === undefined && target.path.attribute.name === 'members') {
    await membersOperation(env, delta, op, target);
    return;
  }
  const leaf = leafOf(target);
  if (target.path.attribute.mutability === 'readOnly' || leaf.mutability === 'readOnly') {
    // Rule 7 (Okta): a path-less replace may carry readOnly attributes such as id, unchanged.
    if (op.fromValueObject && env.dialects.unchangedReadOnlyInValue && unchangedReadOnly(env, doc, target, op.value)) return;
    throw mutability(`${describeTarget(target)} is readOnly`);
  }
  if (op.op === 'remove' || (op.op === 'replace' && op.value === null)) {
    removeAt(doc, target);
  } else {
    setAt(env, doc, primaries, op, target);
  }
}

function unchangedReadOnly(env: PatchEnvironment, doc: ScimObject, target: AttributeTarget, value: unknown): boolean {
  const name = target.path.attribute.name;
  if (target.path.extension === undefined && name === 'id') return value === env.id;
  if (target.path.extension === undefined && name === 'meta') return true; // server-maintained; any copy is ignored
  return isDeepStrictEqual(holderOf(doc, target.path, false)?.[name], value);
}

function holderOf(doc: ScimObject, path: ResolvedPath, create: boolean): ScimObject | undefined {
  if (path.extension === undefined) return doc;
  const h = doc[path.extension];
  if (isPlainObject(h)) return h;
  if (!create) return undefined;
  const created: ScimObject = {};
  doc[path.extension] = created;
  return created;
}

function checkImmutable(def: AttributeDef, before: unknown, after: unknown): void {
  // RFC 7643 §2.2 immutable: may be set once, never changed.
  if (def.mutability === 'immutable' && before !== undefined && !isDeepStrictEqual(before, after)) {
    throw mutability(`${def.name} is immutable`);
  }
}

function removeAt(doc: ScimObject, target: AttributeTarget): void {
  const holder = holderOf(doc, target.path, false);
  const { attribute, sub } = target.path;
  const current = holder?.[attribute.name];
  if (!holder || current === undefined) {
    // Nothing to remove; a required attribute is still required (RFC 7644 §3.5.2.2).
    if (!target.matches && !sub && attribute.required) throw mutability(`${attribute.name} is required and cannot be removed`);
    return;
  }
  if (target.matches) {
    const values = Array.isArray(current) ? current : [];
    if (target.sub) {
      for (const el of values) {
        if (!isPlainObject(el) || !target.matches(el)) continue;
        checkImmutable(target.sub, el[target.sub.name], undefined);
        delete el[target.sub.name];
      }
    } else {
      holder[attribute.name] = values.filter((el) => !(isPlainObject(el) && target.matches!(el)));
    }
    return;
  }
  if (sub) {
    for (const el of Array.isArray(current) ? current : [current]) {
      if (!isPlainObject(el)) continue;
      checkImmutable(sub, el[sub.name], undefined);
      delete el[sub.name];
    }
    return;
  }
  if (attribute.required) throw mutability(`${attribute.name} is required and cannot be removed`);
  checkImmutable(attribute, current, undefined);
  delete holder[attribute.name];
}

function setAt(env: PatchEnvironment, doc: ScimObject, primaries: PrimaryTracker, op: PatchOperation, target: AttributeTarget): void {
  const { dialects } = env;
  const { attribute, sub } = target.path;
  const holder = holderOf(doc, target.path, true)!;
  const name = attribute.name;
  const single = { ...attribute, multiValued: false };

  if (target.matches) {
    const values = Array.isArray(holder[name]) ? (holder[name] as unknown[]) : [];
    const hits = values.filter((el): el is ScimObject => isPlainObject(el) && target.matches!(el));
    if (hits.length === 0) {
      // RFC 7644 §3.5.2.3: a value filter that matches nothing is noTarget, unless rule 5 applies.
      const creates = op.op === 'add' ? dialects.addCreatesFromValuePath : dialects.replaceCreatesFromValuePath;
      if (!creates) throw noTarget(`no value of ${name} matches the filter`);
      const seed = seedFromFilter(attribute, target.filter!, dialects);
      const element = target.sub
        ? { ...seed, [target.sub.name]: coerceValue(target.sub, op.value, dialects) }
        : { ...seed, ...elementValue(single, op.value, dialects) };
      values.push(element);
      holder[name] = values;
      primaries.track(target.path, element);
      return;
    }
    for (const el of hits) {
      if (target.sub) {
        const v = coerceValue(target.sub, op.value, dialects);
        checkImmutable(target.sub, el[target.sub.name], v);
        if (v === undefined) delete el[target.sub.name];
        else el[target.sub.name] = v;
      } else {
        const v = elementValue(single, op.value, dialects);
        if (op.op === 'replace') for (const k of Object.keys(el)) delete el[k];
        Object.assign(el, v);
      }
      primaries.track(target.path, el);
    }
    holder[name] = values;
    return;
  }

  if (sub) {
    const v = coerceValue(sub, op.value, dialects);
    const elements = attribute.multiValued ? (Array.isArray(holder[name]) ? (holder[name] as unknown[]) : []) : [holder[name] ?? {}];
    for (const el of elements) {
      if (!isPlainObject(el)) continue;
      checkImmutable(sub, el[sub.name], v);
      if (v === undefined) delete el[sub.name];
      else el[sub.name] = v;
      // `emails.primary = true` without a filter marks every value; only one may keep it.
      primaries.track(target.path, el);
    }
    if (!attribute.multiValued) holder[name] = elements[0];
    return;
  }

  const v = coerceValue(attribute, op.value, dialects);
  if (v === undefined) {
    if (op.op === 'add') throw invalidValue(`add needs a value for ${name}`);
    removeAt(doc, target);
    return;
  }
  if (attribute.multiValued) {
    const items = v as unknown[];
    let kept = items;
    if (op.op === 'replace') {
      holder[name] = items;
    } else {
      const values = Array.isArray(holder[name]) ? (holder[name] as unknown[]) : [];
      // RFC 7644 §3.5.2.1: a value already present is not added twice.
      // Fix: the primary rule must track the value that is in the list (the existing one when the
      // item is a duplicate); tracking the dropped copy made enforce() clear `primary` on the very
      // value the client re-sent, so re-adding an identical primary email changed the resource.
      kept = items.map((item) => {
        const same = values.find((e) => isDeepStrictEqual(e, item));
        if (same === undefined) values.push(item);
        return same ?? item;
      });
      holder[name] = values;
    }
    for (const item of kept) primaries.track(target.path, item);
  } else if (attribute.type === 'complex') {
    // Add and replace on a complex attribute both merge sub-attributes (RFC 7644 §3.5.2.1, §3.5.2.3).
    const existing = isPlainObject(holder[name]) ? (holder[name] as ScimObject) : {};
    const incoming = objectValue(attribute, v, dialects);
    for (const s of attribute.subAttributes ?? []) if (s.name in incoming) checkImmutable(s, existing[s.name], incoming[s.name]);
    holder[name] = { ...existing, ...incoming };
  } else {
    checkImmutable(attribute, holder[name], v);
    holder[name] = v;
  }
}

/** A value that must be one complex value (an object of sub-attributes). */
function objectValue(def: AttributeDef, value: unknown, dialects: PatchDialects): ScimObject {
  const v = isPlainObject(value) && def.subByLower ? coerceValue(def, value, dialects) : value;
  if (!isPlainObject(v)) throw invalidValue(`${def.name} needs an object of sub-attributes`);
  return v;
}

/**
 * The value for `attr[filter]`: one complex value. Fix: a one-element array is that value. The
 * contract's own patchUser example (openapi/scim.yaml, `replace emails[type eq "work" and value ew
 * "example.com"]` with `value: [{...}]`) sends this shape and was answered 400 invalidValue.
 */
function elementValue(def: AttributeDef, value: unknown, dialects: PatchDialects): ScimObject {
  const one = Array.isArray(value) && value.length === 1 && isPlainObject(value[0]) ? value[0] : value;
  return objectValue(def, one, dialects);
}

/** Rule 5: the sub-attributes a value path's `eq` terms name become the new value's. */
function seedFromFilter(attribute: AttributeDef, filter: Filter, dialects: PatchDialects): ScimObject {
  const terms = filter.kind === 'and' ? chainOperands(filter) : [filter];
  const seed: ScimObject = {};
  for (const t of terms) {
    if (t.kind !== 'compare' || t.op !== 'eq' || t.value === null) continue;
    const sub = attribute.subByLower?.get(t.path.attr.toLowerCase());
    if (sub) seed[sub.name] = coerceValue(sub, t.value, dialects);
  }
  return seed;
}

async function membersOperation(env: PatchEnvironment, delta: MembershipDelta, op: PatchOperation, target: AttributeTarget): Promise<void> {
  const members = env.members!;
  if (target.sub || target.path.sub || (target.matches && op.op !== 'remove')) {
    // members' sub-attributes are immutable (RFC 7643 §8.7.1): a member is removed or added, never edited.
    throw mutability('members values are immutable: remove the member and add another');
  }
  if (op.op === 'add' || op.op === 'replace') {
    const list = await members.resolve(Array.isArray(op.value) ? op.value : op.value == null ? [] : [op.value]);
    if (op.op === 'replace') delta.clear();
    await delta.add(list);
    return;
  }
  if (target.matches) {
    const ids = valueEqualityIds(target.filter!);
    if (ids) {
      for (const id of ids) await delta.remove(id);
    } else {
      for (const m of await delta.current()) if (target.matches({ ...m })) await delta.remove(m.value);
    }
    return;
  }
  if (op.value !== undefined && op.value !== null && env.dialects.removeMembersByValue) {
    // Rule 3 (Entra ID): {"op":"Remove","path":"members","value":[{"value":"<id>"}]} removes just those.
    for (const item of Array.isArray(op.value) ? op.value : [op.value]) {
      const id = isPlainObject(item) ? item.value : undefined;
      if (typeof id !== 'string') throw invalidValue('each member to remove needs a value (its id)');
      await delta.remove(id);
    }
    return;
  }
  delta.clear();
}

/** Empty extension objects and empty multi-valued attributes are unassigned (RFC 7643 §2.5). */
function pruneEmpty(doc: ScimObject, rt: ResourceTypeDef): void {
  const prune = (h: ScimObject) => {
    for (const [k, v] of Object.entries(h)) {
      if (Array.isArray(v) && v.length === 0) delete h[k];
      else if (isPlainObject(v) && Object.keys(v).length === 0) delete h[k];
    }
  };
  prune(doc);
  for (const ext of rt.extensions) {
    const h = doc[ext.schema.id];
    if (isPlainObject(h)) {
      prune(h);
      if (Object.keys(h).length === 0) delete doc[ext.schema.id];
    }
  }
}

// The identity providers' PATCH dialects: each is an explicit, named rule, on by default, with
// the client that needs it. `strict` turns rules 2-7 off for clients that want pure RFC 7644.
// (Rule 1, `op` in any case, is always on: it changes no meaning.)
export interface PatchDialects {
  /** 2. "True"/"False" strings (any case) for boolean attributes, in values and path filters (Entra ID). */
  readonly stringBooleans: boolean;
  /** 3. `remove` on `members` with a value list removes just those members, not all (Entra ID). */
  readonly removeMembersByValue: boolean;
  /** 4. Path-less add/replace whose value keys are dotted or URN-qualified paths (Entra ID). */
  readonly pathKeysInValue: boolean;
  /** 5. `add` on a value path that matches nothing creates the value from the filter's eq terms (Entra ID, OneLogin). */
  readonly addCreatesFromValuePath: boolean;
  /** 5b. The same for `replace` (off by default: RFC 7644 §3.5.2.3 requires noTarget). */
  readonly replaceCreatesFromValuePath: boolean;
  /** 6. A plain string for a complex attribute with a `value` sub-attribute (Entra's manager id). */
  readonly managerAsString: boolean;
  /** 7. readOnly attributes (id, meta, ...) in a path-less replace are accepted when unchanged (Okta). */
  readonly unchangedReadOnlyInValue: boolean;
}

export const DEFAULT_DIALECTS: PatchDialects = {
  stringBooleans: true,
  removeMembersByValue: true,
  pathKeysInValue: true,
  addCreatesFromValuePath: true,
  replaceCreatesFromValuePath: false,
  managerAsString: true,
  unchangedReadOnlyInValue: true,
};

export const STRICT_DIALECTS: PatchDialects = {
  stringBooleans: false,
  removeMembersByValue: false,
  pathKeysInValue: false,
  addCreatesFromValuePath: false,
  replaceCreatesFromValuePath: false,
  managerAsString: false,
  unchangedReadOnlyInValue: false,
};

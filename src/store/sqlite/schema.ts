// The SQLite schema and its migrations. Each migration runs once, in order, inside one IMMEDIATE
// transaction, and scim_schema_version records how far a file has come, so opening a database is
// idempotent and several processes may open the same file at once.
import type Database from 'better-sqlite3';

/** Migration n (1-based) is MIGRATIONS[n - 1]. Never edit a released one: add the next. */
const MIGRATIONS: readonly string[] = [
  `
  -- One row per resource. seq is the creation order (the default order and the cursor tiebreaker);
  -- AUTOINCREMENT never reuses a deleted resource's seq. data is the JSON of the attributes.
  CREATE TABLE scim_resources (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    created TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    last_modified TEXT NOT NULL,
    modified_ms INTEGER NOT NULL,
    version TEXT NOT NULL
  );
  CREATE INDEX scim_resources_type ON scim_resources (type, seq);

  -- Index keys of the indexed attributes (keys.ts), folded in JavaScript exactly as filters compare
  -- them; the partial unique index is the uniqueness constraint (userName).
  CREATE TABLE scim_keys (
    seq INTEGER NOT NULL REFERENCES scim_resources (seq) ON DELETE CASCADE,
    path TEXT NOT NULL,
    key TEXT NOT NULL,
    is_unique INTEGER NOT NULL
  );
  CREATE INDEX scim_keys_lookup ON scim_keys (path, key);
  CREATE UNIQUE INDEX scim_keys_unique ON scim_keys (path, key) WHERE is_unique = 1;
  CREATE INDEX scim_keys_seq ON scim_keys (seq);

  -- Group membership, one row per (group, member): adding or removing a member touches one row.
  -- pos is the order members were added in (Store.members, and User.groups's first group).
  CREATE TABLE scim_memberships (
    pos INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id TEXT NOT NULL REFERENCES scim_resources (id) ON DELETE CASCADE,
    member_id TEXT NOT NULL REFERENCES scim_resources (id) ON DELETE CASCADE,
    member_type TEXT NOT NULL,
    display TEXT,
    UNIQUE (group_id, member_id)
  );
  CREATE INDEX scim_memberships_member ON scim_memberships (member_id, pos);

  -- Settings the data depends on, e.g. which paths scim_keys holds.
  CREATE TABLE scim_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
];

export function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS scim_schema_version (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)');
  db.transaction(() => {
    const current = (db.prepare('SELECT max(version) AS v FROM scim_schema_version').get() as { v: number | null }).v ?? 0;
    if (current > MIGRATIONS.length) {
      throw new Error(`The database is at schema version ${current}, newer than this server knows (${MIGRATIONS.length})`);
    }
    for (let v = current + 1; v <= MIGRATIONS.length; v++) {
      db.exec(MIGRATIONS[v - 1]);
      db.prepare('INSERT INTO scim_schema_version (version, applied) VALUES (?, ?)').run(v, new Date().toISOString());
    }
  }).immediate();
}

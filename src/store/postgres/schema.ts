// The PostgreSQL schema: numbered migrations recorded in scim_schema_version, then the indexes the
// registry asks for (unique and lookup attributes, sql/keys.ts) as expression indexes. Everything
// runs in one transaction under an advisory lock, so several instances may start at once.
import type pg from 'pg';
import { createHash } from 'node:crypto';
import type { KeyedPath } from '../sql/keys.ts';
import { literal } from '../sql/names.ts';
import { keyExpression } from './keys.ts';

/** Migration n (1-based) is MIGRATIONS[n - 1]. Never edit a released one: add the next. */
const MIGRATIONS: readonly string[] = [
  `
  -- One row per resource; seq is the creation order (default order, cursor tiebreaker).
  CREATE TABLE scim_resources (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text NOT NULL UNIQUE,
    type text NOT NULL,
    data jsonb NOT NULL,
    created text NOT NULL,
    created_ms bigint NOT NULL,
    last_modified text NOT NULL,
    modified_ms bigint NOT NULL,
    version text NOT NULL
  );
  CREATE INDEX scim_resources_type ON scim_resources (type, seq);

  -- Group membership, one row per (group, member): a member change touches one row.
  -- pos is the order members were added in.
  CREATE TABLE scim_memberships (
    group_id text NOT NULL REFERENCES scim_resources (id) ON DELETE CASCADE,
    member_id text NOT NULL REFERENCES scim_resources (id) ON DELETE CASCADE,
    member_type text NOT NULL,
    display text,
    pos bigint GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (group_id, member_id)
  );
  CREATE INDEX scim_memberships_group ON scim_memberships (group_id, pos);
  CREATE INDEX scim_memberships_member ON scim_memberships (member_id, pos);

  -- The keys a GIN index on a multi-valued attribute (emails.value) holds: the MD5 of each string
  -- value of one member of the array's objects, folded or not (keys.ts). Not inlinable (it has a
  -- FROM), so a query written with the same call matches the index.
  CREATE FUNCTION scim_keys(arr jsonb, key text, fold boolean) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT coalesce(array_agg(md5(CASE WHEN fold THEN lower(e ->> key) ELSE e ->> key END)), '{}'::text[])
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(arr) = 'array' THEN arr END) AS e
    WHERE jsonb_typeof(e -> key) = 'string'
  $fn$;

  -- Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
  CREATE FUNCTION scim_days(y bigint, m int, d int) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
    SELECT era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + (153 * (CASE WHEN m > 2 THEN m - 3 ELSE m + 9 END) + 2) / 5 + d - 1 - 719468
    FROM (SELECT yy - era * 400 AS yoe, era FROM (
      SELECT yy, (CASE WHEN yy >= 0 THEN yy ELSE yy - 399 END) / 400 AS era
      FROM (SELECT y - (CASE WHEN m <= 2 THEN 1 ELSE 0 END) AS yy) a) b) c
  $fn$;

  -- parseInstant of src/filter/instant.ts, step for step: xsd:dateTime text to epoch milliseconds,
  -- NULL when it is not one. Years 0-99 go through 19yy and back, as Date.UTC makes JS do.
  CREATE FUNCTION scim_instant(t text) RETURNS double precision
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  DECLARE
    m text[];
    y bigint; mo int; d int; h int; mi int; s int; ms int; off int;
    t0 double precision; z bigint; era bigint; doe bigint; yoe bigint; doy bigint; mp bigint; cy bigint; cm int; cd int;
  BEGIN
    IF length(t) > 64 THEN RETURN NULL; END IF;
    m := regexp_match(t, '^([0-9]{4,})-([0-9]{2})-([0-9]{2})(?:[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:[.]([0-9]+))?([Zz]|[+-][0-9]{2}:[0-9]{2})?)?$');
    IF m IS NULL OR length(m[1]) > 9 THEN RETURN NULL; END IF;
    y := m[1]::bigint; mo := m[2]::int; d := m[3]::int;
    h := coalesce(m[4], '0')::int; mi := coalesce(m[5], '0')::int; s := coalesce(m[6], '0')::int;
    ms := rpad(left(coalesce(m[7], ''), 3), 3, '0')::int;
    IF mo < 1 OR mo > 12 OR d < 1 THEN RETURN NULL; END IF;
    IF d > (CASE WHEN mo = 2 AND ((y % 4 = 0 AND y % 100 <> 0) OR y % 400 = 0) THEN 29
                 ELSE (ARRAY[31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[mo] END) THEN RETURN NULL; END IF;
    IF h > 24 OR mi > 59 OR s > 60 OR (h = 24 AND (mi > 0 OR s > 0)) THEN RETURN NULL; END IF;
    t0 := scim_days(CASE WHEN y < 100 THEN y + 1900 ELSE y END, mo, d) * 86400000.0 + h * 3600000.0 + mi * 60000 + s * 1000 + ms;
    IF abs(t0) > 8.64e15 THEN RETURN NULL; END IF;
    IF y < 100 THEN
      -- civil_from_days of the 19yy instant, then the same month, day and time 1900 years earlier.
      z := floor(t0 / 86400000)::bigint + 719468;
      era := (CASE WHEN z >= 0 THEN z ELSE z - 146096 END) / 146097;
      doe := z - era * 146097;
      yoe := (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
      doy := doe - (365 * yoe + yoe / 4 - yoe / 100);
      mp := (5 * doy + 2) / 153;
      cd := (doy - (153 * mp + 2) / 5 + 1)::int;
      cm := (CASE WHEN mp < 10 THEN mp + 3 ELSE mp - 9 END)::int;
      cy := yoe + era * 400 + (CASE WHEN cm <= 2 THEN 1 ELSE 0 END);
      t0 := scim_days(cy - 1900, cm, cd) * 86400000.0 + (t0 - floor(t0 / 86400000) * 86400000);
    END IF;
    off := CASE WHEN m[8] IS NULL OR upper(m[8]) = 'Z' THEN 0
                ELSE (CASE WHEN left(m[8], 1) = '-' THEN -1 ELSE 1 END) * (substr(m[8], 2, 2)::int * 60 + substr(m[8], 5, 2)::int) END;
    RETURN t0 - off * 60000.0;
  END $fn$;
  `,
];

export interface IndexDef {
  readonly name: string;
  readonly sql: string;
  readonly keyed: KeyedPath;
}

/** The expression index of one keyed path (keys.ts), partial on its resource type. */
export function indexFor(kp: KeyedPath): IndexDef {
  const { sql: expression, method } = keyExpression(kp, '');
  const label = `${kp.rt.name}_${kp.name}`.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 40);
  const hash = createHash('sha256').update(`${method} ${expression} ${kp.unique}`).digest('hex').slice(0, 8);
  const name = `scim_${kp.unique ? 'unique' : 'key'}_${label}_${hash}`;
  const sql =
    `CREATE ${kp.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${name} ON scim_resources ` +
    `USING ${method} ((${expression})) WHERE type = ${literal(kp.rt.name)}`;
  return { name, sql, keyed: kp };
}

export async function migrate(client: pg.PoolClient, indexes: readonly IndexDef[]): Promise<void> {
  await client.query('BEGIN');
  try {
    // One instance at a time; the key is arbitrary but fixed.
    await client.query('SELECT pg_advisory_xact_lock(7364921)');
    await client.query('CREATE TABLE IF NOT EXISTS scim_schema_version (version integer PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM scim_schema_version');
    const current = rows[0].v ?? 0;
    if (current > MIGRATIONS.length) {
      throw new Error(`The database is at schema version ${current}, newer than this server knows (${MIGRATIONS.length})`);
    }
    for (let v = current + 1; v <= MIGRATIONS.length; v++) {
      await client.query(MIGRATIONS[v - 1]);
      await client.query('INSERT INTO scim_schema_version (version) VALUES ($1)', [v]);
    }
    for (const index of indexes) await client.query(index.sql);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}

// The migrations, in order. Each is written once for both dialects; `types` supplies the few
// column types that differ. A migration's name never changes once released.
import type { ColumnDefinitionBuilder, Kysely, Migration, MigrationProvider } from 'kysely';
import type { Dialect } from '../types.js';
import * as m001 from './001_foundation.js';
import * as m002 from './002_lifecycle.js';
import * as m003 from './003_web.js';
import * as m004 from './004_hardening.js';
import * as m005 from './005_integrator.js';
import * as m006 from './006_throughput.js';
import * as m007 from './007_trust.js';
import * as m008 from './008_scale.js';
import * as m009 from './009_change_notices.js';
import * as m010 from './010_notifications.js';

interface DialectMigration {
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
}

/** In name order, which is the order Kysely's migrator applies them in (it sorts by name). */
const ALL: ReadonlyArray<readonly [string, DialectMigration]> = [
  ['001_foundation', m001],
  ['002_lifecycle', m002],
  ['003_web', m003],
  ['004_hardening', m004],
  ['005_integrator', m005],
  ['006_throughput', m006],
  ['007_trust', m007],
  ['008_scale', m008],
  ['009_change_notices', m009],
  ['010_notifications', m010],
];

export const KNOWN_MIGRATIONS: readonly string[] = ALL.map(([name]) => name);

export function migrationProvider(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      const out: Record<string, Migration> = {};
      for (const [name, m] of ALL) out[name] = { up: (db) => m.up(db, dialect) };
      return out;
    },
  };
}

/** Column types that differ between SQLite and PostgreSQL. */
export function types(dialect: Dialect) {
  const pg = dialect === 'postgres';
  return {
    /** Surrogate keys and order numbers: 64-bit on PostgreSQL, SQLite's rowid otherwise. */
    id: pg ? ('bigint' as const) : ('integer' as const),
    idModifier: (c: ColumnDefinitionBuilder) =>
      pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
    ref: pg ? ('bigint' as const) : ('integer' as const),
    /** Integer cents. */
    money: pg ? ('bigint' as const) : ('integer' as const),
  };
}

import { sha256Hex } from '@mueang/core';
import type { SqlDriver } from '../state-store.ts';
import { StateStoreError } from './errors.ts';
import type { Migration } from './migration.ts';
import { MIGRATIONS } from './migrations.ts';

const MIGRATION_ID = /^\d{4}_[a-z0-9_]+$/;

/**
 * Key of the transaction-scoped advisory lock that serialises migrations of one PostgreSQL
 * database across processes (any constant works; this one is ours and appears nowhere else).
 */
export const MIGRATION_LOCK_KEY = '7246711935841001';

const CREATE_LEDGER = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  id         text PRIMARY KEY,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

interface AppliedRow {
  id: string;
  checksum: string;
}

/** sha-256 of the migration's SQL: detects a shipped migration that was edited afterwards */
export function migrationChecksum(migration: Migration): string {
  return sha256Hex(migration.sql);
}

/** Throws migration.failed when ids are malformed, repeated or out of order. */
export function checkMigrationList(migrations: readonly Migration[]): void {
  let previous = '';
  for (const [index, migration] of migrations.entries()) {
    if (!MIGRATION_ID.test(migration.id)) {
      throw new StateStoreError('migration.failed', `migration #${index + 1} has id "${migration.id}"; ids look like "0002_alerts" (four digits, underscore, lowercase words)`, { migrationId: migration.id });
    }
    if (migration.id <= previous) {
      throw new StateStoreError('migration.failed', `migration "${migration.id}" comes after "${previous}" in the list; keep the list sorted by id with no repeats`, { migrationId: migration.id });
    }
    previous = migration.id;
  }
}

async function lockMigrations(tx: SqlDriver): Promise<void> {
  // PGlite is one connection in one process: nothing to serialise against
  if (tx.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
}

/**
 * Apply the migrations not yet recorded in schema_migrations, each in its own transaction, in
 * order; returns the ids applied now ([] when the schema is current). Safe when several processes
 * start at once on one PostgreSQL database: each step runs under an advisory lock and re-checks.
 */
export async function migrate(driver: SqlDriver, migrations: readonly Migration[] = MIGRATIONS): Promise<string[]> {
  checkMigrationList(migrations);
  const known = new Map(migrations.map((m) => [m.id, m]));

  const applied = await driver.transaction(async (tx) => {
    await lockMigrations(tx);
    await tx.exec(CREATE_LEDGER);
    return tx.query<AppliedRow>('SELECT id, checksum FROM schema_migrations ORDER BY id');
  });
  for (const row of applied) {
    const migration = known.get(row.id);
    if (!migration) {
      throw new StateStoreError(
        'migration.failed',
        `the database has migration "${row.id}" applied, which this version of the code does not know; it was migrated by a newer version: run that version, or restore a backup from before the upgrade`,
        { migrationId: row.id },
      );
    }
    if (migrationChecksum(migration) !== row.checksum) {
      throw new StateStoreError(
        'migration.failed',
        `migration "${row.id}" was changed after it was applied to this database; restore its original SQL and put the change in a new migration`,
        { migrationId: row.id },
      );
    }
  }

  const done = new Set(applied.map((row) => row.id));
  const appliedNow: string[] = [];
  for (const migration of migrations) {
    if (done.has(migration.id)) continue;
    const ran = await applyOne(driver, migration);
    if (ran) appliedNow.push(migration.id);
  }
  return appliedNow;
}

/** false when another process applied it while we waited for the lock */
async function applyOne(driver: SqlDriver, migration: Migration): Promise<boolean> {
  try {
    return await driver.transaction(async (tx) => {
      await lockMigrations(tx);
      const already = await tx.query('SELECT 1 FROM schema_migrations WHERE id = $1', [migration.id]);
      if (already.length > 0) return false;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (id, checksum) VALUES ($1, $2)', [migration.id, migrationChecksum(migration)]);
      return true;
    });
  } catch (err) {
    if (err instanceof StateStoreError) throw err;
    throw new StateStoreError(
      'migration.failed',
      `migration "${migration.id}" failed and was rolled back, nothing of it applied: ${(err as Error).message}`,
      { migrationId: migration.id },
      { cause: err },
    );
  }
}

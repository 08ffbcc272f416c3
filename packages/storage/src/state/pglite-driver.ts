import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { SqlDriver } from '../state-store.ts';
import { StateStoreError } from './errors.ts';
import { inSavepoint } from './savepoint.ts';
import { TEXT_PARSERS } from './type-parsers.ts';

export interface PgliteDriverOptions {
  /** directory of the database files; omitted = in memory, gone at close */
  dataDir?: string;
}

/**
 * SqlDriver over PGlite (PostgreSQL compiled to WASM, in-process): the embedded default.
 * One connection: PGlite queues statements, and a transaction holds the others back until it ends,
 * so inside `transaction(fn)` use only the `tx` given to fn (the outer driver would wait for it).
 * One process per data directory.
 */
export class PgliteDriver implements SqlDriver {
  readonly kind = 'pglite' as const;

  private constructor(private readonly db: PGlite) {}

  static async open(options: PgliteDriverOptions = {}): Promise<PgliteDriver> {
    let db: PGlite;
    try {
      // PGlite creates the directory itself but not its parents
      if (options.dataDir) await mkdir(path.dirname(path.resolve(options.dataDir)), { recursive: true });
      db = await PGlite.create({ ...(options.dataDir ? { dataDir: options.dataDir } : {}), parsers: TEXT_PARSERS });
      await db.exec('SET DateStyle TO ISO');
    } catch (err) {
      const where = options.dataDir ? `data directory "${options.dataDir}"` : 'in-memory database';
      throw new StateStoreError(
        'connection.failed',
        `PGlite could not open the ${where}: ${(err as Error).message}; check that the directory is writable, not used by another process, and holds a PGlite database (or is empty)`,
        { dataDir: options.dataDir ?? null },
        { cause: err },
      );
    }
    return new PgliteDriver(db);
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query<T>(sql, params)).rows;
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  transaction<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T> {
    // PGlite sends BEGIN, then COMMIT, or ROLLBACK when fn throws
    return this.db.transaction((tx) => fn(new PgliteTransactionDriver(tx)));
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}

class PgliteTransactionDriver implements SqlDriver {
  readonly kind = 'pglite' as const;
  #depth = 0;

  constructor(private readonly tx: Transaction) {}

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.tx.query<T>(sql, params)).rows;
  }

  async exec(sql: string): Promise<void> {
    await this.tx.exec(sql);
  }

  async transaction<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T> {
    this.#depth += 1;
    try {
      return await inSavepoint(this, `nested_${this.#depth}`, fn);
    } finally {
      this.#depth -= 1;
    }
  }

  async close(): Promise<void> {
    throw new StateStoreError('config.invalid', 'close() was called on a transaction; close the driver that opened it instead');
  }
}

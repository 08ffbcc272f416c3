import type { SqlDriver } from '../state-store.ts';

/**
 * A transaction opened inside a transaction becomes a savepoint: its failure rolls back only
 * its own work, and the error still reaches the caller (who may let the outer transaction fail).
 */
export async function inSavepoint<T>(tx: SqlDriver, name: string, fn: (tx: SqlDriver) => Promise<T>): Promise<T> {
  await tx.exec(`SAVEPOINT ${name}`);
  try {
    const result = await fn(tx);
    await tx.exec(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (err) {
    await tx.exec(`ROLLBACK TO SAVEPOINT ${name}`);
    throw err;
  }
}

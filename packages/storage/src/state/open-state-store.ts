import type { SqlDriver, StateStore } from '../state-store.ts';
import { StateStoreError } from './errors.ts';
import type { StateLogger } from './logger.ts';
import { PgDriver } from './pg-driver.ts';
import { PgliteDriver } from './pglite-driver.ts';
import { SqlStateStore } from './sql-state-store.ts';

export type StateStoreConfig = { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir?: string };

export interface OpenStateStoreOptions {
  /** pino (or compatible) logger for connection trouble */
  logger?: StateLogger;
}

/** Connect the driver the configuration names, apply pending migrations, return the store. */
export async function openStateStore(config: StateStoreConfig, options: OpenStateStoreOptions = {}): Promise<StateStore> {
  const driver = await openDriver(config, options);
  const store = new SqlStateStore(driver);
  try {
    await store.migrate();
  } catch (err) {
    await driver.close().catch(() => undefined);
    throw err;
  }
  return store;
}

export async function openDriver(config: StateStoreConfig, options: OpenStateStoreOptions = {}): Promise<SqlDriver> {
  const kind = (config as { kind?: unknown } | undefined)?.kind;
  if (kind === 'postgres') {
    const url = (config as { url?: unknown }).url;
    if (typeof url !== 'string' || !/^postgres(ql)?:\/\//.test(url)) {
      throw new StateStoreError('config.invalid', `url: the state store url must be a postgres:// connection string, e.g. postgres://user:password@127.0.0.1:5432/mueang; got ${typeof url === 'string' ? 'a string without that scheme' : typeof url}`, { field: 'url' });
    }
    return new PgDriver({ url, ...(options.logger ? { logger: options.logger } : {}) });
  }
  if (kind === 'pglite') {
    const dataDir = (config as { dataDir?: unknown }).dataDir;
    if (dataDir !== undefined && (typeof dataDir !== 'string' || dataDir === '')) {
      throw new StateStoreError('config.invalid', 'dataDir: the state store data directory must be a path, or omitted for an in-memory database', { field: 'dataDir' });
    }
    return PgliteDriver.open(dataDir === undefined ? {} : { dataDir });
  }
  throw new StateStoreError('config.invalid', `kind: state store kind ${JSON.stringify(kind)} is unknown; use 'pglite' (embedded) or 'postgres'`, { field: 'kind' });
}

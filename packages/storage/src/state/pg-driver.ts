import pg from 'pg';
import type { SqlDriver } from '../state-store.ts';
import { StateStoreError, isPostgresError } from './errors.ts';
import { stderrLogger, type StateLogger } from './logger.ts';
import { inSavepoint } from './savepoint.ts';
import { TEXT_PARSERS } from './type-parsers.ts';

export interface PgDriverOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** pool size (default 10) */
  max?: number;
  /** give up connecting after this long (default 10 s) */
  connectTimeoutMs?: number;
  logger?: StateLogger;
}

const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    const parser = format !== 'binary' ? TEXT_PARSERS[oid] : undefined;
    return parser ?? pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** SqlDriver over a `pg` Pool: production PostgreSQL. */
export class PgDriver implements SqlDriver {
  readonly kind = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #where: string;

  constructor(options: PgDriverOptions) {
    this.#where = describeUrl(options.url);
    const logger = options.logger ?? stderrLogger;
    this.#pool = new pg.Pool({
      connectionString: options.url,
      max: options.max ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      types: pgTypes,
    });
    // the timestamp parser reads DateStyle ISO; queued before any query of the new connection
    this.#pool.on('connect', (client) => {
      client.query('SET DateStyle TO ISO').catch(() => undefined);
    });
    // an idle connection dropped by the server must not crash the process; the pool replaces it
    this.#pool.on('error', (err) => logger.warn({ err: { message: err.message, code: (err as { code?: string }).code }, database: this.#where }, 'idle PostgreSQL connection failed'));
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    try {
      const result = await this.#pool.query(sql, params);
      return result.rows as T[];
    } catch (err) {
      throw connectionError(err, this.#where);
    }
  }

  async exec(sql: string): Promise<void> {
    try {
      await this.#pool.query(sql);
    } catch (err) {
      throw connectionError(err, this.#where);
    }
  }

  async transaction<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      throw connectionError(err, this.#where);
    }
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await fn(new PgClientDriver(client, this.#where));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackErr) {
        broken = rollbackErr as Error;
      }
      throw connectionError(err, this.#where);
    } finally {
      // a connection that could not roll back is destroyed, not returned to the pool
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

/** A driver bound to one pooled connection inside BEGIN ... COMMIT. */
class PgClientDriver implements SqlDriver {
  readonly kind = 'postgres' as const;
  #depth = 0;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly where: string,
  ) {}

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    try {
      return (await this.client.query(sql, params)).rows as T[];
    } catch (err) {
      throw connectionError(err, this.where);
    }
  }

  async exec(sql: string): Promise<void> {
    try {
      await this.client.query(sql);
    } catch (err) {
      throw connectionError(err, this.where);
    }
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

/** host:port/database of a connection string, without the password */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'PostgreSQL (connection string unreadable)';
  }
}

// SQLSTATE classes 08 (connection exception), 28 (authorization), 3D000 (no such database),
// 57P01-57P03 (server shutting down / cannot connect now)
const CONNECTION_SQLSTATE = /^(08|28|3D000|57P0[123])/;
const CONNECTION_ERRNO = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE)$/;

/** Turn "cannot reach the database" into StateStoreError('connection.failed'); other errors pass unchanged. */
function connectionError(err: unknown, where: string): unknown {
  if (err instanceof StateStoreError || !(err instanceof Error)) return err;
  const code = (err as { code?: unknown }).code;
  const isConnection =
    (isPostgresError(err) && CONNECTION_SQLSTATE.test(err.code)) ||
    (typeof code === 'string' && CONNECTION_ERRNO.test(code)) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(err.message);
  if (!isConnection) return err;
  return new StateStoreError(
    'connection.failed',
    `PostgreSQL at ${where}: ${err.message}; check that the server runs and that the connection string (host, port, database, user, password) is right`,
    { database: where },
    { cause: err },
  );
}

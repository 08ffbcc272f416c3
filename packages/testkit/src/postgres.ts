import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Test databases on the PostgreSQL these machines run at 127.0.0.1:5432 (user postgres, trust
 * auth). PGHOST, PGPORT, PGUSER (and PGPASSWORD, read by pg itself) override the defaults.
 */
export interface TempDatabase {
  /** connection string of the new, empty database */
  url: string;
  name: string;
  /** terminate its connections and drop it; safe to call twice */
  drop(): Promise<void>;
}

function server(): { host: string; port: number; user: string } {
  return {
    host: process.env.PGHOST || '127.0.0.1',
    port: Number(process.env.PGPORT || 5432),
    user: process.env.PGUSER || 'postgres',
  };
}

function urlFor(database: string): string {
  const { host, port, user } = server();
  return `postgres://${encodeURIComponent(user)}@${encodeURIComponent(host)}:${port}/${database}`;
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const { host, port, user } = server();
  const client = new pg.Client({ host, port, user, database: 'postgres', connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Create a database with a random name (mueang_test_<hex>); identifiers here are generated, never user text. */
export async function createTempDatabase(): Promise<TempDatabase> {
  const name = `mueang_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}"`));
  let dropped = false;
  return {
    url: urlFor(name),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await withAdmin(async (admin) => {
        const { rows } = await admin.query<{ v: number }>("SELECT current_setting('server_version_num')::int AS v");
        if ((rows[0]?.v ?? 0) >= 130000) {
          // WITH (FORCE) terminates the connections and waits for them to go (PostgreSQL 13+)
          await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
          return;
        }
        for (let attempt = 1; ; attempt++) {
          await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
          try {
            await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
            return;
          } catch (err) {
            // 55006 object_in_use: a terminated backend has not exited yet
            if ((err as { code?: string }).code !== '55006' || attempt >= 50) throw err;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
      });
    },
  };
}

import { afterAll, describe, expect, it } from 'vitest';
import { PgDriver, StateStoreError, openStateStore } from '@mueang/storage';
import { createTempDatabase, freeLocalPort, requireComponents, type TempDatabase } from '@mueang/testkit';
import { expectStateError, stateStoreContract } from './contract.ts';

const ok = await requireComponents('StateStore on PostgreSQL', 'postgres');

describe.skipIf(!ok)('StateStore on PostgreSQL (pg)', () => {
  const databases: TempDatabase[] = [];
  async function tempDatabase(): Promise<TempDatabase> {
    const db = await createTempDatabase();
    databases.push(db);
    return db;
  }
  afterAll(async () => {
    for (const db of databases) await db.drop();
  });

  describe('contract', () => {
    stateStoreContract({
      async openStore() {
        return openStateStore({ kind: 'postgres', url: (await tempDatabase()).url });
      },
      async openEmptyDatabase() {
        const db = await tempDatabase();
        // two pools: what two processes starting at once would have
        const drivers: [PgDriver, PgDriver] = [new PgDriver({ url: db.url }), new PgDriver({ url: db.url })];
        return {
          drivers,
          async dispose() {
            await Promise.all(drivers.map((d) => d.close()));
            await db.drop();
          },
        };
      },
    });
  });

  it('reports an unreachable server as connection.failed, naming where it looked', async () => {
    const port = await freeLocalPort();
    const error = await expectStateError(openStateStore({ kind: 'postgres', url: `postgres://postgres:secret-pw@127.0.0.1:${port}/mueang` }), 'connection.failed');
    expect(error.message).toContain(`127.0.0.1:${port}/mueang`);
    expect(error.message).not.toContain('secret-pw');
  });

  it('reports a missing database as connection.failed', async () => {
    const db = await tempDatabase();
    const url = `${db.url}_missing`;
    const error = await expectStateError(openStateStore({ kind: 'postgres', url }), 'connection.failed');
    expect(error.message).toMatch(/does not exist/);
  });

  it('survives the server dropping an idle connection, and the next query reconnects', async () => {
    const db = await tempDatabase();
    const warnings: string[] = [];
    const driver = new PgDriver({ url: db.url, logger: { warn: (_obj, msg) => warnings.push(msg) } });
    try {
      const [me] = await driver.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const admin = new PgDriver({ url: db.url });
      await admin.query('SELECT pg_terminate_backend($1)', [me!.pid]);
      await admin.close();
      // the idle client's error event is logged, not thrown; the pool then opens a new connection
      await expect.poll(() => warnings.length).toBeGreaterThan(0);
      const [row] = await driver.query<{ one: number }>('SELECT 1 AS one');
      expect(row).toEqual({ one: 1 });
    } finally {
      await driver.close();
    }
  });

  it('refuses a configuration that is not a postgres connection string', async () => {
    await expectStateError(openStateStore({ kind: 'postgres', url: 'mysql://x' }), 'config.invalid', { field: 'url' });
    await expectStateError(openStateStore({ kind: 'sqlite' } as never), 'config.invalid', { field: 'kind' });
    expect(StateStoreError).toBeDefined();
  });
});

import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteDriver, SqlStateStore, openStateStore } from '@mueang/storage';
import { expectStateError, stateStoreContract } from './contract.ts';

describe('StateStore on PGlite', () => {
  describe('contract', () => {
    stateStoreContract({
      openStore: () => openStateStore({ kind: 'pglite' }),
      async openEmptyDatabase() {
        // one in-process instance: both "processes" share it
        const driver = await PgliteDriver.open();
        return { drivers: [driver, driver], dispose: () => driver.close() };
      },
    });
  });

  describe('data directory', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'mueang-pglite-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('keeps its data across close and reopen, and migrates nothing the second time', async () => {
      const dataDir = path.join(dir, 'nested', 'state');
      const first = await openStateStore({ kind: 'pglite', dataDir });
      const city = await first.upsertCity({ id: 'cnx', name: 'Chiang Mai', nameTh: 'เชียงใหม่', publicData: true });
      const site = await first.upsertSite({ id: 'cnx-ping', cityId: 'cnx', name: 'Ping', lat: 18.7883, lon: 98.9853, waterClass: 3 });
      const device = await first.upsertDevice({ id: 'cnx-sonde-1', cityId: 'cnx', siteId: 'cnx-ping', domain: 'water', kind: 'sonde', secretHash: 'scrypt$1$2$3$s$h' });
      await first.close();

      const second = new SqlStateStore(await PgliteDriver.open({ dataDir }));
      try {
        expect(await second.migrate()).toEqual([]);
        expect(await second.getCity('cnx')).toEqual(city);
        expect(await second.getSite('cnx-ping')).toEqual(site);
        expect(await second.getDevice('cnx-sonde-1')).toEqual(device);
      } finally {
        await second.close();
      }
    });

    it('reports a data directory it cannot use as connection.failed', async () => {
      const notADir = path.join(dir, 'a-file');
      await mkdir(dir, { recursive: true });
      await writeFile(notADir, 'not a database');
      const error = await expectStateError(openStateStore({ kind: 'pglite', dataDir: notADir }), 'connection.failed', { dataDir: notADir });
      expect(error.message).toContain(notADir);
    });

    it('refuses an empty data directory path', async () => {
      await expectStateError(openStateStore({ kind: 'pglite', dataDir: '' }), 'config.invalid', { field: 'dataDir' });
    });
  });
});

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret, hashSecret, sha256Hex, verifySecret } from '@mueang/core';
import { MIGRATIONS, SqlStateStore, StateStoreError, migrationChecksum, type Migration, type SqlDriver, type StateErrorCode, type StateStore } from '@mueang/storage';

/**
 * The StateStore contract, run against every driver (pg.test.ts, pglite.test.ts).
 * The registry tests share one migrated store per file (PGlite takes seconds to start), so each
 * test works on its own random ids and never assumes the tables are empty.
 */
export interface StateStoreHarness {
  /** a connected, migrated store, shared by the suite and closed by it */
  openStore(): Promise<StateStore>;
  /**
   * an empty database and two drivers onto it: on PostgreSQL two separate pools (as two
   * processes would have), on PGlite the one in-process instance twice
   */
  openEmptyDatabase(): Promise<{ drivers: [SqlDriver, SqlDriver]; dispose(): Promise<void> }>;
}

const ALL_MIGRATION_IDS = MIGRATIONS.map((m) => m.id);

function uid(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** The promise must reject with StateStoreError(code) whose details include `details` and whose message names every id in it. */
export async function expectStateError(promise: Promise<unknown>, code: StateErrorCode, details: Record<string, string | number | null> = {}): Promise<StateStoreError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected a StateStoreError ${code}`).toBeInstanceOf(StateStoreError);
  const error = caught as StateStoreError;
  expect(error.code, error.message).toBe(code);
  expect(error.details).toMatchObject(details);
  for (const [key, value] of Object.entries(details)) {
    if (key === 'field') expect(error.message.startsWith(`${value}`), error.message).toBe(true);
    else if (typeof value === 'string') expect(error.message).toContain(`"${value}"`);
  }
  return error;
}

/** back to an empty database, whatever earlier tests created */
async function resetSchema(driver: SqlDriver): Promise<void> {
  await driver.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
}

async function tableExists(driver: SqlDriver, table: string): Promise<boolean> {
  const [row] = await driver.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [table]);
  return row?.found != null;
}

export function stateStoreContract(harness: StateStoreHarness): void {
  describe('migrations', () => {
    let drivers: [SqlDriver, SqlDriver];
    let dispose: () => Promise<void>;

    beforeAll(async () => {
      ({ drivers, dispose } = await harness.openEmptyDatabase());
    });
    afterAll(async () => {
      await dispose?.();
    });

    it('applies every migration once, records it, and applies nothing the second time', async () => {
      const [driver] = drivers;
      await resetSchema(driver);
      const store = new SqlStateStore(driver);
      expect(await store.migrate()).toEqual(ALL_MIGRATION_IDS);
      expect(await store.migrate()).toEqual([]);
      const recorded = await driver.query<{ id: string; checksum: string; applied_at: number }>('SELECT id, checksum, applied_at FROM schema_migrations ORDER BY id');
      expect(recorded.map((r) => r.id)).toEqual(ALL_MIGRATION_IDS);
      expect(recorded.map((r) => r.checksum)).toEqual(MIGRATIONS.map(migrationChecksum));
      expect(typeof recorded[0]?.applied_at).toBe('number');
      for (const table of ['cities', 'sites', 'devices', 'api_keys']) expect(await tableExists(driver, table), table).toBe(true);
    });

    it('two stores migrating the same database at once apply each migration exactly once', async () => {
      await resetSchema(drivers[0]);
      const [first, second] = await Promise.all(drivers.map((driver) => new SqlStateStore(driver).migrate()));
      expect([...first!, ...second!].sort()).toEqual(ALL_MIGRATION_IDS);
      const recorded = await drivers[1].query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id');
      expect(recorded.map((r) => r.id)).toEqual(ALL_MIGRATION_IDS);
      expect(await new SqlStateStore(drivers[1]).migrate()).toEqual([]);
    });

    it('applies only a newly registered migration on a database that has the earlier ones', async () => {
      const [driver] = drivers;
      await resetSchema(driver);
      await new SqlStateStore(driver).migrate();
      const next: Migration = { id: '9001_contract_probe', sql: 'CREATE TABLE contract_probe (id text PRIMARY KEY); CREATE INDEX contract_probe_idx ON contract_probe (id);' };
      const store = new SqlStateStore(driver, { migrations: [...MIGRATIONS, next] });
      expect(await store.migrate()).toEqual(['9001_contract_probe']);
      expect(await tableExists(driver, 'contract_probe')).toBe(true);
      expect(await store.migrate()).toEqual([]);
    });

    it('rolls a failing migration back completely and does not record it', async () => {
      const [driver] = drivers;
      await resetSchema(driver);
      const broken: Migration = { id: '9002_broken', sql: 'CREATE TABLE half_done (id int); SELECT no_such_function();' };
      const store = new SqlStateStore(driver, { migrations: [...MIGRATIONS, broken] });
      const error = await expectStateError(store.migrate(), 'migration.failed', { migrationId: '9002_broken' });
      expect(error.message).toMatch(/no_such_function/);
      expect(await tableExists(driver, 'half_done')).toBe(false);
      // the good ones before it stay applied
      const recorded = await driver.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id');
      expect(recorded.map((r) => r.id)).toEqual(ALL_MIGRATION_IDS);
    });

    it('refuses a database migrated by a newer version, and an applied migration that was edited', async () => {
      const [driver] = drivers;
      await resetSchema(driver);
      const extra: Migration = { id: '9003_newer', sql: 'CREATE TABLE newer (id int);' };
      await new SqlStateStore(driver, { migrations: [...MIGRATIONS, extra] }).migrate();
      await expectStateError(new SqlStateStore(driver).migrate(), 'migration.failed', { migrationId: '9003_newer' });
      const edited: Migration = { ...extra, sql: 'CREATE TABLE newer (id bigint);' };
      await expectStateError(new SqlStateStore(driver, { migrations: [...MIGRATIONS, edited] }).migrate(), 'migration.failed', { migrationId: '9003_newer' });
    });

    it('refuses a malformed or unordered migration list before touching the database', async () => {
      const [driver] = drivers;
      await resetSchema(driver);
      const a: Migration = { id: '0500_a', sql: 'CREATE TABLE list_a (id int);' };
      const b: Migration = { id: '0400_b', sql: 'CREATE TABLE list_b (id int);' };
      await expectStateError(new SqlStateStore(driver, { migrations: [a, b] }).migrate(), 'migration.failed', { migrationId: '0400_b' });
      await expectStateError(new SqlStateStore(driver, { migrations: [a, a] }).migrate(), 'migration.failed', { migrationId: '0500_a' });
      await expectStateError(new SqlStateStore(driver, { migrations: [{ id: 'alerts', sql: 'SELECT 1' }] }).migrate(), 'migration.failed', { migrationId: 'alerts' });
      expect(await tableExists(driver, 'schema_migrations')).toBe(false);
    });
  });

  describe('registry', () => {
    let store: StateStore;

    beforeAll(async () => {
      store = await harness.openStore();
    });
    afterAll(async () => {
      await store?.close();
    });

    describe('driver', () => {
      it('maps column types the same way on every driver', async () => {
        const [row] = await store.driver.query(
          `SELECT 9007199254740991::bigint AS big, count(*) AS counted, true AS yes, false AS no, 13.7563309::float8 AS lat,
                  3::smallint AS small, NULL::text AS nothing, NULL::timestamptz AS no_time,
                  '2024-01-02 03:04:05.678+07'::timestamptz AS instant, '2024-01-02 03:04:05.678'::timestamp AS local,
                  '0050-06-15 12:00:00+00'::timestamptz AS ancient, '2024-03-01'::date AS day, 'เชียงใหม่'::text AS thai
             FROM (VALUES (1), (2)) AS t(x)`,
        );
        expect(row).toEqual({
          big: 9007199254740991,
          counted: 2,
          yes: true,
          no: false,
          lat: 13.7563309,
          small: 3,
          nothing: null,
          no_time: null,
          instant: Date.parse('2024-01-01T20:04:05.678Z'),
          local: Date.parse('2024-01-02T03:04:05.678Z'),
          ancient: Date.parse('0050-06-15T12:00:00Z'),
          day: '2024-03-01',
          thai: 'เชียงใหม่',
        });
      });

      it('sends parameters of every type and reads them back', async () => {
        const [row] = await store.driver.query('SELECT $1::text AS t, $2::float8 AS f, $3::boolean AS b, $4::bigint AS n, $5::text AS z, $6::timestamptz AS ts', [
          "it's \"quoted\"",
          -0.1,
          false,
          1_736_899_200_123,
          null,
          new Date(1_736_899_200_123).toISOString(),
        ]);
        expect(row).toEqual({ t: "it's \"quoted\"", f: -0.1, b: false, n: 1_736_899_200_123, z: null, ts: 1_736_899_200_123 });
      });

      it('commits a transaction, rolls it back when its function throws, and nests as a savepoint', async () => {
        const kept = uid('tx-kept');
        const lost = uid('tx-lost');
        const inner = uid('tx-inner');
        await store.driver.transaction(async (tx) => {
          await tx.query('INSERT INTO cities (id, name) VALUES ($1, $2)', [kept, 'kept']);
          await expect(
            tx.transaction(async (nested) => {
              await nested.query('INSERT INTO cities (id, name) VALUES ($1, $2)', [inner, 'inner']);
              throw new Error('inner failure');
            }),
          ).rejects.toThrow('inner failure');
        });
        await expect(
          store.driver.transaction(async (tx) => {
            await tx.query('INSERT INTO cities (id, name) VALUES ($1, $2)', [lost, 'lost']);
            throw new Error('outer failure');
          }),
        ).rejects.toThrow('outer failure');
        expect(await store.getCity(kept)).not.toBeNull();
        expect(await store.getCity(inner)).toBeNull();
        expect(await store.getCity(lost)).toBeNull();
      });

      it('lets a store bound to a transaction combine writes that commit or roll back together', async () => {
        const city = uid('txs');
        await expect(
          store.driver.transaction(async (tx) => {
            const bound = new SqlStateStore(tx);
            await bound.upsertCity({ id: city, name: 'Bound' });
            await bound.upsertSite({ id: `${city}-s`, cityId: city, name: 'Site' });
            // an explained constraint error inside the transaction leaves it usable
            await expectStateError(bound.upsertDevice({ id: `${city}-d`, cityId: city, siteId: `${city}-missing`, domain: 'air', kind: 'aq' }), 'site.not_found');
            expect(await bound.getSite(`${city}-s`)).not.toBeNull();
            throw new Error('abandon');
          }),
        ).rejects.toThrow('abandon');
        expect(await store.getCity(city)).toBeNull();
        expect(await store.getSite(`${city}-s`)).toBeNull();

        await store.driver.transaction(async (tx) => {
          const bound = new SqlStateStore(tx);
          await bound.upsertCity({ id: city, name: 'Bound' });
          await bound.upsertSite({ id: `${city}-s`, cityId: city, name: 'Site' });
        });
        expect((await store.getSite(`${city}-s`))?.cityId).toBe(city);
      });
    });

    describe('cities', () => {
      it('round-trips every field, Thai text included', async () => {
        const id = uid('cm');
        const saved = await store.upsertCity({ id, name: 'Chiang Mai', nameTh: 'เชียงใหม่', province: 'จังหวัดเชียงใหม่', timezone: 'Asia/Bangkok', publicData: true });
        expect(saved).toEqual({ id, name: 'Chiang Mai', nameTh: 'เชียงใหม่', province: 'จังหวัดเชียงใหม่', timezone: 'Asia/Bangkok', publicData: true, createdAt: expect.any(Number) });
        expect(Number.isInteger(saved.createdAt)).toBe(true);
        expect(await store.getCity(id)).toEqual(saved);
      });

      it('fills defaults for omitted fields', async () => {
        const id = uid('min');
        expect(await store.upsertCity({ id, name: 'Minimal' })).toMatchObject({ nameTh: null, province: null, timezone: 'Asia/Bangkok', publicData: false });
      });

      it('updates on upsert: given fields change, omitted ones stay, null clears, createdAt stays', async () => {
        const id = uid('up');
        const first = await store.upsertCity({ id, name: 'Khon Kaen', nameTh: 'ขอนแก่น', province: 'ขอนแก่น', publicData: true });
        const second = await store.upsertCity({ id, name: 'Khon Kaen City', province: null, timezone: 'UTC' });
        expect(second).toEqual({ id, name: 'Khon Kaen City', nameTh: 'ขอนแก่น', province: null, timezone: 'UTC', publicData: true, createdAt: first.createdAt });
        expect(await store.getCity(id)).toEqual(second);
        expect((await store.listCities()).filter((c) => c.id === id)).toHaveLength(1);
      });

      it('lists cities ordered by id, byte order', async () => {
        const base = uid('ord');
        const ids = [`${base}_b`, `${base}-b`, `${base}b`, `${base}1`, `${base}a`];
        for (const id of ids) await store.upsertCity({ id, name: id });
        const listed = (await store.listCities()).map((c) => c.id).filter((id) => id.startsWith(base));
        expect(listed).toEqual([...ids].sort());
      });

      it('returns null for an unknown id', async () => {
        expect(await store.getCity(uid('nope'))).toBeNull();
      });

      it('rejects invalid records with the field named', async () => {
        await expectStateError(store.upsertCity({ id: 'Bad City', name: 'x' }), 'input.invalid', { field: 'city.id' });
        await expectStateError(store.upsertCity({ id: uid('c'), name: '  ' }), 'input.invalid', { field: 'city.name' });
        await expectStateError(store.upsertCity({ id: uid('c'), name: 'x', timezone: 'Asia/Nowhere' }), 'input.invalid', { field: 'city.timezone' });
        await expectStateError(store.upsertCity({ id: uid('c'), name: 'x', publicData: 'yes' as unknown as boolean }), 'input.invalid', { field: 'city.publicData' });
        await expectStateError(store.upsertCity(null as unknown as { id: string; name: string }), 'input.invalid', { field: 'city' });
      });
    });

    describe('sites', () => {
      let cityId: string;
      beforeAll(async () => {
        cityId = uid('site-city');
        await store.upsertCity({ id: cityId, name: 'Site City' });
      });

      it('round-trips coordinates exactly, water class, kind and Thai name', async () => {
        const id = uid('ping');
        const site = { id, cityId, name: 'Ping River', nameTh: 'แม่น้ำปิง', lat: 18.788343937, lon: 98.985300812345, kind: 'river', waterClass: 3 };
        const saved = await store.upsertSite(site);
        expect(saved).toEqual({ ...site, createdAt: expect.any(Number) });
        expect(await store.getSite(id)).toEqual(saved);
        const south = await store.upsertSite({ id: uid('south'), cityId, name: 'South', lat: -33.8688, lon: -151.2093, waterClass: 1 });
        expect(await store.getSite(south.id)).toMatchObject({ lat: -33.8688, lon: -151.2093, waterClass: 1, nameTh: null, kind: null });
      });

      it('keeps omitted fields on upsert and clears coordinates with null', async () => {
        const id = uid('keep');
        const first = await store.upsertSite({ id, cityId, name: 'Keep', lat: 13.7563, lon: 100.5018, kind: 'roadside', waterClass: 2 });
        const renamed = await store.upsertSite({ id, cityId, name: 'Kept' });
        expect(renamed).toEqual({ ...first, name: 'Kept' });
        const cleared = await store.upsertSite({ id, cityId, name: 'Kept', lat: null, lon: null, waterClass: null, kind: null });
        expect(cleared).toEqual({ ...first, name: 'Kept', lat: null, lon: null, waterClass: null, kind: null });
      });

      it('rejects a site in a missing city, naming both ids', async () => {
        const id = uid('orphan');
        const missing = uid('no-city');
        await expectStateError(store.upsertSite({ id, cityId: missing, name: 'Orphan' }), 'city.not_found', { siteId: id, cityId: missing });
        expect(await store.getSite(id)).toBeNull();
      });

      it('rejects impossible coordinates and water classes', async () => {
        const base = { id: uid('bad'), cityId, name: 'Bad' };
        await expectStateError(store.upsertSite({ ...base, lat: 91, lon: 100 }), 'input.invalid', { field: 'lat' });
        await expectStateError(store.upsertSite({ ...base, lat: 13, lon: -181 }), 'input.invalid', { field: 'lon' });
        await expectStateError(store.upsertSite({ ...base, lat: Number.NaN, lon: 100 }), 'input.invalid', { field: 'lat' });
        await expectStateError(store.upsertSite({ ...base, lat: 13 }), 'input.invalid', { field: 'lat/lon' });
        await expectStateError(store.upsertSite({ ...base, lat: 13, lon: null }), 'input.invalid', { field: 'lat/lon' });
        await expectStateError(store.upsertSite({ ...base, waterClass: 6 }), 'input.invalid', { field: 'waterClass' });
        await expectStateError(store.upsertSite({ ...base, waterClass: 2.5 }), 'input.invalid', { field: 'waterClass' });
        expect(await store.getSite(base.id)).toBeNull();
      });

      it('backs the checks with database constraints for writers that bypass the store', async () => {
        const id = uid('raw');
        for (const [sql, params] of [
          ['INSERT INTO sites (id, city_id, name, lat, lon) VALUES ($1, $2, $3, 95, 100)', [id, cityId, 'x']],
          ['INSERT INTO sites (id, city_id, name, lat) VALUES ($1, $2, $3, 10)', [id, cityId, 'x']],
          ['INSERT INTO sites (id, city_id, name, water_class) VALUES ($1, $2, $3, 0)', [id, cityId, 'x']],
          ['INSERT INTO sites (id, city_id, name) VALUES ($1, $2, $3)', ['Not An Id', cityId, 'x']],
        ] as const) {
          await expect(store.driver.query(sql, [...params]), sql).rejects.toMatchObject({ code: '23514' });
        }
      });

      it('lists sites of one city, ordered by id', async () => {
        const other = uid('other-city');
        await store.upsertCity({ id: other, name: 'Other' });
        const mine = [uid('ls-b'), uid('ls-a')];
        for (const id of mine) await store.upsertSite({ id, cityId: other, name: id });
        const elsewhere = await store.upsertSite({ id: uid('ls-x'), cityId, name: 'x' });
        const listed = await store.listSites({ cityId: other });
        expect(listed.map((s) => s.id)).toEqual([...mine].sort());
        expect((await store.listSites()).map((s) => s.id)).toEqual(expect.arrayContaining([...mine, elsewhere.id]));
        expect(await store.listSites({ cityId: uid('none') })).toEqual([]);
      });

      it('moves a site to another city only while no device of the old city is at it', async () => {
        const target = uid('target');
        await store.upsertCity({ id: target, name: 'Target' });
        const free = await store.upsertSite({ id: uid('free'), cityId, name: 'Free' });
        expect(await store.upsertSite({ id: free.id, cityId: target, name: 'Free' })).toMatchObject({ cityId: target });

        const busy = await store.upsertSite({ id: uid('busy'), cityId, name: 'Busy' });
        const device = await store.upsertDevice({ id: uid('busy-dev'), cityId, siteId: busy.id, domain: 'air', kind: 'aq-station' });
        await expectStateError(store.upsertSite({ id: busy.id, cityId: target, name: 'Busy' }), 'site.has_devices', { siteId: busy.id, cityId: target });
        expect(await store.getSite(busy.id)).toEqual(busy);
        expect(await store.getDevice(device.id)).toEqual(device);
      });
    });

    describe('devices', () => {
      let cityId: string;
      let siteA: string;
      let siteB: string;
      beforeAll(async () => {
        cityId = uid('dev-city');
        siteA = uid('dev-site-a');
        siteB = uid('dev-site-b');
        await store.upsertCity({ id: cityId, name: 'Device City', nameTh: 'เมืองอุปกรณ์' });
        await store.upsertSite({ id: siteA, cityId, name: 'A' });
        await store.upsertSite({ id: siteB, cityId, name: 'B', waterClass: 2 });
      });

      it('round-trips every field and fills defaults', async () => {
        const id = uid('aq');
        const full = await store.upsertDevice({ id, cityId, siteId: siteA, domain: 'air', kind: 'aq-station', name: 'สถานีตรวจวัด 1', status: 'active', secretHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA' });
        expect(full).toEqual({
          id,
          cityId,
          siteId: siteA,
          domain: 'air',
          kind: 'aq-station',
          name: 'สถานีตรวจวัด 1',
          status: 'active',
          secretHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
          createdAt: expect.any(Number),
          updatedAt: expect.any(Number),
        });
        expect(full.updatedAt).toBeGreaterThanOrEqual(full.createdAt);
        expect(await store.getDevice(id)).toEqual(full);

        const bare = await store.upsertDevice({ id: uid('bare'), cityId, siteId: siteB, domain: 'water', kind: 'sonde' });
        expect(bare).toMatchObject({ status: 'active', name: null, secretHash: null });
      });

      it('keeps secret hash and status when an upsert omits them, and moves updatedAt', async () => {
        const id = uid('keep');
        const first = await store.upsertDevice({ id, cityId, siteId: siteA, domain: 'energy', kind: 'smart-meter', name: 'Meter', status: 'revoked', secretHash: 'scrypt$1$2$3$a$b' });
        const second = await store.upsertDevice({ id, cityId, siteId: siteB, domain: 'energy', kind: 'smart-meter-v2', name: null });
        expect(second).toEqual({ ...first, siteId: siteB, kind: 'smart-meter-v2', name: null, updatedAt: second.updatedAt });
        expect(second.updatedAt).toBeGreaterThanOrEqual(first.updatedAt);
        expect(await store.getDevice(id)).toEqual(second);
      });

      it('rejects a device whose site does not exist, naming device and site', async () => {
        const id = uid('lost');
        const siteId = uid('no-site');
        await expectStateError(store.upsertDevice({ id, cityId, siteId, domain: 'air', kind: 'aq' }), 'site.not_found', { deviceId: id, siteId });
        expect(await store.getDevice(id)).toBeNull();
      });

      it("rejects a device whose site belongs to another city, naming the device, the site and both cities", async () => {
        const otherCity = uid('elsewhere');
        const otherSite = uid('elsewhere-site');
        await store.upsertCity({ id: otherCity, name: 'Elsewhere' });
        await store.upsertSite({ id: otherSite, cityId: otherCity, name: 'There' });
        const id = uid('mismatch');
        const error = await expectStateError(store.upsertDevice({ id, cityId, siteId: otherSite, domain: 'waste', kind: 'bin' }), 'device.site_city_mismatch', {
          deviceId: id,
          siteId: otherSite,
          cityId,
          siteCityId: otherCity,
        });
        expect(error.message).not.toMatch(/violates foreign key/);
        expect(await store.getDevice(id)).toBeNull();
        // an existing device cannot be moved to such a site either
        const existing = await store.upsertDevice({ id: uid('stay'), cityId, siteId: siteA, domain: 'waste', kind: 'bin' });
        await expectStateError(store.upsertDevice({ ...existing, siteId: otherSite }), 'device.site_city_mismatch', { siteCityId: otherCity });
        expect(await store.getDevice(existing.id)).toEqual(existing);
      });

      it('rejects invalid device records with the field named', async () => {
        const base = { id: uid('inv'), cityId, siteId: siteA, domain: 'air' as const, kind: 'aq' };
        await expectStateError(store.upsertDevice({ ...base, domain: 'noise' as 'air' }), 'input.invalid', { field: 'device.domain' });
        await expectStateError(store.upsertDevice({ ...base, status: 'paused' as 'active' }), 'input.invalid', { field: 'device.status' });
        await expectStateError(store.upsertDevice({ ...base, kind: '' }), 'input.invalid', { field: 'device.kind' });
        await expectStateError(store.upsertDevice({ ...base, id: 'UPPER' }), 'input.invalid', { field: 'device.id' });
        await expectStateError(store.upsertDevice({ ...base, secretHash: generateSecret() }), 'input.invalid', { field: 'secretHash' });
        expect(await store.getDevice(base.id)).toBeNull();
      });

      it('filters the device list by city, site, domain and status, ordered by id', async () => {
        const city = uid('flt');
        const s1 = `${city}-s1`;
        const s2 = `${city}-s2`;
        await store.upsertCity({ id: city, name: 'Filter' });
        await store.upsertSite({ id: s1, cityId: city, name: 's1' });
        await store.upsertSite({ id: s2, cityId: city, name: 's2' });
        const rows = [
          { id: `${city}-d3`, siteId: s1, domain: 'air', status: 'active' },
          { id: `${city}-d1`, siteId: s1, domain: 'water', status: 'revoked' },
          { id: `${city}-d2`, siteId: s2, domain: 'air', status: 'revoked' },
          { id: `${city}-d4`, siteId: s2, domain: 'energy', status: 'active' },
        ] as const;
        for (const row of rows) await store.upsertDevice({ ...row, cityId: city, kind: 'k' });
        const ids = async (filter: Parameters<StateStore['listDevices']>[0]) => (await store.listDevices(filter)).map((d) => d.id);
        expect(await ids({ cityId: city })).toEqual([`${city}-d1`, `${city}-d2`, `${city}-d3`, `${city}-d4`]);
        expect(await ids({ cityId: city, siteId: s1 })).toEqual([`${city}-d1`, `${city}-d3`]);
        expect(await ids({ siteId: s2 })).toEqual([`${city}-d2`, `${city}-d4`]);
        expect(await ids({ cityId: city, domain: 'air' })).toEqual([`${city}-d2`, `${city}-d3`]);
        expect(await ids({ cityId: city, status: 'revoked' })).toEqual([`${city}-d1`, `${city}-d2`]);
        expect(await ids({ cityId: city, domain: 'air', status: 'active', siteId: s1 })).toEqual([`${city}-d3`]);
        expect(await ids({ cityId: city, domain: 'waste' })).toEqual([]);
        expect(await ids({ cityId: uid('none') })).toEqual([]);
        expect(await ids(undefined)).toEqual(expect.arrayContaining(rows.map((r) => r.id)));
        await expectStateError(store.listDevices({ domain: 'noise' as 'air' }), 'input.invalid', { field: 'filter.domain' });
      });

      it('stores a new secret hash that verifies the secret, and refuses unknown devices', async () => {
        const id = uid('cred');
        const before = await store.upsertDevice({ id, cityId, siteId: siteA, domain: 'air', kind: 'aq', secretHash: await hashSecret('old secret') });
        const secret = generateSecret();
        await store.setDeviceSecretHash(id, await hashSecret(secret));
        const after = await store.getDevice(id);
        expect(after!.secretHash).not.toBe(before.secretHash);
        expect(await verifySecret(secret, after!.secretHash!)).toBe(true);
        expect(await verifySecret('old secret', after!.secretHash!)).toBe(false);
        expect(after!.updatedAt).toBeGreaterThanOrEqual(before.updatedAt);
        expect(after).toEqual({ ...before, secretHash: after!.secretHash, updatedAt: after!.updatedAt });

        const unknown = uid('ghost');
        await expectStateError(store.setDeviceSecretHash(unknown, await hashSecret(secret)), 'device.not_found', { deviceId: unknown });
        await expectStateError(store.setDeviceSecretHash(id, secret), 'input.invalid', { field: 'secretHash' });
        expect((await store.getDevice(id))!.secretHash).toBe(after!.secretHash);
      });

      it('changes status, visible to get and to the status filter', async () => {
        const id = uid('status');
        await store.upsertDevice({ id, cityId, siteId: siteB, domain: 'water', kind: 'sonde' });
        await store.setDeviceStatus(id, 'revoked');
        expect((await store.getDevice(id))!.status).toBe('revoked');
        expect((await store.listDevices({ cityId, status: 'revoked' })).map((d) => d.id)).toContain(id);
        expect((await store.listDevices({ cityId, status: 'active' })).map((d) => d.id)).not.toContain(id);
        await store.setDeviceStatus(id, 'active');
        expect((await store.getDevice(id))!.status).toBe('active');
        await expectStateError(store.setDeviceStatus(id, 'broken' as 'active'), 'input.invalid', { field: 'status' });
        const unknown = uid('ghost');
        await expectStateError(store.setDeviceStatus(unknown, 'revoked'), 'device.not_found', { deviceId: unknown });
      });

      it('returns null for an unknown device', async () => {
        expect(await store.getDevice(uid('nope'))).toBeNull();
      });
    });

    describe('API keys', () => {
      let cityId: string;
      beforeAll(async () => {
        cityId = uid('key-city');
        await store.upsertCity({ id: cityId, name: 'Key City' });
      });

      it('creates a key, finds it by hash, lists it, and revokes it once', async () => {
        const id = uid('ops');
        const keyHash = sha256Hex(generateSecret(32));
        const created = await store.createApiKey({ id, name: 'ผู้ดูแล operator', keyHash, role: 'operator', cityId });
        expect(created).toEqual({ id, name: 'ผู้ดูแล operator', keyHash, role: 'operator', cityId, createdAt: expect.any(Number), revokedAt: null });
        expect(await store.findApiKeyByHash(keyHash)).toEqual(created);
        expect((await store.listApiKeys()).filter((k) => k.id === id)).toEqual([created]);

        await store.revokeApiKey(id);
        const revoked = await store.findApiKeyByHash(keyHash);
        expect(revoked).toEqual({ ...created, revokedAt: expect.any(Number) });
        expect(revoked!.revokedAt!).toBeGreaterThanOrEqual(created.createdAt);
        await store.revokeApiKey(id);
        expect(await store.findApiKeyByHash(keyHash)).toEqual(revoked);
      });

      it('creates a key for all cities with a null city', async () => {
        const id = uid('admin');
        const key = await store.createApiKey({ id, name: 'Admin', keyHash: sha256Hex(generateSecret()), role: 'admin', cityId: null });
        expect(key.cityId).toBeNull();
        expect(await store.findApiKeyByHash(key.keyHash)).toEqual(key);
      });

      it('lists keys ordered by id', async () => {
        const base = uid('list');
        const ids = [`${base}-b`, `${base}-a`, `${base}_c`];
        for (const id of ids) await store.createApiKey({ id, name: id, keyHash: sha256Hex(id), role: 'viewer', cityId: null });
        expect((await store.listApiKeys()).map((k) => k.id).filter((id) => id.startsWith(base))).toEqual([...ids].sort());
      });

      it('refuses a second key with the same id or the same hash, and a missing city', async () => {
        const id = uid('dup');
        const keyHash = sha256Hex(generateSecret());
        await store.createApiKey({ id, name: 'first', keyHash, role: 'viewer', cityId });
        await expectStateError(store.createApiKey({ id, name: 'second', keyHash: sha256Hex(generateSecret()), role: 'viewer', cityId }), 'api_key.exists', { apiKeyId: id });
        const other = uid('dup2');
        await expectStateError(store.createApiKey({ id: other, name: 'third', keyHash, role: 'viewer', cityId }), 'api_key.exists', { apiKeyId: other });
        const missing = uid('no-city');
        await expectStateError(store.createApiKey({ id: other, name: 'x', keyHash: sha256Hex(generateSecret()), role: 'viewer', cityId: missing }), 'city.not_found', {
          apiKeyId: other,
          cityId: missing,
        });
        expect((await store.findApiKeyByHash(keyHash))!.name).toBe('first');
      });

      it('rejects a bad role, a key stored instead of its hash, and revoking an unknown key', async () => {
        const base = { id: uid('bad'), name: 'bad', keyHash: sha256Hex('x'), role: 'viewer' as const, cityId: null };
        await expectStateError(store.createApiKey({ ...base, role: 'root' as 'admin' }), 'input.invalid', { field: 'role' });
        await expectStateError(store.createApiKey({ ...base, keyHash: generateSecret(32) }), 'input.invalid', { field: 'keyHash' });
        const unknown = uid('ghost');
        await expectStateError(store.revokeApiKey(unknown), 'api_key.not_found', { apiKeyId: unknown });
      });

      it('finds nothing for an unknown or malformed hash', async () => {
        expect(await store.findApiKeyByHash(sha256Hex(generateSecret()))).toBeNull();
        expect(await store.findApiKeyByHash("' OR '1'='1")).toBeNull();
        expect(await store.findApiKeyByHash('')).toBeNull();
      });
    });

    describe('hostile text', () => {
      const HOSTILE = [
        "'; DROP TABLE devices; --",
        "O'Reilly \"quoted\" `tick` \\backslash\\",
        'Robert\'); DELETE FROM cities WHERE (\'1\'=\'1',
        '$1 $2 ? :name %s %',
        'line one\nline two\ttab\r\n',
        'กรุงเทพมหานคร อมรรัตนโกสินทร์ ๑๒๓',
        'emoji 🌫️ PM₂.₅ µg/m³',
        ' leading and trailing spaces ',
      ];

      it('stores quotes, SQL and Thai text verbatim in every text field', async () => {
        const cityId = uid('hostile');
        for (const [i, text] of HOSTILE.entries()) {
          const city = await store.upsertCity({ id: `${cityId}-${i}`, name: text, nameTh: text, province: text });
          expect(await store.getCity(city.id)).toMatchObject({ name: text, nameTh: text, province: text });
          const site = await store.upsertSite({ id: `${cityId}-${i}-s`, cityId: city.id, name: text, nameTh: text, kind: text });
          expect(await store.getSite(site.id)).toMatchObject({ name: text, nameTh: text, kind: text });
          const device = await store.upsertDevice({ id: `${cityId}-${i}-d`, cityId: city.id, siteId: site.id, domain: 'air', kind: text, name: text });
          expect(await store.getDevice(device.id)).toMatchObject({ kind: text, name: text });
          const key = await store.createApiKey({ id: `${cityId}-${i}-k`, name: text, keyHash: sha256Hex(`${cityId}${i}`), role: 'viewer', cityId: city.id });
          expect((await store.findApiKeyByHash(key.keyHash))!.name).toBe(text);
        }
        expect(await tableExists(store.driver, 'devices')).toBe(true);
        expect((await store.listDevices({ cityId: `${cityId}-0` })).length).toBe(1);
      });

      it('treats hostile ids as unknown, not as SQL', async () => {
        for (const text of HOSTILE) {
          expect(await store.getCity(text)).toBeNull();
          expect(await store.getSite(text)).toBeNull();
          expect(await store.getDevice(text)).toBeNull();
          expect(await store.listDevices({ cityId: text })).toEqual([]);
          await expectStateError(store.upsertCity({ id: text, name: 'x' }), 'input.invalid', { field: 'city.id' });
        }
        expect(await tableExists(store.driver, 'devices')).toBe(true);
      });

      it('refuses the NUL character with a clear error instead of a database encoding error', async () => {
        await expectStateError(store.upsertCity({ id: uid('nul'), name: 'a\u0000b' }), 'input.invalid', { field: 'city.name' });
      });
    });
  });
}

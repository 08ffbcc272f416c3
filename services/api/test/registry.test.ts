import { verifySecret } from '@mueang/core';
import { openStateStore, type StateStore } from '@mueang/storage';
import { createTempDatabase, requireComponents, type TempDatabase } from '@mueang/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from './fixtures.ts';

const pgOk = await requireComponents('API registry routes on PostgreSQL', 'postgres');

const backends: Array<{ name: string; available: boolean; open: () => Promise<{ state: StateStore; drop?: () => Promise<void> }> }> = [
  { name: 'PGlite', available: true, open: async () => ({ state: await openStateStore({ kind: 'pglite' }) }) },
  {
    name: 'PostgreSQL',
    available: pgOk,
    open: async () => {
      const db: TempDatabase = await createTempDatabase();
      return { state: await openStateStore({ kind: 'postgres', url: db.url }), drop: () => db.drop() };
    },
  },
];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`registry routes on ${backend.name}`, () => {
    let f: Fixture;
    let state: StateStore;
    let drop: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      ({ state, drop } = await backend.open());
      f = await createFixture({ state });
    });
    afterAll(async () => {
      await f?.close();
      await state?.close();
      await drop?.();
    });

    it('takes JSON bodies at their word: a number for a string or a string for a boolean is refused, not converted', async () => {
      const wrong = [
        { payload: { id: 123, name: 'Numbered' }, path: 'body.id' },
        { payload: { id: 'typed', name: 'Typed', publicData: 'true' }, path: 'body.publicData' },
        { payload: { id: 'typed', name: ['Typed'] }, path: 'body.name' },
      ];
      for (const { payload, path } of wrong) {
        const res = await f.call({ method: 'POST', url: '/v1/cities', as: 'adminAll', payload });
        expect(res.statusCode, JSON.stringify(payload)).toBe(400);
        expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
      }
      expect(await state.getCity('123')).toBeNull();
      expect(await state.getCity('typed')).toBeNull();
      const site = await f.call({ method: 'POST', url: '/v1/cities/cnx/sites', as: 'operatorAll', payload: { id: 'cnx-typed', name: 'T', lat: '18.79', lon: 98.98 } });
      expect(site.statusCode).toBe(400);
      expect(site.json().errors[0].path).toBe('body.lat');
      // query strings are text: their numbers and lists are still read from it
      const listed = await f.call({ method: 'GET', url: '/v1/audit?limit=2', as: 'adminAll' });
      expect(listed.statusCode).toBe(200);
      expect(listed.json().entries.length).toBeLessThanOrEqual(2);
      expect((await f.call({ method: 'GET', url: '/v1/audit?limit=two', as: 'adminAll' })).statusCode).toBe(400);
    });

    it('creates a city, its sites and a device, and refuses duplicates with what to do', async () => {
      const city = await f.call({ method: 'POST', url: '/v1/cities', as: 'adminAll', payload: { id: 'kkn', name: 'Khon Kaen', nameTh: 'ขอนแก่น', province: 'Khon Kaen' } });
      expect(city.statusCode).toBe(201);
      expect(city.json()).toMatchObject({ id: 'kkn', publicData: false, timezone: 'Asia/Bangkok' });
      const dup = await f.call({ method: 'POST', url: '/v1/cities', as: 'adminAll', payload: { id: 'kkn', name: 'Again' } });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().detail).toMatch(/PATCH \/v1\/cities\/kkn/);

      const site = await f.call({ method: 'POST', url: '/v1/cities/kkn/sites', as: 'operatorAll', payload: { id: 'kkn-lake', name: 'Kaen Nakhon Lake', lat: 16.4191, lon: 102.8353, kind: 'lake', waterClass: 3 } });
      expect(site.statusCode).toBe(201);
      expect(site.json()).toMatchObject({ cityId: 'kkn', lat: 16.4191, lon: 102.8353, waterClass: 3 });
      const taken = await f.call({ method: 'POST', url: '/v1/cities/kkn/sites', as: 'operatorAll', payload: { id: 'cnx-s1', name: 'Taken' } });
      expect(taken.statusCode).toBe(409);
      expect(taken.json().detail).toMatch(/unique across cities/);
      const halfCoordinates = await f.call({ method: 'POST', url: '/v1/cities/kkn/sites', as: 'operatorAll', payload: { id: 'kkn-x', name: 'X', lat: 16.4 } });
      expect(halfCoordinates.statusCode).toBe(400);
      expect(halfCoordinates.json().detail).toMatch(/lat\/lon: give both coordinates or neither/);
      const badClass = await f.call({ method: 'POST', url: '/v1/cities/kkn/sites', as: 'operatorAll', payload: { id: 'kkn-y', name: 'Y', waterClass: 6 } });
      expect(badClass.json().errors[0]).toEqual({ path: 'body.waterClass', message: expect.stringMatching(/<= 5|must/) });

      const device = await f.call({ method: 'POST', url: '/v1/cities/kkn/devices', as: 'operatorAll', payload: { id: 'kkn-wq1', siteId: 'kkn-lake', domain: 'water', kind: 'sonde' } });
      expect(device.statusCode).toBe(201);
      const { mqtt } = device.json();
      expect(mqtt.topicPrefix).toBe('v1/kkn/water/kkn-wq1/');
      // stored as a scrypt hash of exactly the secret handed out
      const stored = await state.getDevice('kkn-wq1');
      expect(stored?.secretHash).not.toContain(mqtt.password);
      expect(await verifySecret(mqtt.password, stored?.secretHash as string)).toBe(true);
      const elsewhere = await f.call({ method: 'POST', url: '/v1/cities/kkn/devices', as: 'operatorAll', payload: { id: 'kkn-aq9', siteId: 'cnx-s1', domain: 'air', kind: 'aq-station' } });
      expect(elsewhere.statusCode).toBe(400);
      expect(elsewhere.json().detail).toMatch(/site "cnx-s1" does not exist in city "kkn"; create it with POST \/v1\/cities\/kkn\/sites/);
    });

    it('changes sites and devices, keeping what is not named', async () => {
      const patched = await f.call({ method: 'PATCH', url: '/v1/cities/cnx/sites/cnx-s2', as: 'operatorCnx', payload: { nameTh: 'ศาลากลาง' } });
      expect(patched.json()).toMatchObject({ name: 'City Hall', nameTh: 'ศาลากลาง', lat: 18.8405 });
      const cleared = await f.call({ method: 'PATCH', url: '/v1/cities/cnx/sites/cnx-s2', as: 'operatorCnx', payload: { nameTh: null } });
      expect(cleared.json().nameTh).toBeNull();
      // null clears (and is never coerced to 0: a cleared latitude must not become the equator)
      const noCoordinates = await f.call({ method: 'PATCH', url: '/v1/cities/cnx/sites/cnx-district', as: 'operatorCnx', payload: { lat: null, lon: null } });
      expect(noCoordinates.json()).toMatchObject({ lat: null, lon: null });
      expect((await state.getSite('cnx-district'))?.lat).toBeNull();
      await f.call({ method: 'PATCH', url: '/v1/cities/cnx/sites/cnx-district', as: 'operatorCnx', payload: { lat: 18.7791, lon: 98.9986 } });
      const empty = await f.call({ method: 'PATCH', url: '/v1/cities/cnx/sites/cnx-s2', as: 'operatorCnx', payload: {} });
      expect(empty.statusCode).toBe(400);
      expect(empty.json().detail).toMatch(/at least one field/);

      const moved = await f.call({ method: 'PATCH', url: '/v1/cities/cnx/devices/cnx-aq2', as: 'operatorCnx', payload: { siteId: 'cnx-s1' } });
      expect(moved.json().device).toMatchObject({ siteId: 'cnx-s1', kind: 'aq-station', name: 'City Hall AQ', domain: 'air' });
      const domain = await f.call({ method: 'PATCH', url: '/v1/cities/cnx/devices/cnx-aq2', as: 'operatorCnx', payload: { domain: 'water' } });
      expect(domain.statusCode).toBe(400);
      await f.call({ method: 'PATCH', url: '/v1/cities/cnx/devices/cnx-aq2', as: 'operatorCnx', payload: { siteId: 'cnx-s2' } });
    });

    it('lists devices with filters and never shows a secret hash', async () => {
      const air = (await f.call({ method: 'GET', url: '/v1/cities/cnx/devices?domain=air', as: 'viewerCnx' })).json().devices;
      expect(air.map((d: { id: string }) => d.id)).toEqual(['cnx-aq1', 'cnx-aq2']);
      expect(air[0]).not.toHaveProperty('secretHash');
      const revoked = (await f.call({ method: 'GET', url: '/v1/cities/scratch/devices?status=revoked', as: 'adminAll' })).json().devices;
      expect(revoked.map((d: { id: string }) => d.id)).toContain('scr-react');
      const wrongCity = await f.call({ method: 'GET', url: '/v1/cities/cnx/devices/bkk-aq1', as: 'adminAll' });
      expect(wrongCity.statusCode).toBe(404);
    });
  });
}

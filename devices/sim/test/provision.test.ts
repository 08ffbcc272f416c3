import { verifySecret } from '@mueang/core';
import { openStateStore, type StateStore } from '@mueang/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFleet, MULTI_CITY_FLEET_SPEC, provisionFleet } from '../src/index.ts';

describe('provisioning into the registry (PGlite)', () => {
  const fleet = buildFleet({ ...MULTI_CITY_FLEET_SPEC, perDomain: { air: 2, water: 2, energy: 1, waste: 5 } });
  let store: StateStore;

  beforeAll(async () => {
    store = await openStateStore({ kind: 'pglite' });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('writes cities, sites and devices with hashed secrets', async () => {
    const result = await provisionFleet(store, fleet);
    expect(result).toMatchObject({ cities: 2, sites: fleet.sites.length, devices: fleet.devices.length, secretsWritten: fleet.devices.length });
    expect((await store.listCities()).map((c) => c.id)).toEqual(['cnx', 'kkn']);
    const cnx = await store.getCity('cnx');
    expect(cnx).toMatchObject({ name: 'Chiang Mai', nameTh: 'เชียงใหม่', province: 'Chiang Mai', timezone: 'Asia/Bangkok' });
    const sites = await store.listSites();
    expect(sites).toHaveLength(fleet.sites.length);
    const water = sites.filter((s) => s.id.includes('-water-'));
    expect(water.every((s) => s.waterClass !== null && s.waterClass >= 2 && s.waterClass <= 4)).toBe(true);
    expect(sites.find((s) => s.id === fleet.sites[0]!.id)).toMatchObject({ lat: fleet.sites[0]!.lat, lon: fleet.sites[0]!.lon, nameTh: fleet.sites[0]!.nameTh });
    const devices = await store.listDevices();
    expect(devices.map((d) => d.id)).toEqual(fleet.devices.map((d) => d.id).sort());
    const sample = fleet.devices[3]!;
    const stored = (await store.getDevice(sample.id))!;
    expect(stored).toMatchObject({ cityId: sample.cityId, siteId: sample.siteId, domain: sample.domain, kind: sample.kind, status: 'active' });
    expect(stored.secretHash).not.toContain(sample.secret);
    expect(await verifySecret(sample.secret, stored.secretHash!)).toBe(true);
    expect(result.credentials.find((c) => c.deviceId === sample.id)?.secret).toBe(sample.secret);
  });

  it('is idempotent: a second run changes nothing and keeps matching hashes', async () => {
    const before = await store.listDevices();
    const again = await provisionFleet(store, fleet);
    expect(again.secretsWritten).toBe(0);
    const after = await store.listDevices();
    expect(after.map((d) => [d.id, d.secretHash])).toEqual(before.map((d) => [d.id, d.secretHash]));
    expect(await store.listSites()).toHaveLength(fleet.sites.length);
  });

  it('replaces the hash when the secret changed, and leaves a revoked device revoked', async () => {
    const device = fleet.devices[0]!;
    await store.setDeviceStatus(device.id, 'revoked');
    const rotated = { ...fleet, devices: fleet.devices.map((d, i) => (i === 0 ? { ...d, secret: 'a-new-secret-for-the-first-device' } : d)) };
    const result = await provisionFleet(store, rotated);
    expect(result.secretsWritten).toBe(1);
    const stored = (await store.getDevice(device.id))!;
    expect(await verifySecret('a-new-secret-for-the-first-device', stored.secretHash!)).toBe(true);
    expect(stored.status).toBe('revoked');
  });
});

import { isValidId } from '@mueang/core';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CITIES, buildFleet, CHIANG_MAI, DEMO_FLEET_SPEC, MULTI_CITY_FLEET_SPEC, SimInputError, withCredentials, type FleetSpec } from '../src/index.ts';

describe('fleet', () => {
  it('is the same for the same spec and differs for another seed', () => {
    const a = buildFleet(DEMO_FLEET_SPEC);
    const b = buildFleet(DEMO_FLEET_SPEC);
    const c = buildFleet({ ...DEMO_FLEET_SPEC, seed: DEMO_FLEET_SPEC.seed + 1 });
    expect(b).toEqual(a);
    expect(c.devices.map((d) => d.secret)).not.toEqual(a.devices.map((d) => d.secret));
    expect(c.sites.map((s) => [s.lat, s.lon])).not.toEqual(a.sites.map((s) => [s.lat, s.lon]));
  });

  it('gives the demo city a few dozen devices across the four domains, with valid ids', () => {
    const fleet = buildFleet(DEMO_FLEET_SPEC);
    const perDomain = DEMO_FLEET_SPEC.perDomain;
    expect(fleet.devices).toHaveLength(perDomain.air + perDomain.water + perDomain.energy + perDomain.waste);
    expect(fleet.devices.length).toBeGreaterThanOrEqual(24);
    for (const domain of ['air', 'water', 'energy', 'waste'] as const) {
      const ids = fleet.devices.filter((d) => d.domain === domain).map((d) => d.id);
      expect(ids).toHaveLength(perDomain[domain]);
      expect(ids[0]).toBe(`cnx-${domain}-001`);
    }
    const siteIds = new Set(fleet.sites.map((s) => s.id));
    for (const d of fleet.devices) {
      expect(isValidId(d.id)).toBe(true);
      expect(siteIds.has(d.siteId)).toBe(true);
      expect(d.secret.length).toBeGreaterThanOrEqual(24);
    }
    expect(new Set(fleet.devices.map((d) => d.id)).size).toBe(fleet.devices.length);
  });

  it('places sites near the city centre with Thai and English names; water sites carry class 2-4', () => {
    const fleet = buildFleet(MULTI_CITY_FLEET_SPEC);
    for (const site of fleet.sites) {
      const city = fleet.cities.find((c) => c.id === site.cityId)!;
      expect(Math.abs(site.lat - city.center.lat)).toBeLessThan(0.07);
      expect(Math.abs(site.lon - city.center.lon)).toBeLessThan(0.07);
      expect(site.name).not.toBe('');
      expect(site.nameTh).toMatch(/[\u0E00-\u0E7F]/);
      if (site.domain === 'water') expect([2, 3, 4]).toContain(site.waterClass);
      else expect(site.waterClass).toBeNull();
    }
    expect(new Set(fleet.devices.map((d) => d.cityId))).toEqual(new Set(['cnx', 'kkn']));
  });

  it('has a few devices that send SenML or declare another unit', () => {
    const fleet = buildFleet(DEMO_FLEET_SPEC);
    expect(fleet.devices.some((d) => d.encoding.format === 'senml')).toBe(true);
    expect(fleet.devices.some((d) => d.encoding.units.co === 'ppb')).toBe(true);
    expect(fleet.devices.some((d) => d.encoding.units.activePower === 'W')).toBe(true);
    const plain = buildFleet({ ...DEMO_FLEET_SPEC, variety: false });
    expect(plain.devices.every((d) => d.encoding.format === 'json' && Object.keys(d.encoding.units).length === 0)).toBe(true);
  });

  it('makes random secrets on request, and takes secrets from a credentials list', () => {
    const spec: FleetSpec = { ...DEMO_FLEET_SPEC, perDomain: { air: 1, water: 0, energy: 0, waste: 0 }, secrets: 'random' };
    const [a, b] = [buildFleet(spec), buildFleet(spec)];
    expect(a.devices[0]!.secret).not.toBe(b.devices[0]!.secret);
    const replaced = withCredentials(a, [{ deviceId: 'cnx-air-001', secret: 'from-file' }]);
    expect(replaced.devices[0]!.secret).toBe('from-file');
    expect(() => withCredentials(a, [])).toThrow(/no secret for 1 device/);
  });

  it('refuses a bad spec with a message naming the field', () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ ...DEMO_FLEET_SPEC, seed: 1.5 }, /^seed: expected an integer/],
      [{ ...DEMO_FLEET_SPEC, cities: [] }, /^cities: expected at least one city/],
      [{ ...DEMO_FLEET_SPEC, cities: [{ ...CHIANG_MAI, id: 'Chiang Mai' }] }, /^cities\[0\]\.id: "Chiang Mai" is not a valid city id/],
      [{ ...DEMO_FLEET_SPEC, cities: [CHIANG_MAI, CHIANG_MAI] }, /listed twice/],
      [{ ...DEMO_FLEET_SPEC, cities: [{ ...CHIANG_MAI, region: 'east' }] }, /^cities\[0\]\.region: "east" is not a region/],
      [{ ...DEMO_FLEET_SPEC, cities: [{ ...CHIANG_MAI, center: { lat: 100, lon: 0 } }] }, /^cities\[0\]\.center/],
      [{ ...DEMO_FLEET_SPEC, perDomain: { ...DEMO_FLEET_SPEC.perDomain, air: -1 } }, /^perDomain\.air: expected a whole number/],
      [{ ...DEMO_FLEET_SPEC, perDomain: { ...DEMO_FLEET_SPEC.perDomain, noise: 1 } }, /^perDomain\.noise: unknown domain/],
    ];
    for (const [spec, message] of bad) {
      expect(() => buildFleet(spec as FleetSpec)).toThrow(SimInputError);
      expect(() => buildFleet(spec as FleetSpec)).toThrow(message);
    }
  });

  it('builds every built-in city, named places or not', () => {
    const fleet = buildFleet({ cities: [...BUILTIN_CITIES], perDomain: { air: 12, water: 7, energy: 9, waste: 13 }, seed: 7 });
    expect(fleet.devices).toHaveLength(4 * 41);
    expect(fleet.sites.filter((s) => s.cityId === 'ntb' && s.domain === 'air')[0]!.name).toBe('Nonthaburi Air Station 1');
  });
});

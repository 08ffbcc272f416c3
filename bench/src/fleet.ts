import { hashSecret, type Domain } from '@mueang/core';
import { randomBytes, scryptSync } from 'node:crypto';
import { buildFleet, CHIANG_MAI, type CitySpec, type Fleet, type FleetSpec } from '@mueang/sim';
import type { StateStore } from '@mueang/storage';

/**
 * The benchmark fleet: the four domains in the demo's proportions, in cities of their own
 * (`bench7`, `bench7b`, ...) so that a shared broker (Mosquitto) never mixes our topics with
 * another test's. Every device uses one secret, hashed once with scrypt (see provisionShared).
 */
export const BENCH_CITY = 'bench7';
export const BENCH_SECRET = 'bench-device-secret-0123456789abcdef';
/** the simulator allows 999 devices per domain and city */
const DEVICES_PER_CITY = 3000;
const SHARE: Record<Domain, number> = { air: 0.28, water: 0.17, energy: 0.22, waste: 0.33 };

export function benchCity(index: number): CitySpec {
  const suffix = index === 0 ? '' : String.fromCharCode(97 + index);
  return { ...CHIANG_MAI, id: `${BENCH_CITY}${suffix}`, name: `Bench ${index + 1}`, nameTh: `ทดสอบ ${index + 1}` };
}

export function benchFleetSpec(devices: number): FleetSpec {
  const cities = Math.max(1, Math.ceil(devices / DEVICES_PER_CITY));
  const perCity = Math.ceil(devices / cities);
  const air = Math.max(1, Math.round(perCity * SHARE.air));
  const water = Math.max(1, Math.round(perCity * SHARE.water));
  const energy = Math.max(1, Math.round(perCity * SHARE.energy));
  const waste = Math.max(1, perCity - air - water - energy);
  return { cities: Array.from({ length: cities }, (_, i) => benchCity(i)), perDomain: { air, water, energy, waste }, seed: 7, secrets: 'seeded' };
}

/** exactly `devices` devices (the last city may be short), each with the shared secret */
export function benchFleet(devices: number): Fleet {
  const fleet = buildFleet(benchFleetSpec(devices));
  const picked = fleet.devices.slice(0, devices).map((d) => ({ ...d, secret: BENCH_SECRET }));
  const sites = new Set(picked.map((d) => d.siteId));
  const cities = new Set(picked.map((d) => d.cityId));
  return { ...fleet, cities: fleet.cities.filter((c) => cities.has(c.id)), sites: fleet.sites.filter((s) => sites.has(s.id)), devices: picked };
}

/**
 * `production`: core's hashSecret (scrypt N=16384, r=8), what every device gets.
 * `reduced`: scrypt N=1024 in the same stored format; verifySecret reads N from the hash, so each
 * login still runs the broker's real verification code, 16x cheaper. Only the connections ramp
 * uses it: how many connections the broker holds does not depend on what a login cost, and on
 * this 2-core machine 10,000 production logins take minutes (the login rate is reported apart).
 */
export type LoginCost = 'production' | 'reduced';

export async function benchSecretHash(cost: LoginCost): Promise<string> {
  if (cost === 'production') return hashSecret(BENCH_SECRET);
  const salt = randomBytes(16);
  const key = scryptSync(BENCH_SECRET, salt, 32, { N: 1024, r: 8, p: 1 });
  return ['scrypt', 1024, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * Register the fleet with ONE scrypt hash shared by every device. Honest for logins: the broker
 * still runs a full scrypt verification for each device's first login (its verified-secret cache
 * is keyed by device id), so only the provisioning cost (one hash per device, ~50 ms each) is
 * skipped, not the login cost being measured.
 */
export async function provisionShared(state: StateStore, fleet: Fleet, cost: LoginCost = 'production'): Promise<void> {
  const secretHash = await benchSecretHash(cost);
  for (const city of fleet.cities) {
    await state.upsertCity({ id: city.id, name: city.name, nameTh: city.nameTh, province: city.province, timezone: 'Asia/Bangkok' });
  }
  for (const site of fleet.sites) {
    await state.upsertSite({ id: site.id, cityId: site.cityId, name: site.name, nameTh: site.nameTh, lat: site.lat, lon: site.lon, kind: site.kind, waterClass: site.waterClass });
  }
  for (const d of fleet.devices) {
    await state.upsertDevice({ id: d.id, cityId: d.cityId, siteId: d.siteId, domain: d.domain, kind: d.kind, name: d.name, secretHash });
  }
}

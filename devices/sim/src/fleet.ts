import { createHmac } from 'node:crypto';
import { DOMAINS, generateSecret, isValidId, type Domain } from '@mueang/core';
import { CHIANG_MAI, KHON_KAEN, REGIONS, placesOf, type CitySpec, type PlaceName } from './cities.ts';
import { SimInputError, show } from './errors.ts';
import { Rng } from './rng.ts';
import type { DeviceEncoding, DeviceProfile, Fleet, SimDevice, SimSite } from './types.ts';

export interface FleetSpec {
  cities: CitySpec[];
  /** devices per domain in each city */
  perDomain: Record<Domain, number>;
  seed: number;
  /**
   * 'seeded' (default): secrets derived from the seed and the device id, so the same spec gives
   * the same credentials (demo and tests only: whoever knows the seed knows the secrets);
   * 'random': generateSecret(), to be saved from the provisioning output.
   */
  secrets?: 'seeded' | 'random';
  /**
   * give a few devices SenML payloads or non-canonical units (CO in ppb, power in W) so that
   * ingest's conversion is exercised; default true
   */
  variety?: boolean;
}

/** Chiang Mai with three dozen devices across the four domains */
export const DEMO_FLEET_SPEC: FleetSpec = {
  cities: [CHIANG_MAI],
  perDomain: { air: 10, water: 6, energy: 8, waste: 12 },
  seed: 2567,
};

/** Chiang Mai and Khon Kaen, for multi-city runs and national views */
export const MULTI_CITY_FLEET_SPEC: FleetSpec = {
  cities: [CHIANG_MAI, KHON_KAEN],
  perDomain: { air: 6, water: 4, energy: 4, waste: 6 },
  seed: 2567,
};

const MAX_PER_DOMAIN = 999;
const DEVICE_KINDS: Record<Domain, string> = { air: 'aq-station', water: 'sonde', energy: 'smart-meter', waste: 'bin-sensor' };
const GENERIC_NAMES: Record<Domain, PlaceName> = {
  air: { name: 'Air Station', nameTh: 'สถานีตรวจวัดคุณภาพอากาศ' },
  water: { name: 'Water Sampling Point', nameTh: 'จุดตรวจวัดคุณภาพน้ำ' },
  energy: { name: 'Municipal Building', nameTh: 'อาคารเทศบาล' },
  waste: { name: 'Collection District', nameTh: 'เขตจัดเก็บขยะ' },
};
/** bins share a district site; this many bins per district at most */
const BINS_PER_DISTRICT = 4;

/** Build a deterministic fleet: the same spec gives the same sites, devices, profiles and (seeded) secrets. */
export function buildFleet(spec: FleetSpec): Fleet {
  validateSpec(spec);
  const root = new Rng(spec.seed);
  const sites: SimSite[] = [];
  const devices: SimDevice[] = [];
  for (const city of spec.cities) {
    for (const domain of DOMAINS) {
      const count = spec.perDomain[domain] ?? 0;
      const rng = root.fork(`${city.id}/${domain}`);
      const places = placesOf(city.id)[domain] as Array<PlaceName & { waterClass?: 2 | 3 | 4 }>;
      const siteCount = domain === 'waste' ? Math.ceil(count / BINS_PER_DISTRICT) : count;
      const citySites: SimSite[] = [];
      for (let s = 0; s < siteCount; s++) {
        const place: PlaceName & { waterClass?: 2 | 3 | 4 } = places[s] ?? numbered(city, domain, s + 1);
        const { lat, lon } = scatter(city, rng, domain === 'waste' ? 3 : 6);
        const waterClass = domain === 'water' ? (place.waterClass ?? ((2 + (s % 3)) as 2 | 3 | 4)) : null;
        citySites.push({
          id: `${city.id}-${domain}-site-${pad(s + 1, 2)}`,
          cityId: city.id,
          domain,
          name: place.name,
          nameTh: place.nameTh,
          lat,
          lon,
          kind: siteKind(domain, rng, waterClass),
          waterClass,
        });
      }
      sites.push(...citySites);
      for (let n = 0; n < count; n++) {
        const site = citySites[domain === 'waste' ? Math.floor(n / BINS_PER_DISTRICT) : n]!;
        const id = `${city.id}-${domain}-${pad(n + 1, 3)}`;
        const deviceRng = rng.fork(id);
        const position = domain === 'waste' ? scatterAround(site, deviceRng, 0.4) : { lat: site.lat, lon: site.lon };
        devices.push({
          id,
          cityId: city.id,
          siteId: site.id,
          domain,
          kind: DEVICE_KINDS[domain],
          name: domain === 'waste' ? `${site.name} bin ${(n % BINS_PER_DISTRICT) + 1}` : site.name,
          secret: spec.secrets === 'random' ? generateSecret() : seededSecret(spec.seed, id),
          region: city.region,
          ...position,
          profile: makeProfile(domain, site, deviceRng, n),
          encoding: spec.variety === false ? { format: 'json', units: {} } : encodingFor(domain, n),
        });
      }
    }
  }
  return { seed: spec.seed, cities: spec.cities.map((c) => ({ ...c, center: { ...c.center } })), sites, devices };
}

/** The secret a seeded fleet gives a device: HMAC-SHA256(seed, device id), 24 bytes, base64url. */
export function seededSecret(seed: number, deviceId: string): string {
  return createHmac('sha256', `mueang-sim/${seed}`).update(deviceId).digest().subarray(0, 24).toString('base64url');
}

/** The fleet with each device's secret replaced from a credentials list (e.g. a provisioning output file). */
export function withCredentials(fleet: Fleet, credentials: Array<{ deviceId: string; secret: string }>): Fleet {
  const byId = new Map(credentials.map((c) => [c.deviceId, c.secret]));
  const missing = fleet.devices.filter((d) => !byId.has(d.id)).map((d) => d.id);
  if (missing.length > 0) {
    throw new SimInputError(
      'credentials',
      `no secret for ${missing.length} device(s) of the fleet (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}); provision the same fleet (same cities, counts and seed) and use its output file`,
    );
  }
  return { ...fleet, devices: fleet.devices.map((d) => ({ ...d, secret: byId.get(d.id)! })) };
}

/** Devices of the fleet in the given cities (all when the list is empty). */
export function selectCities(fleet: Fleet, cityIds: string[]): Fleet {
  if (cityIds.length === 0) return fleet;
  for (const id of cityIds) {
    if (!fleet.cities.some((c) => c.id === id)) {
      throw new SimInputError('city', `${show(id)} is not in the fleet; it has ${fleet.cities.map((c) => c.id).join(', ')}`);
    }
  }
  const keep = new Set(cityIds);
  return {
    ...fleet,
    cities: fleet.cities.filter((c) => keep.has(c.id)),
    sites: fleet.sites.filter((s) => keep.has(s.cityId)),
    devices: fleet.devices.filter((d) => keep.has(d.cityId)),
  };
}

function validateSpec(spec: FleetSpec): void {
  if (typeof spec !== 'object' || spec === null) throw new SimInputError('spec', `expected a fleet spec object, got ${show(spec)}`);
  if (!Number.isSafeInteger(spec.seed)) throw new SimInputError('seed', `expected an integer, got ${show(spec.seed)}`);
  if (!Array.isArray(spec.cities) || spec.cities.length === 0) {
    throw new SimInputError('cities', 'expected at least one city, e.g. CHIANG_MAI from the built-in cities');
  }
  const seen = new Set<string>();
  spec.cities.forEach((city, i) => {
    const where = `cities[${i}]`;
    if (typeof city !== 'object' || city === null) throw new SimInputError(where, `expected a city object, got ${show(city)}`);
    if (typeof city.id !== 'string' || !isValidId(city.id) || city.id.length > 40) {
      throw new SimInputError(`${where}.id`, `${show(city.id)} is not a valid city id; use up to 40 characters a-z, 0-9, '-' and '_'`);
    }
    if (seen.has(city.id)) throw new SimInputError(`${where}.id`, `city "${city.id}" is listed twice`);
    seen.add(city.id);
    for (const field of ['name', 'nameTh', 'province'] as const) {
      if (typeof city[field] !== 'string' || city[field].trim() === '') {
        throw new SimInputError(`${where}.${field}`, `expected a non-empty text, got ${show(city[field])}`);
      }
    }
    const c = city.center;
    if (typeof c !== 'object' || c === null || !isCoordinate(c.lat, 90) || !isCoordinate(c.lon, 180)) {
      throw new SimInputError(`${where}.center`, `expected { lat, lon } in degrees, got ${show(c)}`);
    }
    if (!REGIONS.includes(city.region)) {
      throw new SimInputError(`${where}.region`, `${show(city.region)} is not a region; use one of ${REGIONS.join(', ')}`);
    }
  });
  if (typeof spec.perDomain !== 'object' || spec.perDomain === null) {
    throw new SimInputError('perDomain', `expected { air, water, energy, waste } device counts, got ${show(spec.perDomain)}`);
  }
  for (const key of Object.keys(spec.perDomain)) {
    if (!(DOMAINS as readonly string[]).includes(key)) {
      throw new SimInputError(`perDomain.${key}`, `unknown domain; use ${DOMAINS.join(', ')}`);
    }
  }
  for (const domain of DOMAINS) {
    const n = spec.perDomain[domain] ?? 0;
    if (!Number.isInteger(n) || n < 0 || n > MAX_PER_DOMAIN) {
      throw new SimInputError(`perDomain.${domain}`, `expected a whole number from 0 to ${MAX_PER_DOMAIN}, got ${show(n)}`);
    }
  }
  if (spec.secrets !== undefined && spec.secrets !== 'seeded' && spec.secrets !== 'random') {
    throw new SimInputError('secrets', `expected 'seeded' or 'random', got ${show(spec.secrets)}`);
  }
}

function isCoordinate(value: unknown, limit: number): boolean {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= limit;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function numbered(city: CitySpec, domain: Domain, n: number): PlaceName {
  const generic = GENERIC_NAMES[domain];
  return { name: `${city.name} ${generic.name} ${n}`, nameTh: `${generic.nameTh} ${n} ${city.nameTh}` };
}

const KM_PER_DEGREE = 111.32;

/** a point within radiusKm of the city centre (uniform over the disc), 5 decimals (~1 m) */
function scatter(city: CitySpec, rng: Rng, radiusKm: number): { lat: number; lon: number } {
  return offset(city.center.lat, city.center.lon, rng, radiusKm);
}

function scatterAround(site: SimSite, rng: Rng, radiusKm: number): { lat: number; lon: number } {
  return offset(site.lat, site.lon, rng, radiusKm);
}

function offset(lat: number, lon: number, rng: Rng, radiusKm: number): { lat: number; lon: number } {
  const r = radiusKm * Math.sqrt(rng.next());
  const theta = rng.range(0, 2 * Math.PI);
  const dLat = (r * Math.cos(theta)) / KM_PER_DEGREE;
  const dLon = (r * Math.sin(theta)) / (KM_PER_DEGREE * Math.cos((lat * Math.PI) / 180));
  return { lat: round(lat + dLat, 5), lon: round(lon + dLon, 5) };
}

function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

function siteKind(domain: Domain, rng: Rng, waterClass: number | null): string {
  switch (domain) {
    case 'air':
      return rng.pick(['roadside', 'residential', 'residential', 'background']);
    case 'water':
      return waterClass === 2 ? 'reservoir' : waterClass === 4 ? 'canal' : 'river';
    case 'energy':
      return 'building';
    case 'waste':
      return 'district';
  }
}

const BUILDINGS = ['office', 'school', 'market', 'health', 'office', 'school', 'plant', 'office'] as const;

function makeProfile(domain: Domain, site: SimSite, rng: Rng, index: number): DeviceProfile {
  switch (domain) {
    case 'air': {
      const setting = site.kind === 'roadside' || site.kind === 'background' ? site.kind : 'residential';
      return {
        domain,
        setting,
        traffic: setting === 'roadside' ? rng.range(1.3, 1.7) : setting === 'residential' ? rng.range(0.8, 1.1) : rng.range(0.4, 0.6),
        pm10Ratio: rng.range(1.4, 1.8),
        localFactor: rng.range(0.85, 1.15),
      };
    }
    case 'water': {
      const waterClass = (site.waterClass ?? 3) as 2 | 3 | 4;
      const body = site.kind === 'reservoir' ? 'reservoir' : site.kind === 'canal' ? 'canal' : 'river';
      return {
        domain,
        waterClass,
        body,
        baseLevelM: body === 'reservoir' ? rng.range(4, 8) : body === 'canal' ? rng.range(0.6, 1.2) : rng.range(1.5, 3),
        floodRiseM: body === 'reservoir' ? rng.range(1, 2) : body === 'canal' ? rng.range(0.5, 1) : rng.range(2, 3.5),
      };
    }
    case 'energy': {
      const building = BUILDINGS[index % BUILDINGS.length]!;
      const scale = { office: 60, school: 40, market: 50, health: 45, plant: 80 }[building];
      const peakKw = scale * rng.range(0.8, 1.3);
      return {
        domain,
        building,
        baseKw: building === 'plant' || building === 'health' ? peakKw * 0.5 : peakKw * 0.15,
        peakKw,
        // about two in three buildings carry rooftop PV
        solarKwp: rng.chance(0.67) ? Math.round(peakKw * rng.range(0.3, 0.6)) : 0,
        initialImportKwh: Math.round(rng.range(20_000, 400_000)),
        initialSolarKwh: 0,
      };
    }
    case 'waste': {
      const busy = rng.chance(0.3);
      return {
        domain,
        fillRatePctPerHour: busy ? rng.range(3, 5) : rng.range(1.2, 2.4),
        collectionDays: busy ? [0, 1, 2, 3, 4, 5, 6] : rng.pick([[1, 3, 5], [2, 4, 6], [1, 4]]),
        collectionHour: rng.pick([5, 5.5, 6, 6.5]),
        fullWeightKg: rng.range(90, 140),
        lidOpeningsPerHour: busy ? rng.range(6, 12) : rng.range(2, 5),
      };
    }
  }
}

/**
 * Variety by position, so that even a small fleet has it: the 2nd air device reports CO in ppb,
 * the 3rd sends SenML, the 2nd energy meter reports power in W, the 2nd water sonde sends SenML.
 */
function encodingFor(domain: Domain, index: number): DeviceEncoding {
  if (domain === 'air' && index === 1) return { format: 'json', units: { co: 'ppb' } };
  if (domain === 'air' && index === 2) return { format: 'senml', units: {} };
  if (domain === 'energy' && index === 1) return { format: 'json', units: { activePower: 'W', solarPower: 'W' } };
  if (domain === 'water' && index === 1) return { format: 'senml', units: {} };
  return { format: 'json', units: {} };
}

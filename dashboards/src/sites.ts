/**
 * The site registry the dashboards are built for. InfluxDB holds site ids only; coordinates (for the map) and the
 * assigned surface-water class (for the water limits) live in the registry, so the build reads an export of it:
 * the registry itself (StateStore), a JSON file, or the demo fleet.
 */
import { isValidId } from '@mueang/core';

export interface SiteRecord {
  id: string;
  cityId: string;
  name: string;
  nameTh?: string | null;
  lat: number | null;
  lon: number | null;
  /** assigned surface-water class (1-5) for water sites */
  waterClass?: number | null;
}

export class SitesInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SitesInputError';
  }
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

/**
 * Checks an export (the API's GET /v1/cities/{city}/sites response `{ "sites": [...] }`, or a JSON array of sites as
 * StateStore.listSites returns them) and keeps the fields the dashboards use. Throws SitesInputError naming the entry
 * and the field.
 */
export function parseSites(input: unknown, source: string): SiteRecord[] {
  if (typeof input === 'object' && input !== null && !Array.isArray(input) && Array.isArray((input as { sites?: unknown }).sites)) {
    return parseSites((input as { sites: unknown[] }).sites, `${source}.sites`);
  }
  if (!Array.isArray(input)) throw new SitesInputError(`${source}: expected a JSON array of sites ({ id, cityId, name, lat, lon, waterClass }), got ${describe(input)}`);
  const seen = new Set<string>();
  return input.map((raw: unknown, i): SiteRecord => {
    const where = `${source}[${i}]`;
    if (typeof raw !== 'object' || raw === null) throw new SitesInputError(`${where}: expected a site object, got ${describe(raw)}`);
    const s = raw as Record<string, unknown>;
    if (typeof s.id !== 'string' || !isValidId(s.id)) throw new SitesInputError(`${where}.id: expected a site id (a-z, 0-9, '-', '_'), got ${describe(s.id)}`);
    if (seen.has(s.id)) throw new SitesInputError(`${where}.id: site "${s.id}" is listed twice`);
    seen.add(s.id);
    if (typeof s.cityId !== 'string' || !isValidId(s.cityId)) throw new SitesInputError(`${where}.cityId: expected a city id, got ${describe(s.cityId)}`);
    if (typeof s.name !== 'string' || s.name.trim() === '') throw new SitesInputError(`${where}.name: expected a non-empty name, got ${describe(s.name)}`);
    const coordinate = (key: 'lat' | 'lon', limit: number): number | null => {
      const v = s[key];
      if (v === null || v === undefined) return null;
      if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > limit) throw new SitesInputError(`${where}.${key}: expected degrees within ±${limit} or null, got ${describe(v)}`);
      return v;
    };
    const waterClass = s.waterClass;
    if (waterClass !== null && waterClass !== undefined && !(Number.isInteger(waterClass) && (waterClass as number) >= 1 && (waterClass as number) <= 5)) {
      throw new SitesInputError(`${where}.waterClass: expected a surface-water class 1-5 or null, got ${describe(waterClass)}`);
    }
    return {
      id: s.id,
      cityId: s.cityId,
      name: s.name,
      nameTh: typeof s.nameTh === 'string' ? s.nameTh : null,
      lat: coordinate('lat', 90),
      lon: coordinate('lon', 180),
      waterClass: (waterClass as number | null | undefined) ?? null,
    };
  });
}

/** One entry of Grafana's "worldmap" gazetteer format (public/gazetteer/countries.json): key, latitude, longitude, name. */
export interface GazetteerEntry {
  key: string;
  latitude: number;
  longitude: number;
  name: string;
}

/** Sites with coordinates as a gazetteer the geomap panel looks site ids up in (sorted: the same registry gives the same bytes). */
export function gazetteer(sites: readonly SiteRecord[]): GazetteerEntry[] {
  return sites
    .filter((s): s is SiteRecord & { lat: number; lon: number } => s.lat !== null && s.lon !== null)
    .map((s) => ({ key: s.id, latitude: s.lat, longitude: s.lon, name: s.nameTh ? `${s.name} (${s.nameTh})` : s.name }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

/** Water sites grouped by their assigned class, classes ascending; sites without a class are left out. */
export function waterSitesByClass(sites: readonly SiteRecord[]): Map<number, string[]> {
  const byClass = new Map<number, string[]>();
  for (const s of sites) {
    if (s.waterClass === null || s.waterClass === undefined) continue;
    byClass.set(s.waterClass, [...(byClass.get(s.waterClass) ?? []), s.id]);
  }
  return new Map([...byClass.entries()].sort(([a], [b]) => a - b).map(([k, ids]) => [k, ids.sort()]));
}

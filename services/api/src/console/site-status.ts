import {
  DAY_MS,
  HOUR_MS,
  MIN_COMPLETENESS,
  NO_DATA_AFTER_MS,
  bangkokDayStart,
  compareWithLimit,
  parametersOf,
  roundHalfUp,
  standardsFor,
  type Standard,
  type WaterClass,
} from '@mueang/core';
import type { Device, Site, StateStore, TelemetryStore } from '@mueang/storage';
import { cityCatalog } from '../assessment/kpi-overrides.ts';
import { expectedIntervalMs } from '../data/expected-interval.ts';
import { iso, roundValue } from '../data/format.ts';
import { hourlySeries, windowMean } from './hourly.ts';

/**
 * What an operator reads at a glance per site: devices reporting or silent, water class
 * compliance, energy use against the meter's own recent days, waste bins needing collection.
 * Air quality is the AQI route's (GET /v1/cities/{city}/aqi).
 */

export const SITE_STATUS_METHOD = {
  devices: `A device is reporting when its newest reading is at most ${NO_DATA_AFTER_MS / 60_000} min old (rule choice "offline"), silent when older, never when it has sent nothing.`,
  water:
    "Indicative: per parameter with a limit for the site's assigned surface-water class (NEB No. 8), the mean of the last 24 h rounded to the standard's decimals is compared with the limit; " +
    'a parameter with under 75 % of its expected samples is not judged. The formal verdict (DO P20, BOD P80 over 365 days) is in the assessment.',
  energy:
    'kWh of the last 24 h = mean activePower (kW) × 24 h, when at least 75 % of the expected readings are present; baseline = mean kWh of the valid Asia/Bangkok days among the 14 before today ' +
    '(daily rollups, the same rule per day); change = (last 24 h − baseline) / baseline.',
  waste: "A bin needs collection when its newest filling level is at or above the city's full threshold (KPI input wasteFullPercent), and overflows at wasteOverflowPercent.",
} as const;

const BASELINE_DAYS = 14;
const WATER_PARAMS = parametersOf('water').map((p) => p.name);

export type Reporting = 'reporting' | 'silent' | 'never' | 'revoked';

export interface DeviceStatusOut {
  id: string;
  siteId: string;
  domain: string;
  kind: string;
  name: string | null;
  status: 'active' | 'revoked';
  lastSeen: string | null;
  reporting: Reporting;
}

export interface WaterParamOut {
  param: string;
  unit: string;
  value: number | null;
  completeness: number;
  verdict: 'pass' | 'exceed' | 'insufficient-data';
  standards: Array<{ id: string; version: string; min: number | null; max: number | null; statistic: string; percentile: number | null }>;
}

export interface WaterStatusOut {
  site: string;
  device: string;
  waterClass: number | null;
  status: 'compliant' | 'non-compliant' | 'insufficient-data' | 'not-assessed';
  params: WaterParamOut[];
}

export interface EnergyStatusOut {
  site: string;
  device: string;
  kwhLast24h: number | null;
  completeness: number;
  baselineKwhPerDay: number | null;
  baselineDays: number;
  changePercent: number | null;
}

export interface WasteStatusOut {
  site: string;
  bins: number;
  needCollection: number;
  overflowing: number;
  devices: Array<{ device: string; fillingLevel: number | null; lidOpen: boolean | null; ts: string | null; needsCollection: boolean; overflowing: boolean }>;
}

export interface SiteStatusOut {
  city: string;
  at: string;
  sites: Array<{ id: string; name: string; nameTh: string | null; lat: number | null; lon: number | null; kind: string | null; waterClass: number | null; domains: string[] }>;
  devices: DeviceStatusOut[];
  water: WaterStatusOut[];
  energy: EnergyStatusOut[];
  waste: WasteStatusOut[];
  thresholds: { wasteFullPercent: number; wasteOverflowPercent: number; minCompleteness: number; noDataAfterMinutes: number };
  method: typeof SITE_STATUS_METHOD;
}

/** surface-water limits of a class; the rows split by water hardness need a measurement the sondes do not make */
function classStandards(param: string, at: number, waterClass: WaterClass): Standard[] {
  return standardsFor(param, at, { category: 'surface-water', waterClass }).filter((s) => s.scope?.hardness === undefined);
}

export function reportingOf(device: Device, lastSeen: number | undefined, at: number): Reporting {
  if (device.status === 'revoked') return 'revoked';
  if (lastSeen === undefined) return 'never';
  return at - lastSeen <= NO_DATA_AFTER_MS ? 'reporting' : 'silent';
}

async function waterStatus(telemetry: TelemetryStore, city: string, devices: Device[], sites: Map<string, Site>, at: number): Promise<WaterStatusOut[]> {
  const to = Math.floor(at / HOUR_MS) * HOUR_MS;
  const from = to - DAY_MS;
  const judged = new Map<string, { cls: WaterClass | null; params: Map<string, Standard[]> }>();
  const allParams = new Set<string>();
  for (const device of devices) {
    const cls = sites.get(device.siteId)?.waterClass ?? null;
    const params = new Map<string, Standard[]>();
    if (cls !== null) {
      for (const param of WATER_PARAMS) {
        const standards = classStandards(param, at, cls as WaterClass);
        if (standards.length > 0) {
          params.set(param, standards);
          allParams.add(param);
        }
      }
    }
    judged.set(device.id, { cls: cls as WaterClass | null, params });
  }
  const { series } = await hourlySeries(telemetry, { city, domain: 'water', params: [...allParams], from, to });
  return devices.map((device): WaterStatusOut => {
    const { cls, params } = judged.get(device.id) as { cls: WaterClass | null; params: Map<string, Standard[]> };
    const base = { site: device.siteId, device: device.id, waterClass: cls };
    if (params.size === 0) return { ...base, status: 'not-assessed', params: [] };
    const out: WaterParamOut[] = [];
    for (const [param, standards] of params) {
      const mean = windowMean(series.get(device.id)?.get(param), from, to, expectedIntervalMs(device), MIN_COMPLETENESS);
      const first = standards[0] as Standard;
      let verdict: WaterParamOut['verdict'] = 'insufficient-data';
      let value: number | null = null;
      if (mean.value !== null) {
        value = roundHalfUp(mean.value, first.decimals);
        verdict = standards.every((s) => compareWithLimit(roundHalfUp(mean.value as number, s.decimals), s.limit) === 'pass') ? 'pass' : 'exceed';
      }
      out.push({
        param,
        unit: first.unit,
        value,
        completeness: roundValue(mean.completeness, 4),
        verdict,
        standards: standards.map((s) => ({ id: s.id, version: s.version, min: s.limit.min ?? null, max: s.limit.max ?? null, statistic: s.statistic, percentile: s.percentile ?? null })),
      });
    }
    const status = out.some((p) => p.verdict === 'exceed') ? 'non-compliant' : out.some((p) => p.verdict === 'pass') ? 'compliant' : 'insufficient-data';
    return { ...base, status, params: out };
  });
}

async function energyStatus(telemetry: TelemetryStore, city: string, devices: Device[], at: number): Promise<EnergyStatusOut[]> {
  const to = Math.floor(at / HOUR_MS) * HOUR_MS;
  const from = to - DAY_MS;
  const today = bangkokDayStart(at);
  const [{ series }, daily] = await Promise.all([
    hourlySeries(telemetry, { city, domain: 'energy', params: ['activePower'], from, to }),
    devices.length === 0 ? Promise.resolve([]) : telemetry.queryRollups({ period: '1d', city, domain: 'energy', params: ['activePower'], from: today - BASELINE_DAYS * DAY_MS, to: today }),
  ]);
  return devices.map((device): EnergyStatusOut => {
    const interval = expectedIntervalMs(device);
    const last = windowMean(series.get(device.id)?.get('activePower'), from, to, interval, MIN_COMPLETENESS);
    const slotsPerDay = DAY_MS / interval;
    const days = daily.filter((r) => r.device === device.id && Math.min(r.count, slotsPerDay) / slotsPerDay >= MIN_COMPLETENESS).map((r) => r.mean * 24);
    const kwh = last.value === null ? null : last.value * 24;
    const baseline = days.length === 0 ? null : days.reduce((s, v) => s + v, 0) / days.length;
    return {
      site: device.siteId,
      device: device.id,
      kwhLast24h: kwh === null ? null : roundValue(kwh, 1),
      completeness: roundValue(last.completeness, 4),
      baselineKwhPerDay: baseline === null ? null : roundValue(baseline, 1),
      baselineDays: days.length,
      changePercent: kwh === null || baseline === null || baseline <= 0 ? null : roundValue(((kwh - baseline) / baseline) * 100, 1),
    };
  });
}

export async function computeSiteStatus(deps: { state: StateStore; telemetry: TelemetryStore }, city: string, at: number): Promise<SiteStatusOut> {
  const { state, telemetry } = deps;
  const [sites, devices, latest, { catalog }] = await Promise.all([
    state.listSites({ cityId: city }),
    state.listDevices({ cityId: city }),
    telemetry.latest({ city }),
    cityCatalog(state, city),
  ]);
  const siteById = new Map(sites.map((s) => [s.id, s]));
  const latestOf = new Map(latest.map((p) => [p.device, p]));
  const active = devices.filter((d) => d.status === 'active');
  const ofDomain = (domain: Device['domain']) => active.filter((d) => d.domain === domain);
  const [water, energy] = await Promise.all([waterStatus(telemetry, city, ofDomain('water'), siteById, at), energyStatus(telemetry, city, ofDomain('energy'), at)]);

  const { wasteFullPercent, wasteOverflowPercent } = catalog.inputs;
  const wasteBySite = new Map<string, WasteStatusOut>();
  for (const device of ofDomain('waste')) {
    const point = latestOf.get(device.id);
    const fill = point?.values.fillingLevel;
    const lid = point?.values.lidOpen;
    const entry = wasteBySite.get(device.siteId) ?? { site: device.siteId, bins: 0, needCollection: 0, overflowing: 0, devices: [] };
    const needsCollection = fill !== undefined && fill >= wasteFullPercent;
    const overflowing = fill !== undefined && fill >= wasteOverflowPercent;
    entry.bins += 1;
    if (needsCollection) entry.needCollection += 1;
    if (overflowing) entry.overflowing += 1;
    entry.devices.push({ device: device.id, fillingLevel: fill ?? null, lidOpen: lid === undefined ? null : lid === 1, ts: point ? iso(point.ts) : null, needsCollection, overflowing });
    wasteBySite.set(device.siteId, entry);
  }

  return {
    city,
    at: iso(at),
    sites: sites.map((s) => ({
      id: s.id,
      name: s.name,
      nameTh: s.nameTh,
      lat: s.lat,
      lon: s.lon,
      kind: s.kind,
      waterClass: s.waterClass,
      domains: [...new Set(devices.filter((d) => d.siteId === s.id).map((d) => d.domain))].sort(),
    })),
    devices: devices.map((d) => {
      const seen = latestOf.get(d.id)?.ts;
      return { id: d.id, siteId: d.siteId, domain: d.domain, kind: d.kind, name: d.name, status: d.status, lastSeen: seen === undefined ? null : iso(seen), reporting: reportingOf(d, seen, at) };
    }),
    water,
    energy,
    waste: [...wasteBySite.values()],
    thresholds: { wasteFullPercent, wasteOverflowPercent, minCompleteness: MIN_COMPLETENESS, noDataAfterMinutes: NO_DATA_AFTER_MS / 60_000 },
    method: SITE_STATUS_METHOD,
  };
}

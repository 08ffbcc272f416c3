import {
  DAY_MS,
  HOUR_MS,
  MIN_COMPLETENESS,
  aqiTableFor,
  isAqiPollutant,
  isEnergyAveraged,
  parametersOf,
  standardsFor,
  type BilingualText,
  type Standard,
  type WaterClass,
} from '@mueang/core';
import type { Device, Site, TelemetryStore } from '@mueang/storage';
import { expectedIntervalMs } from '../data/expected-interval.ts';
import { iso, roundValue } from '../data/format.ts';
import { hourlySeries, hoursOf, windowMean } from './hourly.ts';
import { reportingOf, type Reporting } from './site-status.ts';

/**
 * What the station page draws: per parameter the hourly means of the range, the standard's limit
 * and, for a rolling-mean standard, the mean over its own window ending at each hour (the value
 * the standard and the AQI judge), with the 75 % completeness rule.
 */

export const TREND_RANGES = { '24h': DAY_MS, '7d': 7 * DAY_MS, '30d': 30 * DAY_MS } as const;
export type TrendRange = keyof typeof TREND_RANGES;

export const TREND_METHOD =
  'Points: hourly means (raw readings up to 2 days, hourly rollups beyond). Rolling line: at the end of each hour, the mean of the readings of the standard\'s averaging window ending then ' +
  '(hourly means weighted by their counts), drawn only when the window holds at least 75 % of the expected readings (an hour covers at most its expected slots). ' +
  'Completeness: covered expected slots / expected slots over the range. Air: the ambient-air standard with the averaging the Thai AQI uses for the pollutant; ' +
  "noise: hourly Leq (energy means) and the Leq 24 h against the general noise standard; water: the limits of the site's assigned surface-water class.";

export interface TrendStandardOut {
  id: string;
  version: string;
  name: BilingualText;
  min: number | null;
  max: number | null;
  unit: string;
  statistic: string;
  percentile: number | null;
  averaging: { kind: string; periodMs: number | null; label: BilingualText };
}

export interface TrendParamOut {
  param: string;
  label: BilingualText;
  unit: string;
  decimals: number;
  completeness: number;
  /** how points and the rolling line average: 'leq' (energy mean) for sound levels, else 'mean' */
  statistic: 'mean' | 'leq';
  /** [hour start epoch ms, hourly mean or Leq] */
  points: number[][];
  standard: TrendStandardOut | null;
  /** [window end epoch ms, rolling mean or null when under the completeness threshold] */
  rolling: { periodMs: number; label: BilingualText; points: Array<Array<number | null>> } | null;
}

export interface TrendOut {
  city: string;
  device: { id: string; siteId: string; domain: string; kind: string; name: string | null; status: 'active' | 'revoked'; lastSeen: string | null; reporting: Reporting; expectedIntervalS: number };
  site: { id: string; name: string; nameTh: string | null; waterClass: number | null } | null;
  range: TrendRange;
  from: string;
  to: string;
  source: 'raw' | 'rollup-1h';
  params: TrendParamOut[];
  method: string;
}

/** The standard a parameter's chart shows, or null (e.g. temperature). */
export function chartStandard(device: Device, site: Site | null, param: string, at: number): Standard | null {
  if (device.domain === 'air' && isEnergyAveraged('air', param)) {
    // the general noise standard's Leq 24 h (Lmax is an instantaneous maximum, not a line over averages)
    return standardsFor(param, at, { domain: 'air', category: 'noise' }).find((s) => s.statistic === 'leq' && s.averaging.kind === 'rolling') ?? null;
  }
  if (device.domain === 'air') {
    const rolling = standardsFor(param, at, { domain: 'air', category: 'ambient-air' }).filter(
      (s) => s.averaging.kind === 'rolling' && s.statistic === 'mean' && (s.averaging.periodMs ?? 0) <= DAY_MS,
    );
    // the window the Thai AQI averages the pollutant over (PM 24 h, O3/CO 8 h, NO2/SO2 1 h), else the shortest
    const aqiWindow = isAqiPollutant(param) ? aqiTableFor(at).rows[param].averagingMs : null;
    const sorted = [...rolling].sort((a, b) => (a.averaging.periodMs ?? 0) - (b.averaging.periodMs ?? 0));
    return sorted.find((s) => s.averaging.periodMs === aqiWindow) ?? sorted[0] ?? null;
  }
  if (device.domain === 'water' && site?.waterClass) {
    const rows = standardsFor(param, at, { category: 'surface-water', waterClass: site.waterClass as WaterClass }).filter((s) => s.scope?.hardness === undefined);
    return rows[0] ?? null;
  }
  return null;
}

function standardOut(s: Standard): TrendStandardOut {
  return {
    id: s.id,
    version: s.version,
    name: { en: s.name.en, th: s.name.th },
    min: s.limit.min ?? null,
    max: s.limit.max ?? null,
    unit: s.unit,
    statistic: s.statistic,
    percentile: s.percentile ?? null,
    averaging: { kind: s.averaging.kind, periodMs: s.averaging.periodMs ?? null, label: { en: s.averaging.label.en, th: s.averaging.label.th } },
  };
}

export async function computeTrend(telemetry: TelemetryStore, input: { city: string; device: Device; site: Site | null; range: TrendRange; at: number }): Promise<TrendOut> {
  const { city, device, site, range, at } = input;
  const to = Math.ceil((at + 1) / HOUR_MS) * HOUR_MS;
  const from = to - TREND_RANGES[range];
  const interval = expectedIntervalMs(device);
  const specs = parametersOf(device.domain).filter((p) => p.kind === 'number');
  const standards = new Map(specs.map((p) => [p.name, chartStandard(device, site, p.name, at)]));
  const rollingPeriod = (s: Standard | null) => (s && s.averaging.kind === 'rolling' && s.averaging.periodMs ? s.averaging.periodMs : 0);
  const lookback = Math.max(0, ...[...standards.values()].map(rollingPeriod));
  const [{ source, series }, latest] = await Promise.all([
    hourlySeries(telemetry, { city, domain: device.domain, params: specs.map((p) => p.name), from: from - lookback, to, device: device.id }),
    telemetry.latest({ city, device: device.id }),
  ]);
  const hours = hoursOf(from, to);
  const byParam = series.get(device.id);
  const params: TrendParamOut[] = [];
  for (const spec of specs) {
    const buckets = byParam?.get(spec.name);
    const statistic = spec.energyAveraged ? 'leq' : 'mean';
    // an hour rolled up before Leq existed shows its arithmetic mean rather than nothing
    const points = hours.filter((h) => buckets?.has(h)).map((h) => {
      const b = buckets?.get(h) as { mean: number; leq?: number };
      return [h, roundValue(statistic === 'leq' ? (b.leq ?? b.mean) : b.mean, 4)];
    });
    if (points.length === 0) continue;
    const standard = standards.get(spec.name) ?? null;
    const period = rollingPeriod(standard);
    const rolling =
      standard && period > 0
        ? {
            periodMs: period,
            label: { en: standard.averaging.label.en, th: standard.averaging.label.th },
            points: hours.map((h) => {
              const end = h + HOUR_MS;
              const mean = windowMean(buckets, end - period, end, interval, MIN_COMPLETENESS);
              const value = statistic === 'leq' ? mean.leq : mean.value;
              return [end, value === null ? null : roundValue(value, 4)];
            }),
          }
        : null;
    params.push({
      param: spec.name,
      label: { en: spec.label.en, th: spec.label.th },
      unit: spec.unit,
      decimals: spec.decimals,
      statistic,
      completeness: roundValue(windowMean(buckets, from, to, interval, MIN_COMPLETENESS).completeness, 4),
      points,
      standard: standard ? standardOut(standard) : null,
      rolling,
    });
  }
  const lastSeen = latest[0]?.ts;
  const reporting = reportingOf(device, lastSeen, at);
  return {
    city,
    device: {
      id: device.id,
      siteId: device.siteId,
      domain: device.domain,
      kind: device.kind,
      name: device.name,
      status: device.status,
      lastSeen: lastSeen === undefined ? null : iso(lastSeen),
      reporting,
      expectedIntervalS: interval / 1000,
    },
    site: site ? { id: site.id, name: site.name, nameTh: site.nameTh, waterClass: site.waterClass } : null,
    range,
    from: iso(from),
    to: iso(to),
    source,
    params,
    method: TREND_METHOD,
  };
}

import { HOUR_MS, energyLevel, isEnergyAveraged, levelEnergy, type Domain } from '@mueang/core';
import type { TelemetryStore } from '@mueang/storage';
import { HOURLY_ROLLUP_AFTER_MS } from '../data/aggregate.ts';

/** One hour of one parameter of one device: the mean and how many readings it is made of, and the Leq of a sound level. */
export interface HourBucket {
  mean: number;
  count: number;
  /** energy mean (dB) of sound levels; absent for other parameters and for hours rolled up before it existed */
  leq?: number;
}

/** device -> parameter -> hour start -> bucket */
export type HourlySeries = Map<string, Map<string, Map<number, HourBucket>>>;

export interface HourlyRequest {
  city: string;
  domain: Domain;
  params: string[];
  /** hour-aligned, inclusive */
  from: number;
  /** exclusive */
  to: number;
  device?: string | undefined;
}

function put(series: HourlySeries, device: string, param: string, start: number, bucket: HourBucket): void {
  let byParam = series.get(device);
  if (!byParam) series.set(device, (byParam = new Map()));
  let byHour = byParam.get(param);
  if (!byHour) byParam.set(param, (byHour = new Map()));
  byHour.set(start, bucket);
}

/**
 * Hourly means with their counts, as the API's aggregate route reads them: from the raw points
 * over up to 2 days, from the hourly rollups beyond (DESIGN.md: long reads use the rollups).
 */
export async function hourlySeries(telemetry: TelemetryStore, request: HourlyRequest): Promise<{ source: 'raw' | 'rollup-1h'; series: HourlySeries }> {
  const series: HourlySeries = new Map();
  const tags = { city: request.city, ...(request.device ? { device: request.device } : {}) };
  if (request.params.length === 0 || request.to <= request.from) return { source: 'raw', series };
  if (request.to - request.from > HOURLY_ROLLUP_AFTER_MS) {
    const rows = await telemetry.queryRollups({ ...tags, period: '1h', domain: request.domain, params: request.params, from: request.from, to: request.to });
    for (const row of rows) if (row.count > 0) put(series, row.device, row.param, row.start, { mean: row.mean, count: row.count, ...(row.leq === undefined ? {} : { leq: row.leq }) });
    return { source: 'rollup-1h', series };
  }
  const query = { ...tags, domain: request.domain, params: request.params, from: request.from, to: request.to, windowMs: HOUR_MS, groupBy: ['device' as const] };
  const levels = request.params.filter((p) => isEnergyAveraged(request.domain, p));
  const [means, counts, leqs] = await Promise.all([
    telemetry.aggregate({ ...query, fn: 'mean' }),
    telemetry.aggregate({ ...query, fn: 'count' }),
    levels.length > 0 ? telemetry.aggregate({ ...query, params: levels, fn: 'leq' }) : Promise.resolve([]),
  ]);
  const key = (device: string | undefined, param: string, start: number) => `${device}\u0000${param}\u0000${start}`;
  const countOf = new Map<string, number>();
  for (const row of counts) for (const [param, n] of Object.entries(row.values)) countOf.set(key(row.tags.device, param, row.start), n);
  const leqOf = new Map<string, number>();
  for (const row of leqs) for (const [param, leq] of Object.entries(row.values)) leqOf.set(key(row.tags.device, param, row.start), leq);
  for (const row of means) {
    const device = row.tags.device;
    if (!device) continue;
    for (const [param, mean] of Object.entries(row.values)) {
      const count = countOf.get(key(device, param, row.start)) ?? 0;
      const leq = leqOf.get(key(device, param, row.start));
      if (count > 0) put(series, device, param, row.start, { mean, count, ...(leq === undefined ? {} : { leq }) });
    }
  }
  return { source: 'raw', series };
}

/** the hour starts of [from, to), both hour-aligned */
export function hoursOf(from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = from; t < to; t += HOUR_MS) out.push(t);
  return out;
}

export interface WindowMean {
  /** mean of the readings (hourly means weighted by their counts); null below the completeness threshold */
  value: number | null;
  /** Leq of the readings (hourly energies weighted by their counts); null below the threshold or when an hour has no Leq */
  leq: number | null;
  /** covered expected slots / expected slots, 0-1 */
  completeness: number;
}

/**
 * The mean over the hours [from, to) and its completeness with the API's rule for hourly data:
 * an hour covers min(readings, slots per hour) of the device's expected slots (data/completeness.ts).
 */
export function windowMean(buckets: ReadonlyMap<number, HourBucket> | undefined, from: number, to: number, expectedIntervalMs: number, minCompleteness: number): WindowMean {
  const slotsPerHour = Math.max(1, Math.round(HOUR_MS / expectedIntervalMs));
  const expected = Math.max(1, Math.round((to - from) / expectedIntervalMs));
  let sum = 0;
  let energy = 0;
  let count = 0;
  let covered = 0;
  if (buckets) {
    for (let t = from; t < to; t += HOUR_MS) {
      const b = buckets.get(t);
      if (!b) continue;
      sum += b.mean * b.count;
      energy += b.leq === undefined ? Number.NaN : b.count * levelEnergy(b.leq);
      count += b.count;
      covered += Math.min(b.count, slotsPerHour);
    }
  }
  const completeness = Math.min(1, covered / expected);
  const enough = count > 0 && completeness >= minCompleteness;
  return { value: enough ? sum / count : null, leq: enough && Number.isFinite(energy) ? energyLevel(energy / count) : null, completeness };
}

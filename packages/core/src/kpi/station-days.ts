/**
 * Station-day values from daily rollups, with hourly rollups only where the daily statistics cannot decide.
 *
 * A 1-hour or 8-hour mean never exceeds the highest reading it averages: so the daily rollup (mean, min, max) decides
 * most gas days exactly, and only the remaining device-days need hourly rollups (reading months of hourly rows for
 * every station is what makes an assessment slow). Noise days are decided by the daily rollup's Leq; rollups written
 * before it existed fall back to bounds (Leq lies between the arithmetic mean and the highest reading) and hours.
 */
import { AQI_POLLUTANTS, type AqiPollutant } from '../standards/data/aqi-tables.ts';
import { aqiTableFor } from '../standards/registry.ts';
import { roundHalfUp } from '../standards/rounding.ts';
import type { Standard } from '../standards/types.ts';
import { energyLevel, levelEnergy } from '../leq.ts';
import { DAY_MS, HOUR_MS } from '../time.ts';
import type { Domain } from '../types.ts';
import { requiredCount, type AssessmentContext, type PeriodDay } from './context.ts';
import type { AssessmentDevice } from './types.ts';
import { standardOn, withinLimit } from './values.ts';

/** The standard each AQI pollutant is judged with: the averaging of the Thai AQI, whose value 100 equals it. */
export const AQI_STANDARD_IDS: Readonly<Record<AqiPollutant, string>> = {
  pm25: 'th-aaqs-pm25-24h',
  pm10: 'th-aaqs-pm10-24h',
  o3: 'th-aaqs-o3-8h',
  co: 'th-aaqs-co-8h',
  no2: 'th-aaqs-no2-1h',
  so2: 'th-aaqs-so2-1h',
};

export const NOISE_STANDARD_ID = 'th-noise-leq-24h';

/** Whether a computation may still ask for hourly rows ('plan') or must decide with what it has ('compute'). */
export type Mode = 'plan' | 'compute';

export type PollutantDay =
  | { state: 'missing' }
  /** concentration in the standard's averaging: PM day mean, or the day's highest 1-h / 8-h mean */
  | { state: 'value'; value: number; standard: Standard }
  /** a gas whose highest reading of the day is within the standard: so is every mean of it */
  | { state: 'below-limit'; bound: number; standard: Standard }
  | { state: 'needs-hours'; from: number; to: number }
  /** the hourly rows did not hold enough data for any window */
  | { state: 'hours-insufficient'; standard: Standard };

const AVERAGING_BY_DAY = new Map<string, Record<AqiPollutant, number>>();

/** averaging window of each AQI pollutant in the table in force on a day (memoised: the tables never change) */
function averagingOn(date: string): Record<AqiPollutant, number> {
  let averaging = AVERAGING_BY_DAY.get(date);
  if (!averaging) {
    const rows = aqiTableFor(date).rows;
    averaging = Object.fromEntries(AQI_POLLUTANTS.map((p) => [p, rows[p].averagingMs])) as Record<AqiPollutant, number>;
    AVERAGING_BY_DAY.set(date, averaging);
  }
  return averaging;
}

function isPm(pollutant: AqiPollutant): boolean {
  return pollutant === 'pm25' || pollutant === 'pm10';
}

export function pollutantDay(ctx: AssessmentContext, device: AssessmentDevice, pollutant: AqiPollutant, day: PeriodDay, mode: Mode): PollutantDay {
  const row = ctx.validDay(device, pollutant, day.start);
  if (!row) return { state: 'missing' };
  const standard = standardOn(AQI_STANDARD_IDS[pollutant], day.date);
  if (isPm(pollutant)) return { state: 'value', value: row.mean, standard };
  const averagingMs = averagingOn(day.date)[pollutant];
  let bound = row.max;
  if (averagingMs > HOUR_MS) {
    // windows ending early in the day reach back into the previous day
    const previous = ctx.dayRow(device.id, pollutant, day.start - DAY_MS);
    if (previous) bound = Math.max(bound, previous.max);
  }
  if (withinLimit(bound, standard)) return { state: 'below-limit', bound, standard };
  const from = day.start - (averagingMs - HOUR_MS);
  if (mode === 'plan') return { state: 'needs-hours', from, to: day.start + DAY_MS };
  const value = highestWindowMean(ctx, device, pollutant, day, averagingMs);
  return value === undefined ? { state: 'hours-insufficient', standard } : { state: 'value', value, standard };
}

/** the highest mean of `averagingMs` windows ending at each hour end of the day, over hourly means, each window ≥ 75 % complete */
function highestWindowMean(ctx: AssessmentContext, device: AssessmentDevice, param: string, day: PeriodDay, averagingMs: number): number | undefined {
  const hours = Math.round(averagingMs / HOUR_MS);
  const need = requiredCount(hours);
  const rows = ctx.hourRows(device.id, param);
  if (!rows) return undefined;
  // hourly means from (hours - 1) hours before the day to its last hour; NaN where an hour is missing or incomplete
  const first = day.start - (hours - 1) * HOUR_MS;
  const means: number[] = [];
  for (let i = 0; i < 24 + hours - 1; i += 1) {
    const row = rows.get(first + i * HOUR_MS);
    means.push(ctx.hourIsValid(device.domain, row) ? row.mean : Number.NaN);
  }
  let best: number | undefined;
  for (let end = hours - 1; end < means.length; end += 1) {
    let sum = 0;
    let n = 0;
    for (let k = end - hours + 1; k <= end; k += 1) {
      const v = means[k] as number;
      if (!Number.isNaN(v)) {
        sum += v;
        n += 1;
      }
    }
    if (n >= need) best = best === undefined ? sum / n : Math.max(best, sum / n);
  }
  return best;
}

export type NoiseDay =
  | { state: 'missing' }
  | { state: 'within'; standard: Standard; leq: number | null; decidedBy: 'day-leq' | 'day-max' | 'upper-bound' | 'hours' }
  | { state: 'exceeds'; standard: Standard; leq: number | null; decidedBy: 'day-leq' | 'day-mean' | 'hours' }
  | { state: 'needs-hours'; from: number; to: number }
  | { state: 'hours-insufficient'; standard: Standard };

/**
 * The largest Leq readings in [min, max] with the given arithmetic mean can have: all weight on the two ends
 * (10^(L/10) is convex), p at max and 1 - p at min with p·max + (1 - p)·min = mean.
 */
export function leqUpperBound(min: number, mean: number, max: number): number {
  if (!(max > min)) return max;
  const p = Math.min(1, Math.max(0, (mean - min) / (max - min)));
  return 10 * Math.log10(p * 10 ** (max / 10) + (1 - p) * 10 ** (min / 10));
}

export function noiseDay(ctx: AssessmentContext, device: AssessmentDevice, day: PeriodDay, mode: Mode): NoiseDay {
  const row = ctx.validDay(device, 'noise', day.start);
  if (!row) return { state: 'missing' };
  const standard = standardOn(NOISE_STANDARD_ID, day.date);
  if (row.leq !== undefined && Number.isFinite(row.leq)) {
    const leq = roundHalfUp(row.leq, 2);
    return withinLimit(row.leq, standard) ? { state: 'within', standard, leq, decidedBy: 'day-leq' } : { state: 'exceeds', standard, leq, decidedBy: 'day-leq' };
  }
  // rollups without Leq: Leq >= arithmetic mean, and rounding keeps the order
  if (!withinLimit(row.mean, standard)) return { state: 'exceeds', standard, leq: null, decidedBy: 'day-mean' };
  if (withinLimit(row.max, standard)) return { state: 'within', standard, leq: null, decidedBy: 'day-max' };
  if (withinLimit(leqUpperBound(row.min, row.mean, row.max), standard)) return { state: 'within', standard, leq: null, decidedBy: 'upper-bound' };
  if (mode === 'plan') return { state: 'needs-hours', from: day.start, to: day.start + DAY_MS };
  let energy = 0;
  let n = 0;
  const rows = ctx.hourRows(device.id, 'noise');
  for (let i = 0; i < 24; i += 1) {
    const hour = rows?.get(day.start + i * HOUR_MS);
    if (ctx.hourIsValid(device.domain, hour)) {
      energy += levelEnergy(hour.leq ?? hour.mean);
      n += 1;
    }
  }
  if (n < requiredCount(24)) return { state: 'hours-insufficient', standard };
  const leq = energyLevel(energy / n);
  return withinLimit(leq, standard)
    ? { state: 'within', standard, leq: roundHalfUp(leq, 2), decidedBy: 'hours' }
    : { state: 'exceeds', standard, leq: roundHalfUp(leq, 2), decidedBy: 'hours' };
}

/** A range of hourly rollups the assessment needs for one device. */
export interface HourlyNeed {
  device: string;
  domain: Domain;
  /** the parameters to read, sorted */
  params: string[];
  /** inclusive, epoch ms */
  from: number;
  /** exclusive, epoch ms */
  to: number;
}

/** needs closer than this are fetched as one range: a few extra hours cost less than another query */
const MERGE_GAP_MS = 2 * DAY_MS;

/**
 * The hourly rollups an assessment needs beyond the daily ones: device-days whose daily statistics cannot decide a
 * gas (O3, CO, NO2, SO2) against its standard or noise against Leq 24 h. Merged per device and parameter, in device
 * then parameter then time order.
 */
export function planHourlyNeeds(ctx: AssessmentContext): HourlyNeed[] {
  const merged: HourlyNeed[] = [];
  for (const device of ctx.devices('air')) {
    const raw: Array<{ param: string; from: number; to: number }> = [];
    for (const pollutant of AQI_POLLUTANTS) {
      if (isPm(pollutant) || !ctx.reports(device.id, pollutant)) continue;
      for (const day of ctx.days) {
        const result = pollutantDay(ctx, device, pollutant, day, 'plan');
        if (result.state === 'needs-hours') raw.push({ param: pollutant, from: result.from, to: result.to });
      }
    }
    if (ctx.reports(device.id, 'noise')) {
      for (const day of ctx.days) {
        const result = noiseDay(ctx, device, day, 'plan');
        if (result.state === 'needs-hours') raw.push({ param: 'noise', from: result.from, to: result.to });
      }
    }
    // one range per parameter: reading another parameter's hours along would cost more rows than it saves queries
    raw.sort((a, b) => (a.param < b.param ? -1 : a.param > b.param ? 1 : a.from - b.from));
    let last: HourlyNeed | undefined;
    for (const need of raw) {
      if (last && last.params[0] === need.param && need.from <= last.to + MERGE_GAP_MS) {
        last.to = Math.max(last.to, need.to);
      } else {
        last = { device: device.id, domain: 'air', params: [need.param], from: need.from, to: need.to };
        merged.push(last);
      }
    }
  }
  return merged;
}

/** A device's usual consumption per hour of the day, from its hourly means on previous days. */
import { BANGKOK_OFFSET_MS, DAY_MS, HOUR_MS, bangkokDayStart } from '../time.ts';

export interface HourlyMean {
  /** start of the hour, epoch ms */
  start: number;
  mean: number;
}

export interface HourlyBaseline {
  /** mean of the hour's means on the days used */
  mean: number;
  /** days that had a mean for this hour */
  days: number;
  /** the largest per-hour baseline of the day: the device's busiest usual hour (its scale) */
  busiestHourMean: number;
}

/** Asia/Bangkok hour of the day, 0-23 */
export function bangkokHourOfDay(ts: number): number {
  return Math.floor((((ts + BANGKOK_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS / HOUR_MS);
}

/**
 * The baseline for `hourOfDay` from the `maxDays` Asia/Bangkok days before the day containing `atMs` (today is left out:
 * an anomaly must not become its own baseline). null when no previous day has a mean for that hour.
 */
export function hourlyBaseline(history: readonly HourlyMean[], hourOfDay: number, atMs: number, maxDays: number): HourlyBaseline | null {
  const todayStart = bangkokDayStart(atMs);
  const earliest = todayStart - maxDays * DAY_MS;
  const sums = new Array<number>(24).fill(0);
  const counts = new Array<number>(24).fill(0);
  for (const h of history) {
    if (h.start < earliest || h.start >= todayStart || !Number.isFinite(h.mean)) continue;
    const hour = bangkokHourOfDay(h.start);
    sums[hour]! += h.mean;
    counts[hour]! += 1;
  }
  const days = counts[hourOfDay] ?? 0;
  if (days === 0) return null;
  let busiest = -Infinity;
  for (let hour = 0; hour < 24; hour++) if (counts[hour]! > 0) busiest = Math.max(busiest, sums[hour]! / counts[hour]!);
  return { mean: sums[hourOfDay]! / days, days, busiestHourMean: busiest };
}

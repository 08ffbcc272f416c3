import { DAY_MS, HOUR_MS } from '@mueang/core';
import { hashUnit, type Rng } from '../rng.ts';
import type { SimDevice, WasteProfile } from '../types.ts';
import { airTemperatureC, localTime } from './climate.ts';
import { clamp, clockGauss, plateau, round } from './curves.ts';
import type { PatternState } from './state.ts';

/**
 * Smart bins. The fill level rises at the district's rate, faster in the busy hours of the day,
 * until a collection round empties the bin (on the district's collection days, at its hour, each
 * bin a little later than the last; about one round in twenty is missed, so bins overflow now
 * and then). Weight follows the fill, the bin warms in the afternoon sun and as waste ferments,
 * and the lid opens with the district's activity.
 */

const MISSED_ROUND_CHANCE = 0.05;

/** activity through the day: little at night, busy from morning to evening; integral ~13.9 activity-hours */
function activity(hour: number): number {
  return 0.15 + 0.85 * plateau(hour, 7, 20, 0.8);
}

const STEPS = 96;
const STEP_H = 24 / STEPS;
let cumulative: number[] | null = null;

/** integral of activity() from midnight to `hour` (trapezoids on 15 min samples) */
function activityHours(hour: number): number {
  if (!cumulative) {
    cumulative = [0];
    for (let i = 0; i < STEPS; i++) cumulative.push(cumulative[i]! + ((activity(i * STEP_H) + activity((i + 1) * STEP_H)) / 2) * STEP_H);
  }
  const i = Math.min(STEPS - 1, Math.floor(hour / STEP_H));
  const x = hour - i * STEP_H;
  const a = activity(i * STEP_H);
  const b = activity((i + 1) * STEP_H);
  return cumulative[i]! + a * x + ((b - a) * x * x) / (2 * STEP_H);
}

/** activity-hours between two instants */
function activityBetween(fromMs: number, toMs: number): number {
  if (toMs <= fromMs) return 0;
  const a = localTime(fromMs);
  const b = localTime(toMs);
  const fullDay = activityHours(24);
  return (b.dayIndex - a.dayIndex) * fullDay + activityHours(b.hour) - activityHours(a.hour);
}

/** when this bin's collection round happened on a Bangkok day, or null if that day had none (or it was missed) */
function collectionOn(device: SimDevice, p: WasteProfile, dayIndex: number): number | null {
  const weekday = new Date(dayIndex * DAY_MS).getUTCDay();
  if (!p.collectionDays.includes(weekday)) return null;
  // a missed round misses the whole district's site, so key it by site
  if (hashUnit(device.siteId, 'missed', dayIndex) < MISSED_ROUND_CHANCE) return null;
  const lateness = hashUnit(device.id, 'round') * 1.5;
  return dayIndex * DAY_MS - 7 * HOUR_MS + (p.collectionHour + lateness) * HOUR_MS;
}

/** the last collection at or before tMs (looking back at most 14 days) */
export function lastCollection(device: SimDevice, tMs: number): number | null {
  const p = device.profile as WasteProfile;
  const today = localTime(tMs).dayIndex;
  for (let d = today; d > today - 14; d--) {
    const at = collectionOn(device, p, d);
    if (at !== null && at <= tMs) return at;
  }
  return null;
}

/** fill level in %, noise-free: each day's waste at that day's rate (the district rate on average) */
export function fillLevel(device: SimDevice, tMs: number): number {
  const p = device.profile as WasteProfile;
  const emptiedAt = lastCollection(device, tMs) ?? tMs - 14 * DAY_MS;
  const residual = 1 + 3 * hashUnit(device.id, 'residual', emptiedAt);
  let fill = residual;
  for (let day = localTime(emptiedAt).dayIndex; day <= localTime(tMs).dayIndex; day++) {
    const dayStart = day * DAY_MS - 7 * HOUR_MS;
    const dayRate = 0.85 + 0.3 * hashUnit(device.id, 'rate', day);
    fill += p.fillRatePctPerHour * dayRate * activityBetween(Math.max(dayStart, emptiedAt), Math.min(dayStart + DAY_MS, tMs));
  }
  return Math.min(100, fill);
}

export function wasteValues(device: SimDevice, tMs: number, _state: PatternState, rng: Rng): Record<string, number> {
  const p = device.profile as WasteProfile;
  const lt = localTime(tMs);
  const fill = fillLevel(device, tMs);
  const measuredFill = clamp(fill + rng.normal(0, 0.8), 0, 100);
  const emptiedAt = lastCollection(device, tMs) ?? 0;
  const density = 0.95 + 0.1 * hashUnit(device.id, 'density', emptiedAt);
  const temperature = airTemperatureC(device.cityId, device.region, tMs) + 1 + 3 * (fill / 100) + 3 * clockGauss(lt.hour, 13.5, 2.5) + rng.normal(0, 0.3);
  // an opening keeps the lid up for about a minute
  const lidChance = Math.min(0.5, (p.lidOpeningsPerHour * activity(lt.hour)) / 60);
  return {
    fillingLevel: round(measuredFill, 1),
    weight: round(Math.max(0, p.fullWeightKg * (fill / 100) * density + rng.normal(0, 0.5)), 1),
    temperature: round(temperature, 1),
    lidOpen: rng.chance(lidChance) ? 1 : 0,
  };
}

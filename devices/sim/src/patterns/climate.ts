import { BANGKOK_OFFSET_MS, DAY_MS, HOUR_MS } from '@mueang/core';
import type { Region } from '../cities.ts';
import { hashUnit, smoothNoise } from '../rng.ts';
import { clockGauss, diurnal } from './curves.ts';

/**
 * Weather shared by every device of a city: temperature, humidity, rain and sun, from monthly
 * climate normals per region (rounded from Thai Meteorological Department normals for Chiang Mai,
 * Bangkok, Khon Kaen and Phuket) plus seeded day-to-day variation. Stateless: the same city and
 * time always give the same weather, whichever device or run asks.
 */

export interface LocalTime {
  /** fractional hour of the day in Asia/Bangkok, 0-24 */
  hour: number;
  /** 0 = Sunday */
  weekday: number;
  /** 1-12 */
  month: number;
  dayOfYear: number;
  /** Bangkok days since 1970-01-01 */
  dayIndex: number;
  /** fractional month position, 0 = mid-January, 11 = mid-December */
  monthPosition: number;
}

export function localTime(tMs: number): LocalTime {
  const local = tMs + BANGKOK_OFFSET_MS;
  const date = new Date(local);
  const dayIndex = Math.floor(local / DAY_MS);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  const daysInMonth = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  const hour = (local - dayIndex * DAY_MS) / HOUR_MS;
  return {
    hour,
    weekday: date.getUTCDay(),
    month: date.getUTCMonth() + 1,
    dayOfYear: Math.floor((local - yearStart) / DAY_MS) + 1,
    dayIndex,
    monthPosition: date.getUTCMonth() + (date.getUTCDate() - 1 + hour / 24) / daysInMonth - 0.5,
  };
}

export type MonthTable = readonly [number, number, number, number, number, number, number, number, number, number, number, number];

/** a monthly table read at mid-month values, linearly interpolated in between (no jumps at month ends) */
export function monthly(table: MonthTable, lt: LocalTime): number {
  const pos = (lt.monthPosition + 12) % 12;
  const i = Math.floor(pos);
  const f = pos - i;
  return table[i % 12]! * (1 - f) + table[(i + 1) % 12]! * f;
}

const TEMPERATURE: Record<Region, MonthTable> = {
  north: [21.5, 23.5, 26.5, 29, 28.5, 27.5, 27, 26.5, 26.5, 26, 24, 21.5],
  central: [27, 28.5, 29.8, 30.8, 30.3, 29.7, 29.3, 29, 28.6, 28.3, 27.8, 26.6],
  northeast: [22.5, 25, 28, 29.5, 28.8, 28.2, 27.8, 27.4, 27.1, 26.5, 24.6, 22.3],
  south: [27.8, 28.4, 28.8, 29, 28.7, 28.5, 28.2, 28.2, 27.7, 27.5, 27.5, 27.6],
};
/** half the daily range: the dry season swings more than the rainy one */
const TEMPERATURE_SWING: Record<Region, MonthTable> = {
  north: [7, 7.5, 7.5, 6.5, 5, 4, 3.5, 3.5, 4, 4.5, 5.5, 6.5],
  central: [4.5, 4.5, 4.2, 4, 3.8, 3.3, 3.2, 3.1, 3.1, 3.2, 3.6, 4.3],
  northeast: [6.5, 6.5, 6, 5.5, 4.5, 3.8, 3.5, 3.4, 3.6, 4.2, 5.2, 6.2],
  south: [3.5, 3.8, 3.8, 3.5, 3, 2.8, 2.8, 2.8, 2.6, 2.7, 2.9, 3.2],
};
const HUMIDITY: Record<Region, MonthTable> = {
  north: [68, 58, 53, 57, 72, 79, 81, 84, 83, 79, 75, 72],
  central: [66, 68, 70, 71, 74, 75, 76, 77, 80, 79, 72, 65],
  northeast: [65, 62, 62, 67, 75, 79, 80, 83, 84, 79, 71, 67],
  south: [74, 73, 75, 78, 82, 82, 82, 82, 84, 84, 82, 77],
};
/**
 * chance that a given hour has rain: the south-west monsoon (mid-May to mid-October) almost
 * everywhere; Phuket also wet in November
 */
const RAIN_HOUR_CHANCE: Record<Region, MonthTable> = {
  north: [0.01, 0.01, 0.02, 0.04, 0.08, 0.09, 0.1, 0.12, 0.13, 0.07, 0.02, 0.01],
  central: [0.01, 0.02, 0.03, 0.05, 0.09, 0.09, 0.1, 0.11, 0.14, 0.1, 0.03, 0.01],
  northeast: [0.01, 0.02, 0.03, 0.05, 0.09, 0.1, 0.1, 0.12, 0.12, 0.06, 0.01, 0.01],
  south: [0.03, 0.02, 0.04, 0.07, 0.13, 0.12, 0.12, 0.12, 0.14, 0.13, 0.08, 0.04],
};

/** recent hours are asked for again and again (rain of the past day or two): remember them */
const rainCache = new Map<string, number>();
const RAIN_CACHE_LIMIT = 50_000;

/** rain in mm/h during the hour containing tMs (0 most hours) */
export function rainMmPerHour(cityId: string, region: Region, tMs: number): number {
  const hourIndex = Math.floor(tMs / HOUR_MS);
  const key = `${cityId}/${region}/${hourIndex}`;
  let mm = rainCache.get(key);
  if (mm === undefined) {
    if (rainCache.size >= RAIN_CACHE_LIMIT) rainCache.clear();
    mm = hourlyRain(cityId, region, hourIndex);
    rainCache.set(key, mm);
  }
  return mm;
}

function hourlyRain(cityId: string, region: Region, hourIndex: number): number {
  const lt = localTime(hourIndex * HOUR_MS);
  // wet and dry spells: a day-scale factor, and monsoon showers favour the afternoon and evening
  const spell = 0.3 + 1.4 * smoothNoise(lt.dayIndex / 2, cityId, 'wet-spell');
  const timeOfDay = 0.6 + 1.2 * clockGauss(lt.hour, 17, 3);
  const chance = monthly(RAIN_HOUR_CHANCE[region], lt) * spell * timeOfDay;
  if (hashUnit(cityId, 'rain', hourIndex) >= chance) return 0;
  const u = hashUnit(cityId, 'rain-mm', hourIndex);
  return Math.min(60, -Math.log(1 - u) * 4 + 0.2);
}

/**
 * rain of the past `hours` hours (this one included), each hour weighted by exp(-age/decayHours):
 * how wet the catchment still is
 */
export function recentRainMm(cityId: string, region: Region, tMs: number, hours: number, decayHours: number): number {
  let total = 0;
  for (let k = 0; k < hours; k++) {
    const mm = rainMmPerHour(cityId, region, tMs - k * HOUR_MS);
    if (mm > 0) total += mm * Math.exp(-k / decayHours);
  }
  return total;
}

/** the month's normal mean air temperature */
export function normalTemperatureC(region: Region, tMs: number): number {
  return monthly(TEMPERATURE[region], localTime(tMs));
}

/** how wet the season is: 0 in the dry months, about 1 at the height of the monsoon */
export function wetSeason(region: Region, tMs: number): number {
  return Math.min(1, monthly(RAIN_HOUR_CHANCE[region], localTime(tMs)) / 0.13);
}

export function airTemperatureC(cityId: string, region: Region, tMs: number): number {
  const lt = localTime(tMs);
  const anomaly = (smoothNoise(lt.dayIndex + lt.hour / 24, cityId, 'temp') - 0.5) * 3;
  const rainCooling = Math.min(4, recentRainMm(cityId, region, tMs, 3, 1.5) * 0.4);
  return monthly(TEMPERATURE[region], lt) + monthly(TEMPERATURE_SWING[region], lt) * diurnal(lt.hour) + anomaly - rainCooling;
}

export function relativeHumidity(cityId: string, region: Region, tMs: number): number {
  const lt = localTime(tMs);
  const swing = monthly(TEMPERATURE_SWING[region], lt) * 2.5;
  const wet = Math.min(15, recentRainMm(cityId, region, tMs, 6, 2) * 1.5);
  const anomaly = (smoothNoise(lt.dayIndex + lt.hour / 24, cityId, 'rh') - 0.5) * 8;
  return Math.max(20, Math.min(100, monthly(HUMIDITY[region], lt) - swing * diurnal(lt.hour) + wet + anomaly));
}

/** share of clear-sky sunshine reaching the ground on a Bangkok day (clouds of the wet season) */
export function dailyClearness(cityId: string, region: Region, dayIndex: number): number {
  const clouds = 0.1 + 0.5 * wetSeason(region, dayIndex * DAY_MS + 5 * HOUR_MS) * hashUnit(cityId, 'cloud', dayIndex);
  return Math.max(0.1, 1 - clouds);
}

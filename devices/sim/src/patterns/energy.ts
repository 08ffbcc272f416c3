import { DAY_MS, HOUR_MS } from '@mueang/core';
import { hashUnit, type Rng } from '../rng.ts';
import type { EnergyProfile, SimDevice } from '../types.ts';
import { dailyClearness, localTime, normalTemperatureC } from './climate.ts';
import { clamp, clockGauss, plateau, round } from './curves.ts';
import { dailySunHours, solarDayIndex, sunHeight, sunHoursSoFar } from './solar.ts';
import type { PatternState } from './state.ts';

/**
 * Municipal building meters. Power follows the building's day (offices and schools on weekdays,
 * markets from before dawn, health centres and the water plant around the clock), scaled by the
 * season's cooling load; rooftop PV follows the sun and the day's clouds. The two counters are
 * the exact integrals of the noise-free power since the meter epoch, so they never decrease and
 * a backfill and a live run that follows it continue the same meter.
 */

/** counters start at the profile's initial reading on this day */
const METER_EPOCH_MS = Date.UTC(2020, 0, 1) - 7 * HOUR_MS;
const METER_EPOCH_DAY = Math.floor((METER_EPOCH_MS + 7 * HOUR_MS) / DAY_MS);
/** inverter and wiring losses of a rooftop system */
const PV_PERFORMANCE = 0.8;
const NOMINAL_VOLTAGE = 230;

type DayType = 'workday' | 'restday';
type Building = EnergyProfile['building'];

function occupancy(building: Building, dayType: DayType, hour: number): number {
  const work = dayType === 'workday';
  switch (building) {
    case 'office':
      return work ? 0.05 + 0.95 * plateau(hour, 8, 16.75, 0.4) - 0.15 * clockGauss(hour, 12.5, 0.4) : 0.05 + 0.1 * plateau(hour, 9, 15);
    case 'school':
      return work ? 0.05 + 0.95 * plateau(hour, 7.5, 15.5, 0.4) - 0.1 * clockGauss(hour, 12, 0.4) : 0.05;
    case 'market':
      return (0.1 + 0.9 * plateau(hour, 4, 11, 0.6) + 0.6 * plateau(hour, 16, 20, 0.5)) * (work ? 1 : 1.1);
    case 'health':
      return work ? 0.1 + 0.9 * plateau(hour, 8, 16, 0.5) : 0.1 + 0.3 * plateau(hour, 8, 16, 0.5);
    case 'plant':
      return 0.5 + 0.5 * clockGauss(hour, 6.5, 1.5) + 0.5 * clockGauss(hour, 18.5, 2);
  }
}

/** occupancy sampled every 15 min; power is interpolated linearly between samples so its integral is exact */
const STEPS = 96;
const STEP_H = 24 / STEPS;
const tables = new Map<string, { samples: number[]; cumulative: number[] }>();

function occupancyTable(building: Building, dayType: DayType): { samples: number[]; cumulative: number[] } {
  const key = `${building}/${dayType}`;
  let table = tables.get(key);
  if (!table) {
    const samples = Array.from({ length: STEPS + 1 }, (_, i) => occupancy(building, dayType, i * STEP_H));
    const cumulative = [0];
    for (let i = 0; i < STEPS; i++) cumulative.push(cumulative[i]! + ((samples[i]! + samples[i + 1]!) / 2) * STEP_H);
    table = { samples, cumulative };
    tables.set(key, table);
  }
  return table;
}

/** occupancy at `hour` and its integral from midnight, in occupancy-hours */
function occupancyAt(building: Building, dayType: DayType, hour: number): { now: number; soFar: number } {
  const { samples, cumulative } = occupancyTable(building, dayType);
  const i = Math.min(STEPS - 1, Math.floor(hour / STEP_H));
  const x = hour - i * STEP_H;
  const a = samples[i]!;
  const b = samples[i + 1]!;
  return { now: a + ((b - a) * x) / STEP_H, soFar: cumulative[i]! + a * x + ((b - a) * x * x) / (2 * STEP_H) };
}

const SONGKRAN = new Set(['04-13', '04-14', '04-15']);

function dayTypeOf(building: Building, dayIndex: number): DayType {
  const date = new Date(dayIndex * DAY_MS);
  const weekday = date.getUTCDay();
  const monthDay = date.toISOString().slice(5, 10);
  if (weekday === 0 || weekday === 6 || monthDay === '01-01' || monthDay === '12-31' || SONGKRAN.has(monthDay)) return 'restday';
  // school breaks: mid-March to mid-May and October
  if (building === 'school' && ((monthDay >= '03-15' && monthDay <= '05-15') || monthDay.startsWith('10-'))) return 'restday';
  return 'workday';
}

/** the day's load multiplier: air conditioning in the hot months and some day-to-day spread */
function dayFactor(device: SimDevice, dayIndex: number): number {
  const cooling = 1 + 0.04 * (normalTemperatureC(device.region, dayIndex * DAY_MS + 5 * HOUR_MS) - 26);
  return cooling * (0.92 + 0.16 * hashUnit(device.id, 'load-day', dayIndex));
}

function dailyKwh(device: SimDevice, p: EnergyProfile, dayIndex: number): number {
  const occupancyHours = occupancyTable(p.building, dayTypeOf(p.building, dayIndex)).cumulative[STEPS]!;
  return dayFactor(device, dayIndex) * (p.baseKw * 24 + p.peakKw * occupancyHours);
}

function dailySolarKwh(device: SimDevice, p: EnergyProfile, solarDay: number): number {
  return p.solarKwp * PV_PERFORMANCE * dailyClearness(device.cityId, device.region, solarDay) * dailySunHours(device.lat, solarDay);
}

/** Σ perDay(d) for epoch <= d < dayIndex, extended from the cached sum when time moves forward */
function sumBefore(cache: { dayIndex: number; kwhBefore: number } | undefined, dayIndex: number, epochDay: number, perDay: (d: number) => number): { dayIndex: number; kwhBefore: number } {
  let from = epochDay;
  let total = 0;
  if (cache && cache.dayIndex <= dayIndex) {
    from = cache.dayIndex;
    total = cache.kwhBefore;
  }
  for (let d = Math.max(from, epochDay); d < dayIndex; d++) total += perDay(d);
  return { dayIndex, kwhBefore: total };
}

export interface EnergyModel {
  /** building consumption without measurement noise, kW */
  loadKw: number;
  occupancy: number;
  importKwh: number;
  solarKw: number;
  solarKwh: number;
}

/** the noise-free meter model at tMs (counters before the meter epoch stay at their initial readings) */
export function energyModel(device: SimDevice, tMs: number, state: PatternState): EnergyModel {
  const p = device.profile as EnergyProfile;
  const t = Math.max(tMs, METER_EPOCH_MS);
  const lt = localTime(t);
  const dayType = dayTypeOf(p.building, lt.dayIndex);
  const occ = occupancyAt(p.building, dayType, lt.hour);
  const factor = dayFactor(device, lt.dayIndex);
  state.importDays = sumBefore(state.importDays, lt.dayIndex, METER_EPOCH_DAY, (d) => dailyKwh(device, p, d));
  const importKwh = p.initialImportKwh + state.importDays.kwhBefore + factor * (p.baseKw * lt.hour + p.peakKw * occ.soFar);
  const model: EnergyModel = { loadKw: factor * (p.baseKw + p.peakKw * occ.now), occupancy: occ.now, importKwh, solarKw: 0, solarKwh: p.initialSolarKwh };
  if (p.solarKwp > 0) {
    const solarDay = solarDayIndex(device.lon, t);
    const epochSolarDay = solarDayIndex(device.lon, METER_EPOCH_MS);
    state.solarDays = sumBefore(state.solarDays, solarDay, epochSolarDay, (d) => dailySolarKwh(device, p, d));
    const perSunHour = p.solarKwp * PV_PERFORMANCE * dailyClearness(device.cityId, device.region, solarDay);
    model.solarKw = perSunHour * sunHeight(device.lat, device.lon, t);
    model.solarKwh = p.initialSolarKwh + state.solarDays.kwhBefore + perSunHour * sunHoursSoFar(device.lat, device.lon, t);
  }
  return model;
}

export function energyValues(device: SimDevice, tMs: number, state: PatternState, rng: Rng): Record<string, number> {
  const p = device.profile as EnergyProfile;
  const m = energyModel(device, tMs, state);
  const activePower = Math.max(0, m.loadKw * (1 + rng.normal(0, 0.02)));
  const share = activePower / (p.baseKw + p.peakKw * 1.3);
  const voltage = clamp(NOMINAL_VOLTAGE + 2 - 6 * share + rng.normal(0, 0.8), 215, 245);
  const powerFactor = clamp(0.9 + 0.06 * m.occupancy + rng.normal(0, 0.01), 0.8, 0.99);
  const values: Record<string, number> = {
    activePower: round(activePower, 2),
    totalActiveEnergyImport: round(m.importKwh, 2),
    voltage: round(voltage, 1),
    // per-phase current of a three-phase 400/230 V supply
    current: round((activePower * 1000) / (3 * voltage * powerFactor), 1),
    powerFactor: round(powerFactor, 3),
  };
  if (p.solarKwp > 0) {
    values.solarPower = m.solarKw > 0 ? round(m.solarKw * (1 + rng.normal(0, 0.02)), 2) : 0;
    values.solarEnergyGenerated = round(m.solarKwh, 2);
  }
  return values;
}

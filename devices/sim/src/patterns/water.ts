import type { Region } from '../cities.ts';
import type { Rng } from '../rng.ts';
import type { SimDevice, WaterProfile } from '../types.ts';
import { airTemperatureC, localTime, monthly, normalTemperatureC, recentRainMm, type MonthTable } from './climate.ts';
import { clamp, diurnal, round } from './curves.ts';
import type { PatternState } from './state.ts';

/**
 * Water-quality sondes. Dissolved oxygen follows saturation at the water temperature, scaled by
 * how clean the water body is (its assigned class), with a daily cycle from photosynthesis (low
 * at dawn, high mid-afternoon) and a drop after rain, when runoff brings organic load. Rain also
 * brings turbidity spikes, first-flush BOD, dilution of conductivity and a rising water level;
 * the monsoon (May-October) raises the level for months.
 */

/** how full the rivers are, 0-1, peaking at the end of the monsoon */
const WET_LEVEL: Record<Region, MonthTable> = {
  north: [0.1, 0.05, 0.03, 0.05, 0.15, 0.3, 0.45, 0.7, 0.9, 0.7, 0.35, 0.2],
  central: [0.15, 0.08, 0.05, 0.05, 0.12, 0.25, 0.35, 0.55, 0.85, 0.95, 0.6, 0.3],
  northeast: [0.1, 0.05, 0.03, 0.05, 0.15, 0.3, 0.45, 0.75, 0.95, 0.7, 0.3, 0.15],
  south: [0.3, 0.15, 0.1, 0.15, 0.35, 0.45, 0.5, 0.5, 0.6, 0.7, 0.8, 0.6],
};

const BY_CLASS = {
  2: { saturation: 0.92, swing: 0.4, ph: 7.3, bod: 1.0, conductivity: 180 },
  3: { saturation: 0.68, swing: 0.8, ph: 7.1, bod: 1.7, conductivity: 280 },
  4: { saturation: 0.38, swing: 1.0, ph: 6.9, bod: 3.3, conductivity: 450 },
} as const;
const BY_BODY = {
  reservoir: { turbidity: 4, rainTurbidity: 1.5, rainSensitivity: 0.5 },
  river: { turbidity: 18, rainTurbidity: 6, rainSensitivity: 1 },
  canal: { turbidity: 25, rainTurbidity: 4, rainSensitivity: 1.5 },
} as const;

/** oxygen solubility in fresh water at 1 atm, mg/L (APHA polynomial, valid 0-40 °C) */
export function oxygenSaturation(tempC: number): number {
  return 14.652 - 0.41022 * tempC + 0.007991 * tempC ** 2 - 0.000077774 * tempC ** 3;
}

export function waterValues(device: SimDevice, tMs: number, _state: PatternState, rng: Rng): Record<string, number> {
  const p = device.profile as WaterProfile;
  const c = BY_CLASS[p.waterClass];
  const b = BY_BODY[p.body];
  const lt = localTime(tMs);
  const photosynthesis = diurnal(lt.hour);
  const rainDay = recentRainMm(device.cityId, device.region, tMs, 24, 6);
  const rainTwoDays = recentRainMm(device.cityId, device.region, tMs, 48, 18);
  const wet = monthly(WET_LEVEL[device.region], lt);

  // water lags and damps the air temperature
  const normal = normalTemperatureC(device.region, tMs);
  const temperature = normal - 0.5 + 0.35 * (airTemperatureC(device.cityId, device.region, tMs - 2 * 3_600_000) - normal) + rng.normal(0, 0.1);
  const saturation = oxygenSaturation(temperature);
  const rainDrop = Math.min(2.5, 0.08 * rainTwoDays * b.rainSensitivity);
  const dissolvedOxygen = clamp(saturation * c.saturation + c.swing * photosynthesis - rainDrop + rng.normal(0, 0.1), 0.2, saturation * 1.2);

  const pH = clamp(c.ph + 0.25 * photosynthesis - Math.min(0.3, 0.01 * rainTwoDays) + rng.normal(0, 0.05), 6.4, 8.2);
  const bod = c.bod * (1 + Math.min(1.5, 0.03 * rainDay * b.rainSensitivity)) * Math.exp(rng.normal(0, 0.12));
  const turbidity = (b.turbidity * (1 + 0.5 * wet) + b.rainTurbidity * recentRainMm(device.cityId, device.region, tMs, 12, 4)) * Math.exp(rng.normal(0, 0.1));
  const conductivity = (c.conductivity / (1 + 0.01 * rainTwoDays + 0.4 * wet)) * (1 + rng.normal(0, 0.03));
  const waterLevel = p.baseLevelM + p.floodRiseM * (0.6 * wet + 0.4 * Math.min(1, rainTwoDays / 60)) + rng.normal(0, 0.01);

  return {
    temperature: round(temperature, 2),
    dissolvedOxygen: round(dissolvedOxygen, 2),
    pH: round(pH, 2),
    bod: round(bod, 2),
    turbidity: round(Math.min(turbidity, 1000), 1),
    conductivity: round(conductivity, 0),
    waterLevel: round(Math.max(0, waterLevel), 2),
  };
}

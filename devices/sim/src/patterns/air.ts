import type { Region } from '../cities.ts';
import { smoothNoise, type Rng } from '../rng.ts';
import type { AirProfile, SimDevice } from '../types.ts';
import { airTemperatureC, localTime, monthly, recentRainMm, relativeHumidity, type MonthTable } from './climate.ts';
import { clamp, clockGauss, round } from './curves.ts';
import { hazeLevel, type Episode } from './episode.ts';
import type { PatternState } from './state.ts';

/**
 * Air-quality stations. PM2.5 follows the regional season (the northern burning season,
 * February-April, is by far the worst; the monsoon washes the air clean) and the day: a morning
 * and an evening traffic peak, a night-time inversion that traps what was emitted, and an
 * afternoon low when the mixing layer is deep. Rain washes particles out. O3 peaks in the sunny
 * afternoon, NO2 and CO with traffic (CO also with biomass smoke), SO2 stays low.
 */

/** monthly mean PM2.5, µg/m³, rounded from PCD station averages of recent years */
const PM25_NORMAL: Record<Region, MonthTable> = {
  north: [35, 55, 85, 65, 22, 12, 10, 10, 11, 15, 22, 30],
  central: [45, 38, 30, 22, 15, 12, 12, 12, 12, 17, 28, 38],
  northeast: [40, 42, 40, 28, 15, 10, 9, 9, 10, 15, 25, 35],
  // southern haze from Sumatra and Kalimantan fires, August-October
  south: [12, 12, 14, 14, 12, 13, 14, 16, 20, 18, 12, 11],
};
/** afternoon O3 rise, ppb: sunny, stagnant dry season months */
const O3_RISE: Record<Region, MonthTable> = {
  north: [35, 45, 60, 55, 35, 22, 20, 20, 22, 28, 32, 32],
  central: [45, 50, 50, 45, 30, 22, 20, 20, 22, 30, 45, 45],
  northeast: [35, 42, 48, 45, 30, 20, 18, 18, 20, 28, 35, 35],
  south: [22, 24, 26, 26, 20, 18, 18, 20, 22, 20, 20, 22],
};
/** traffic gases are trapped more in the cool dry months */
const STAGNATION: MonthTable = [1.3, 1.3, 1.2, 1, 0.8, 0.7, 0.7, 0.7, 0.75, 0.9, 1.1, 1.3];

export function airValues(device: SimDevice, tMs: number, _state: PatternState, rng: Rng, episodes?: readonly Episode[]): Record<string, number> {
  const p = device.profile as AirProfile;
  const lt = localTime(tMs);
  const h = lt.hour;
  const inversion = clockGauss(h, 3, 3.5);
  const morning = clockGauss(h, 8, 1.3);
  const evening = clockGauss(h, 19.5, 2);
  const washout = 1 / (1 + recentRainMm(device.cityId, device.region, tMs, 12, 6) / 8);
  const dayToDay = 0.6 + 0.8 * smoothNoise(lt.dayIndex + h / 24, device.cityId, 'pm-day');

  const shape = 0.75 + 0.25 * inversion + p.traffic * (0.35 * morning + 0.45 * evening) - 0.3 * clockGauss(h, 14.5, 2.5);
  const background = monthly(PM25_NORMAL[device.region], lt) * p.localFactor * shape * dayToDay * washout;
  const haze = hazeLevel(episodes, device.cityId, tMs) * p.localFactor;
  const pm25 = Math.max(1, Math.max(background, haze) * (1 + rng.normal(0, 0.06)));
  const pm10 = pm25 * clamp(p.pm10Ratio + rng.normal(0, 0.05), 1.3, 2);

  const stagnation = monthly(STAGNATION, lt);
  const sunny = h > 7 && h < 18 ? Math.sin((Math.PI * (h - 7)) / 11) ** 1.5 : 0;
  const no2 = Math.max(1, (6 + p.traffic * (14 * morning + 18 * evening) + 6 * inversion) * stagnation * Math.sqrt(washout) * (1 + rng.normal(0, 0.1)));
  const o3 = Math.max(1, 10 * (1 - 0.3 * inversion) + monthly(O3_RISE[device.region], lt) * sunny * (0.7 + 0.6 * dayToDay) - 0.2 * no2 + rng.normal(0, 2));
  const co = Math.max(0.05, (0.25 + p.traffic * (0.5 * morning + 0.6 * evening)) * stagnation + 0.006 * pm25) * (1 + rng.normal(0, 0.08));
  const so2 = Math.max(0.2, 1.5 + 1.5 * p.traffic * clockGauss(h, 9, 3) + rng.normal(0, 0.3));

  const quietBase = p.setting === 'roadside' ? 64 + 4 * p.traffic : p.setting === 'residential' ? 54 + 3 * p.traffic : 48;
  const noise = quietBase - 9 * clockGauss(h, 3, 2.5) + 3 * (clockGauss(h, 8, 1.5) + clockGauss(h, 18, 2)) + rng.normal(0, 1.5);
  const roadsideHeat = p.setting === 'roadside' ? 0.5 : 0;

  return {
    pm25: round(pm25, 1),
    pm10: round(pm10, 1),
    o3: round(o3, 1),
    no2: round(no2, 1),
    so2: round(so2, 1),
    co: round(co, 2),
    temperature: round(airTemperatureC(device.cityId, device.region, tMs) + roadsideHeat + rng.normal(0, 0.2), 1),
    humidity: round(clamp(relativeHumidity(device.cityId, device.region, tMs) + rng.normal(0, 1), 5, 100), 1),
    noise: round(clamp(noise, 35, 95), 1),
  };
}

import type { Domain } from '@mueang/core';
import type { Rng } from '../rng.ts';
import type { SimDevice } from '../types.ts';
import { airValues } from './air.ts';
import { energyValues } from './energy.ts';
import type { Episode } from './episode.ts';
import type { PatternState } from './state.ts';
import { waterValues } from './water.ts';
import { wasteValues } from './waste.ts';

export type Pattern = (device: SimDevice, tMs: number, state: PatternState, rng: Rng, episodes?: readonly Episode[]) => Record<string, number>;

export const PATTERNS: Record<Domain, Pattern> = {
  air: airValues,
  water: waterValues,
  energy: energyValues,
  waste: wasteValues,
};

/** the device's reading at tMs in canonical units (lidOpen as 1/0) */
export function deviceValues(device: SimDevice, tMs: number, state: PatternState, rng: Rng, episodes?: readonly Episode[]): Record<string, number> {
  return PATTERNS[device.domain](device, tMs, state, rng, episodes);
}

export { airValues } from './air.ts';
export { waterValues, oxygenSaturation } from './water.ts';
export { energyValues, energyModel, type EnergyModel } from './energy.ts';
export { wasteValues, fillLevel, lastCollection } from './waste.ts';
export { hazeLevel, validateEpisode, type Episode, type HazeEpisode } from './episode.ts';
export { newPatternState, type PatternState } from './state.ts';
export { sunElevationDeg, sunHeight } from './solar.ts';
export { localTime, rainMmPerHour, airTemperatureC, relativeHumidity, type LocalTime } from './climate.ts';

/** All standards data: every edition of every standard, the Thai AQI tables and the sources they cite. */
import type { Standard } from '../types.ts';
import { AIR_STANDARDS } from './air.ts';
import { EFFLUENT_STANDARDS } from './effluent.ts';
import { NOISE_STANDARDS } from './noise.ts';
import { SURFACE_WATER_STANDARDS } from './surface-water.ts';
import { TAP_WATER_STANDARDS } from './tap-water.ts';

export * from './aqi-tables.ts';
export { STANDARD_SOURCES, type StandardSource } from './sources.ts';
export { AIR_STANDARDS, EFFLUENT_STANDARDS, NOISE_STANDARDS, SURFACE_WATER_STANDARDS, TAP_WATER_STANDARDS };

export const STANDARDS: readonly Standard[] = [...AIR_STANDARDS, ...SURFACE_WATER_STANDARDS, ...EFFLUENT_STANDARDS, ...NOISE_STANDARDS, ...TAP_WATER_STANDARDS];

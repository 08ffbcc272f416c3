import { SimInputError, show } from '../errors.ts';

/**
 * A haze episode: a city's PM2.5 climbs to `peak` µg/m³, holds there and falls back, so that the
 * 24 h standard (37.5 µg/m³) is visibly exceeded and then met again.
 */
export interface HazeEpisode {
  kind: 'haze';
  startMs: number;
  durationMs: number;
  /** PM2.5 at the height of the episode, µg/m³ */
  peak: number;
  /** the city affected; all cities when omitted */
  cityId?: string;
}

export type Episode = HazeEpisode;

/** the PM2.5 level of the episode at tMs, 0 outside it: a quarter of the time rising, a third falling */
export function hazeLevel(episodes: readonly Episode[] | undefined, cityId: string, tMs: number): number {
  let level = 0;
  for (const e of episodes ?? []) {
    if (e.kind !== 'haze' || (e.cityId !== undefined && e.cityId !== cityId)) continue;
    const x = (tMs - e.startMs) / e.durationMs;
    if (x < 0 || x > 1) continue;
    const shape = x < 0.25 ? smoothstep(x / 0.25) : x > 2 / 3 ? smoothstep((1 - x) / (1 / 3)) : 1;
    level = Math.max(level, e.peak * shape);
  }
  return level;
}

function smoothstep(x: number): number {
  return x * x * (3 - 2 * x);
}

export function validateEpisode(value: unknown, field = 'episode'): Episode {
  const e = value as Partial<HazeEpisode> | null;
  if (typeof e !== 'object' || e === null) throw new SimInputError(field, `expected { kind: 'haze', startMs, durationMs, peak }, got ${show(value)}`);
  if (e.kind !== 'haze') throw new SimInputError(`${field}.kind`, `${show(e.kind)} is not an episode kind; the simulator knows 'haze'`);
  if (typeof e.startMs !== 'number' || !Number.isFinite(e.startMs)) throw new SimInputError(`${field}.startMs`, `expected epoch milliseconds, got ${show(e.startMs)}`);
  if (typeof e.durationMs !== 'number' || !(e.durationMs > 0)) throw new SimInputError(`${field}.durationMs`, `expected a positive duration in ms, got ${show(e.durationMs)}`);
  if (typeof e.peak !== 'number' || !(e.peak > 0 && e.peak <= 500)) {
    throw new SimInputError(`${field}.peak`, `expected a PM2.5 level above 0 and at most 500 µg/m³, got ${show(e.peak)}`);
  }
  if (e.cityId !== undefined && typeof e.cityId !== 'string') throw new SimInputError(`${field}.cityId`, `expected a city id, got ${show(e.cityId)}`);
  return { kind: 'haze', startMs: e.startMs, durationMs: e.durationMs, peak: e.peak, ...(e.cityId !== undefined ? { cityId: e.cityId } : {}) };
}

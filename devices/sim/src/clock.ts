import { SimInputError, show } from './errors.ts';

/**
 * The simulation clock that stamps readings: real time by default, or a simulated clock that
 * starts at `startMs` and runs `speed` times faster than real time (speed 1440 shows a day in a
 * minute). A sped-up clock that starts in the past never runs ahead of real time: when it
 * catches up it goes on at real time, because ingest rejects readings from the future.
 */
export interface SimClock {
  now(): number;
  readonly speed: number;
}

export interface ClockOptions {
  /** sim time at the start; default: the real time now */
  startMs?: number;
  /** sim milliseconds per real millisecond; default 1 */
  speed?: number;
}

export function createClock(options: ClockOptions = {}, realNow: () => number = Date.now): SimClock {
  const speed = options.speed ?? 1;
  if (typeof speed !== 'number' || !(speed > 0) || !Number.isFinite(speed)) {
    throw new SimInputError('clock.speed', `expected a positive number (1 = real time), got ${show(speed)}`);
  }
  if (options.startMs === undefined && speed === 1) return { now: () => realNow(), speed };
  const startMs = options.startMs ?? realNow();
  if (typeof startMs !== 'number' || !Number.isFinite(startMs)) {
    throw new SimInputError('clock.startMs', `expected epoch milliseconds, got ${show(startMs)}`);
  }
  const realStart = realNow();
  const catchUp = startMs <= realStart;
  return {
    now: () => {
      const real = realNow();
      const sim = Math.floor(startMs + (real - realStart) * speed);
      return catchUp && sim > real ? real : sim;
    },
    speed,
  };
}

import { describe, expect, it } from 'vitest';
import { createClock, SimInputError } from '../src/index.ts';

describe('sim clock', () => {
  it('is real time by default', () => {
    let real = 1_000_000;
    const clock = createClock({}, () => real);
    real += 5000;
    expect(clock.now()).toBe(1_005_000);
  });

  it('runs `speed` times faster from its start, and never ahead of real time when it started in the past', () => {
    let real = Date.UTC(2026, 0, 10);
    const start = real - 86_400_000;
    const clock = createClock({ startMs: start, speed: 1440 }, () => real);
    real += 30_000;
    expect(clock.now()).toBe(start + 30_000 * 1440);
    real += 60_000;
    // a day of sim time has passed: caught up with real time, and stays with it
    expect(clock.now()).toBe(real);
    real += 1000;
    expect(clock.now()).toBe(real);
  });

  it('may run in the future when asked to start there', () => {
    let real = 0;
    const clock = createClock({ startMs: 10_000_000, speed: 2 }, () => real);
    real += 1000;
    expect(clock.now()).toBe(10_002_000);
  });

  it('refuses a speed that is not a positive number', () => {
    expect(() => createClock({ speed: 0 })).toThrow(SimInputError);
    expect(() => createClock({ speed: Number.NaN })).toThrow(/clock.speed: expected a positive number/);
    expect(() => createClock({ startMs: Number.POSITIVE_INFINITY, speed: 2 })).toThrow(/clock.startMs/);
  });
});

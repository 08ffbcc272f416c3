import { describe, expect, it } from 'vitest';
import {
  calendarDayMean,
  calendarWindow,
  calendarYearMean,
  leqOfLevels,
  linearPercentile,
  rollingMean,
  rollingWindow,
  summarizeWindow,
  windowCoverage,
  windowLeq,
  windowMax,
  windowPercentile,
  type WindowResult,
  type WindowSample,
} from '../../src/standards/index.ts';
import { DAY, HOUR, bkk, repeat, seriesEndingAt } from './helpers.ts';

function value(result: WindowResult): number {
  if (result.status !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.value;
}

describe('completeness (>= 75 % of expected samples)', () => {
  // 24 h cut into 100 slots of 14.4 min
  const interval = DAY / 100;
  const end = bkk('2024-03-01T12:00');
  const oneSamplePerSlot = (slots: number): WindowSample[] => seriesEndingAt(end, interval, repeat(10, slots));

  it('74 % -> insufficient data, with the number required', () => {
    const result = rollingMean(oneSamplePerSlot(74), end, DAY, { expectedIntervalMs: interval });
    expect(result).toMatchObject({ status: 'insufficient-data', completeness: 0.74, samples: 74, required: 75, expected: 100 });
  });

  it('75 % -> ok', () => {
    const result = rollingMean(oneSamplePerSlot(75), end, DAY, { expectedIntervalMs: interval });
    expect(result).toMatchObject({ status: 'ok', value: 10, completeness: 0.75, samples: 75 });
  });

  it('a burst of readings in one slot counts as one slot', () => {
    const burst = Array.from({ length: 200 }, (_, i) => ({ ts: end - i, value: 10 }));
    const coverage = windowCoverage(burst, rollingWindow(end, DAY), interval);
    expect(coverage).toEqual({ expected: 100, covered: 1, completeness: 0.01, samples: 200 });
    expect(rollingMean(burst, end, DAY, { expectedIntervalMs: interval }).status).toBe('insufficient-data');
  });

  it('samples with non-finite time or value are ignored', () => {
    const samples = [...oneSamplePerSlot(75), { ts: end, value: Number.NaN }, { ts: Number.NaN, value: 1 }];
    expect(rollingMean(samples, end, DAY, { expectedIntervalMs: interval })).toMatchObject({ status: 'ok', value: 10, samples: 75 });
  });

  it('a caller may ask for a stricter rule', () => {
    const result = rollingMean(oneSamplePerSlot(80), end, DAY, { expectedIntervalMs: interval, minCompleteness: 0.9 });
    expect(result).toMatchObject({ status: 'insufficient-data', required: 90 });
  });

  it('bad arguments give an error value, not an exception', () => {
    const samples = oneSamplePerSlot(80);
    expect(rollingMean(samples, end, DAY, { expectedIntervalMs: 0 })).toMatchObject({ status: 'invalid', error: { code: 'window.interval' } });
    expect(rollingMean(samples, end, -DAY, { expectedIntervalMs: HOUR })).toMatchObject({ status: 'invalid', error: { code: 'window.range' } });
    expect(windowPercentile(samples, rollingWindow(end, DAY), 120, { expectedIntervalMs: interval })).toMatchObject({
      status: 'invalid',
      error: { code: 'window.percentile' },
    });
  });
});

describe('rolling windows', () => {
  const end = bkk('2024-03-01T12:00');

  it('(t - period, t]: includes the sample at t, excludes the one at t - period', () => {
    const samples = [
      { ts: end - HOUR, value: 1000 },
      { ts: end - 30 * 60_000, value: 10 },
      { ts: end, value: 20 },
    ];
    expect(value(rollingMean(samples, end, HOUR, { expectedIntervalMs: 30 * 60_000 }))).toBe(15);
  });

  it('means weigh each expected-interval slot equally', () => {
    // 1 h in 4 slots of 15 min: slot 1 has three readings at 0, slots 2-4 one reading at 40 each
    const q = 15 * 60_000;
    const samples = [
      { ts: end - HOUR + 60_000, value: 0 },
      { ts: end - HOUR + 120_000, value: 0 },
      { ts: end - HOUR + 180_000, value: 0 },
      { ts: end - 2 * q, value: 40 },
      { ts: end - q, value: 40 },
      { ts: end, value: 40 },
    ];
    // slot means 0, 40, 40, 40 -> 30 (a plain mean of the readings would be 20)
    expect(value(rollingMean(samples, end, HOUR, { expectedIntervalMs: q }))).toBe(30);
  });

  it('order of the samples does not matter', () => {
    const samples = seriesEndingAt(end, HOUR, [5, 10, 15, 20, 25, 30, 35, 40]).reverse();
    expect(value(rollingMean(samples, end, 8 * HOUR, { expectedIntervalMs: HOUR }))).toBe(22.5);
    expect(value(windowMax(samples, rollingWindow(end, 8 * HOUR), { expectedIntervalMs: HOUR }))).toBe(40);
    expect(value(summarizeWindow(samples, rollingWindow(end, 8 * HOUR), { kind: 'latest' }, { expectedIntervalMs: HOUR }))).toBe(40);
  });
});

describe('calendar windows (Asia/Bangkok)', () => {
  it('a calendar day runs from 00:00 to 24:00 Bangkok time', () => {
    const hourly = Array.from({ length: 24 }, (_, h) => ({ ts: bkk('2024-03-01T00:00') + h * HOUR, value: 10 }));
    const samples = [
      ...hourly,
      { ts: bkk('2024-02-29T23:59'), value: 1000 },
      { ts: bkk('2024-03-02T00:00'), value: 1000 },
    ];
    const result = calendarDayMean(samples, bkk('2024-03-01T15:00'), { expectedIntervalMs: HOUR });
    expect(result).toMatchObject({ status: 'ok', value: 10, samples: 24, completeness: 1 });
    expect(calendarWindow('day', bkk('2024-03-01T00:30'))).toEqual({
      startMs: Date.parse('2024-02-29T17:00:00Z'),
      endMs: Date.parse('2024-03-01T17:00:00Z'),
      closed: 'start',
    });
  });

  it('calendar year mean is the arithmetic mean of the Bangkok year', () => {
    // 2023: 200 days at 10, 165 days at 20 -> (2000 + 3300) / 365
    const start = bkk('2023-01-01T12:00');
    const samples = Array.from({ length: 365 }, (_, d) => ({ ts: start + d * DAY, value: d < 200 ? 10 : 20 }));
    samples.push({ ts: bkk('2024-01-01T00:00'), value: 1_000_000 });
    const result = calendarYearMean(samples, bkk('2023-07-01T00:00'), { expectedIntervalMs: DAY });
    expect(value(result)).toBeCloseTo(5300 / 365, 10);
  });

  it('a leap year has 366 daily slots; a month its own length', () => {
    const year = calendarWindow('year', bkk('2024-06-15T00:00'));
    expect(year.startMs).toBe(bkk('2024-01-01T00:00'));
    expect((year.endMs - year.startMs) / DAY).toBe(366);
    const feb = calendarWindow('month', bkk('2024-02-10T00:00'));
    expect((feb.endMs - feb.startMs) / DAY).toBe(29);
  });
});

describe('percentile (linear interpolation between closest ranks)', () => {
  const values = [7, 3, 10, 1, 5, 9, 2, 8, 4, 6];

  it('matches hand-computed values', () => {
    // sorted 1..10: P20 h = 9 × 0.2 = 1.8 -> 2 + 0.8 × (3 - 2) = 2.8
    expect(linearPercentile(values, 20)).toBeCloseTo(2.8, 12);
    // P80 h = 7.2 -> 8 + 0.2 × (9 - 8) = 8.2
    expect(linearPercentile(values, 80)).toBeCloseTo(8.2, 12);
    expect(linearPercentile(values, 50)).toBe(5.5);
    expect(linearPercentile(values, 0)).toBe(1);
    expect(linearPercentile(values, 100)).toBe(10);
    expect(linearPercentile([4.2], 20)).toBe(4.2);
    expect(linearPercentile([], 20)).toBeUndefined();
  });

  it('over a window', () => {
    const end = bkk('2024-03-01T12:00');
    const samples = seriesEndingAt(end, DAY, values);
    const result = windowPercentile(samples, rollingWindow(end, 10 * DAY), 20, { expectedIntervalMs: DAY });
    expect(value(result)).toBeCloseTo(2.8, 12);
  });
});

describe('Leq (10·log10(mean(10^(L/10))))', () => {
  it('matches hand-computed values', () => {
    // (10^6 + 10^7) / 2 = 5.5e6 -> 67.4036
    expect(leqOfLevels([60, 70])).toBeCloseTo(67.40363, 4);
    expect(leqOfLevels([65, 65, 65])).toBeCloseTo(65, 12);
    expect(leqOfLevels([])).toBeUndefined();
  });

  it('over 24 hourly levels', () => {
    const end = bkk('2024-03-01T12:00');
    const samples = seriesEndingAt(end, HOUR, [...repeat(80, 12), ...repeat(60, 12)]);
    // (10^8 + 10^6) / 2 = 5.05e7 -> 77.0329
    expect(value(windowLeq(samples, rollingWindow(end, DAY), { expectedIntervalMs: HOUR }))).toBeCloseTo(77.03291, 4);
  });
});

import { describe, expect, it } from 'vitest';
import {
  evaluateStandard,
  evaluateStandardInForce,
  getStandard,
  type Standard,
  type StandardEvaluation,
} from '../../src/standards/index.ts';
import { DAY, HOUR, bkk, repeat, seriesEndingAt } from './helpers.ts';

function standard(id: string, at: string): Standard {
  const found = getStandard(id, at);
  if (!found) throw new Error(`no ${id} in force on ${at}`);
  return found;
}

function verdict(result: StandardEvaluation): { status: string; value?: number } {
  return result.status === 'pass' || result.status === 'exceed' ? { status: result.status, value: result.value } : { status: result.status };
}

const hourly = { expectedIntervalMs: HOUR };

describe('PM2.5 24 h (rolling mean) after 2023-06-01', () => {
  const pm25 = standard('th-aaqs-pm25-24h', '2024-01-01');
  const at = bkk('2024-01-15T12:00');

  it('an exceedance shorter than the window does not exceed the 24 h standard', () => {
    // 20 h at 20 and 4 h at 100 µg/m³: every one of those 4 hours is far above 37.5, the 24 h mean is 33.3
    const samples = seriesEndingAt(at, HOUR, [...repeat(20, 20), ...repeat(100, 4)]);
    expect(verdict(evaluateStandard(pm25, samples, at, hourly))).toEqual({ status: 'pass', value: 33.3 });
  });

  it('a longer one does', () => {
    // 16 h at 20 and 8 h at 100 -> 46.7
    const samples = seriesEndingAt(at, HOUR, [...repeat(20, 16), ...repeat(100, 8)]);
    const result = evaluateStandard(pm25, samples, at, hourly);
    expect(result).toMatchObject({ status: 'exceed', value: 46.7, standardId: 'th-aaqs-pm25-24h', version: '2023-06-01', limit: { max: 37.5 }, unit: 'µg/m³' });
  });

  it('never passes on insufficient data', () => {
    const samples = seriesEndingAt(at, HOUR, repeat(5, 17));
    expect(evaluateStandard(pm25, samples, at, hourly)).toMatchObject({
      status: 'insufficient-data',
      completeness: 17 / 24,
      required: 18,
      standardId: 'th-aaqs-pm25-24h',
    });
    expect(evaluateStandard(pm25, [], at, hourly).status).toBe('insufficient-data');
  });

  it('compares the mean rounded to the AQI resolution (so AQI <= 100 exactly when met)', () => {
    expect(verdict(evaluateStandard(pm25, seriesEndingAt(at, HOUR, repeat(37.54, 24)), at, hourly))).toEqual({ status: 'pass', value: 37.5 });
    expect(verdict(evaluateStandard(pm25, seriesEndingAt(at, HOUR, repeat(37.55, 24)), at, hourly))).toEqual({ status: 'exceed', value: 37.6 });
  });

  it('bad options come back as an error value', () => {
    expect(evaluateStandard(pm25, [], at, { expectedIntervalMs: -1 })).toMatchObject({ status: 'invalid', error: { code: 'window.interval' } });
    expect(evaluateStandard(pm25, [], Number.NaN, hourly)).toMatchObject({ status: 'invalid', error: { code: 'evaluate.time' } });
  });
});

describe('the edition in force at the window end', () => {
  it('PM2.5 mean 45 passes the 50 standard on 2023-05-31 and exceeds 37.5 on 2023-06-01', () => {
    const before = bkk('2023-05-31T12:00');
    const after = bkk('2023-06-01T12:00');
    const resultBefore = evaluateStandardInForce('th-aaqs-pm25-24h', seriesEndingAt(before, HOUR, repeat(45, 24)), before, hourly);
    const resultAfter = evaluateStandardInForce('th-aaqs-pm25-24h', seriesEndingAt(after, HOUR, repeat(45, 24)), after, hourly);
    expect(resultBefore).toMatchObject({ status: 'pass', version: 'NEB-36/2553', limit: { max: 50 } });
    expect(resultAfter).toMatchObject({ status: 'exceed', version: '2023-06-01', limit: { max: 37.5 } });
  });

  it('an annual window is judged by the edition in force on its last day', () => {
    // evaluated in March 2022, the 2022 calendar year ends after the 2022-07-09 change to 15 µg/m³
    const start = bkk('2022-01-01T00:00');
    const samples = Array.from({ length: 365 }, (_, d) => ({ ts: start + d * DAY, value: 20 }));
    const result = evaluateStandardInForce('th-aaqs-pm25-1y', samples, bkk('2022-03-01T00:00'), { expectedIntervalMs: DAY });
    expect(result).toMatchObject({ status: 'exceed', value: 20, version: '2022-07-09', limit: { max: 15 } });
    const result2021 = evaluateStandardInForce('th-aaqs-pm25-1y', samples.map((s) => ({ ...s, ts: s.ts - 365 * DAY })), bkk('2021-03-01T00:00'), { expectedIntervalMs: DAY });
    expect(result2021).toMatchObject({ status: 'pass', limit: { max: 25 } });
  });

  it('unknown ids and dates before the first edition are error values', () => {
    expect(evaluateStandardInForce('th-aaqs-nope', [], bkk('2024-01-01T00:00'), hourly)).toMatchObject({ status: 'invalid', error: { code: 'standard.unknown' } });
    expect(evaluateStandardInForce('th-aaqs-pm25-24h', [], bkk('2005-01-01T00:00'), hourly)).toMatchObject({ status: 'invalid', error: { code: 'standard.not_in_force' } });
  });
});

describe('other statistics', () => {
  const at = bkk('2024-06-30T12:00');

  it('surface water DO class 2: P20 of a year of monthly samples must be >= 6.0 mg/L', () => {
    const doClass2 = standard('th-sw-do-class2', '2024-06-30');
    const monthly = { expectedIntervalMs: 30 * DAY };
    // sorted [5, 5, 7 × 10]: h = 11 × 0.2 = 2.2 -> 7
    const good = seriesEndingAt(at, 30 * DAY, [5, 5, ...repeat(7, 10)]);
    expect(verdict(evaluateStandard(doClass2, good, at, monthly))).toEqual({ status: 'pass', value: 7 });
    // sorted [5, 5, 5, 7 × 9]: 5 + 0.2 × (7 - 5) = 5.4
    const poor = seriesEndingAt(at, 30 * DAY, [5, 5, 5, ...repeat(7, 9)]);
    expect(verdict(evaluateStandard(doClass2, poor, at, monthly))).toEqual({ status: 'exceed', value: 5.4 });
    // three samples in a year are not enough for a percentile
    expect(evaluateStandard(doClass2, good.slice(-3), at, monthly).status).toBe('insufficient-data');
  });

  it('noise Leq 24 h <= 70 dBA', () => {
    const leq = standard('th-noise-leq-24h', '2024-06-30');
    // (10^7.5 + 10^6) / 2 -> 72.1
    const loud = seriesEndingAt(at, HOUR, [...repeat(75, 12), ...repeat(60, 12)]);
    expect(verdict(evaluateStandard(leq, loud, at, hourly))).toEqual({ status: 'exceed', value: 72 });
    expect(verdict(evaluateStandard(leq, seriesEndingAt(at, HOUR, repeat(68, 24)), at, hourly))).toEqual({ status: 'pass', value: 68 });
  });

  it('noise Lmax and tap-water ranges judge the latest reading', () => {
    const lmax = standard('th-noise-lmax', '2024-06-30');
    const minute = { expectedIntervalMs: 60_000 };
    expect(evaluateStandard(lmax, [{ ts: at, value: 116 }], at, minute)).toMatchObject({ status: 'exceed', value: 116 });
    expect(evaluateStandard(lmax, [{ ts: at - 30_000, value: 116 }, { ts: at, value: 90 }], at, minute).status).toBe('pass');
    // no reading within one interval -> insufficient
    expect(evaluateStandard(lmax, [{ ts: at - 120_000, value: 90 }], at, minute).status).toBe('insufficient-data');

    const ph = standard('th-tap-ph', '2024-06-30');
    const statusOf = (v: number) => evaluateStandard(ph, [{ ts: at, value: v }], at, minute).status;
    expect([6.4, 6.5, 7.0, 8.5, 8.6].map(statusOf)).toEqual(['exceed', 'pass', 'pass', 'pass', 'exceed']);
    const chlorine = standard('th-tap-free-chlorine-min', '2024-06-30');
    expect(evaluateStandard(chlorine, [{ ts: at, value: 0.1 }], at, minute).status).toBe('exceed');
    expect(evaluateStandard(chlorine, [{ ts: at, value: 0.3 }], at, minute).status).toBe('pass');
  });

  it('a maximum-type limit exceeded in an incomplete window is an exceedance, flagged partial', () => {
    const base = standard('th-aaqs-pm10-24h', '2024-06-30');
    const dailyMax: Standard = { ...base, id: 'test-pm10-max', statistic: 'max' };
    const above = seriesEndingAt(at, HOUR, [50, 130, 60]);
    expect(evaluateStandard(dailyMax, above, at, hourly)).toMatchObject({ status: 'exceed', value: 130, partial: true });
    const below = seriesEndingAt(at, HOUR, [50, 110, 60]);
    expect(evaluateStandard(dailyMax, below, at, hourly).status).toBe('insufficient-data');
    // the mean statistic never concludes on an incomplete window
    expect(evaluateStandard(base, above, at, hourly).status).toBe('insufficient-data');
  });
});

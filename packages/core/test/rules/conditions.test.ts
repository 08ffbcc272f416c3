import { describe, expect, it } from 'vitest';
import { evaluateCondition, type ConditionOutcome, type HourlyMean } from '../../src/index.ts';
import { DAY, HOUR, MINUTE, bkk, inputs, repeat, rule, series, type InputsSpec } from './helpers.ts';

const T = bkk('2025-01-15T12:00');

function judge(ruleId: string, conditionId: string, spec: InputsSpec, at = T): ConditionOutcome {
  const condition = rule(ruleId).conditions.find((c) => c.id === conditionId);
  if (!condition) throw new Error(`test setup: ${ruleId} has no condition ${conditionId}`);
  return evaluateCondition(condition, inputs(spec), at);
}

describe('standard condition (PM2.5 24 h rolling mean)', () => {
  const pm25 = (values: number[], end = T, step = HOUR) => ({ domain: 'air' as const, samples: { pm25: series(end, step, values) } });

  it('fires on a 24 h mean above 37.5, naming the edition, the value and the window', () => {
    const result = judge('air.pm25.24h', 'standard', pm25(repeat(40, 24)));
    expect(result).toMatchObject({ status: 'firing', parameter: 'pm25', value: 40, unit: 'µg/m³', standard: { id: 'th-aaqs-pm25-24h', version: '2023-06-01' } });
    expect(result.window).toEqual({ from: T - DAY, to: T });
  });

  it('does not fire on hours above the limit that leave the 24 h mean below it', () => {
    // four hours at 100 µg/m³ (each far above 37.5) in a day otherwise at 20: mean 33.3
    const result = judge('air.pm25.24h', 'standard', pm25([...repeat(20, 20), ...repeat(100, 4)]));
    expect(result.status).toBe('clear');
    expect(result.value).toBe(33.3);
  });

  it('holds inside the hysteresis band (35.6 to 37.5) instead of clearing', () => {
    expect(judge('air.pm25.24h', 'standard', pm25(repeat(36.5, 24))).status).toBe('hold');
    expect(judge('air.pm25.24h', 'standard', pm25(repeat(35.6, 24))).status).toBe('clear');
  });

  it('gives insufficient data, not a verdict, with fewer than 18 of 24 hours', () => {
    const result = judge('air.pm25.24h', 'standard', pm25(repeat(100, 17)));
    expect(result.status).toBe('insufficient');
    expect(result.detail).toMatch(/71 % of the window's slots hold data, 18 of 24 needed/);
    expect(judge('air.pm25.24h', 'standard', pm25(repeat(100, 18))).status).toBe('firing');
    // a burst of readings in few hours is still a gap
    expect(judge('air.pm25.24h', 'standard', pm25(repeat(100, 600), T, MINUTE)).status).toBe('insufficient');
  });

  it('uses the edition in force on the window day: 45 µg/m³ passes the 50 limit in May 2023, exceeds 37.5 in June', () => {
    const may = bkk('2023-05-20T12:00');
    const june = bkk('2023-06-10T12:00');
    expect(judge('air.pm25.24h', 'standard', pm25(repeat(45, 24), may), may)).toMatchObject({ status: 'clear', standard: { version: 'NEB-36/2553' } });
    expect(judge('air.pm25.24h', 'standard', pm25(repeat(45, 24), june), june)).toMatchObject({ status: 'firing', standard: { version: '2023-06-01' } });
  });

  it('is not applicable to a device that never sent the parameter', () => {
    expect(judge('air.pm25.24h', 'standard', { domain: 'air', samples: {} }).status).toBe('not-applicable');
  });

  it('judges O3 on its 8 h window: 7 h at 90 ppb and 1 h at 20 is a mean of 81 ppb, above 70', () => {
    const o3 = { domain: 'air' as const, samples: { o3: series(T, HOUR, [...repeat(20, 1), ...repeat(90, 7)]) } };
    expect(judge('air.o3.8h', 'standard', o3)).toMatchObject({ status: 'firing', value: 81, window: { from: T - 8 * HOUR, to: T } });
  });
});

describe('threshold condition', () => {
  const fill = (value: number, ageMs = 0) => ({ domain: 'waste' as const, samples: { fillingLevel: [{ ts: T - ageMs, value }] } });

  it('fires at the threshold, holds in the band, clears below the clear value', () => {
    expect(judge('waste.fill.high', 'fill', fill(80))).toMatchObject({ status: 'firing', value: 80, unit: '%' });
    expect(judge('waste.fill.high', 'fill', fill(70)).status).toBe('hold');
    expect(judge('waste.fill.high', 'fill', fill(60)).status).toBe('clear');
  });

  it('gives insufficient data when the latest reading is too old', () => {
    expect(judge('waste.fill.high', 'fill', fill(95, 2 * HOUR)).status).toBe('insufficient');
  });

  it('reads the dissolved-oxygen limit from the class 4 standard and names it', () => {
    const result = judge('water.do.low', 'low', { domain: 'water', samples: { dissolvedOxygen: [{ ts: T, value: 1.5 }] } });
    expect(result).toMatchObject({ status: 'firing', standard: { id: 'th-sw-do-class4' } });
    expect(judge('water.do.low', 'low', { domain: 'water', samples: { dissolvedOxygen: [{ ts: T, value: 2.2 }] } }).status).toBe('hold');
    expect(judge('water.do.low', 'low', { domain: 'water', samples: { dissolvedOxygen: [{ ts: T, value: 2.5 }] } }).status).toBe('clear');
  });

  it('judges voltage against 230 V ± 10 %', () => {
    const v = (value: number) => ({ domain: 'energy' as const, samples: { voltage: [{ ts: T, value }] } });
    expect(judge('energy.voltage.range', 'low', v(206.9)).status).toBe('firing');
    expect(judge('energy.voltage.range', 'low', v(207)).status).toBe('hold');
    expect(judge('energy.voltage.range', 'high', v(253.1)).status).toBe('firing');
    expect(judge('energy.voltage.range', 'high', v(230)).status).toBe('clear');
  });
});

describe('AQI band condition', () => {
  const pm25 = (value: number) => ({ domain: 'air' as const, samples: { pm25: series(T, HOUR, repeat(value, 24)) } });

  it('fires from band 4 as major and in band 5 as critical', () => {
    expect(judge('air.aqi.band', 'aqi', pm25(50))).toMatchObject({ status: 'firing', parameter: 'aqi', severity: 'major', standard: { id: 'th-aqi', version: '2023-06-01' } });
    const red = judge('air.aqi.band', 'aqi', pm25(80));
    expect(red).toMatchObject({ status: 'firing', severity: 'critical' });
    expect(red.value).toBeGreaterThan(200);
  });

  it('holds at AQI 96-100 and clears at 95 or less', () => {
    // 37 µg/m³ -> AQI 98; 36 -> 94
    expect(judge('air.aqi.band', 'aqi', pm25(37))).toMatchObject({ status: 'hold', value: 98 });
    expect(judge('air.aqi.band', 'aqi', pm25(36))).toMatchObject({ status: 'clear', value: 94 });
  });

  it('gives insufficient data when no pollutant window is complete', () => {
    expect(judge('air.aqi.band', 'aqi', { domain: 'air', samples: { pm25: series(T, HOUR, repeat(200, 6)) } }).status).toBe('insufficient');
  });
});

describe('offline and no-data conditions', () => {
  it('fires after 30 min without a reading and clears on a recent one', () => {
    expect(judge('ops.device.offline', 'no-data', { domain: 'air', lastSeenAt: T - 31 * MINUTE })).toMatchObject({ status: 'firing', value: 31 });
    expect(judge('ops.device.offline', 'no-data', { domain: 'air', lastSeenAt: T - 10 * MINUTE }).status).toBe('clear');
    expect(judge('ops.device.offline', 'no-data', { domain: 'air' }).status).toBe('not-applicable');
  });

  it('fires after 15 min offline on the broker, holds before that, clears when online', () => {
    expect(judge('ops.device.offline', 'offline', { domain: 'waste', status: { online: false, since: T - 20 * MINUTE } }).status).toBe('firing');
    expect(judge('ops.device.offline', 'offline', { domain: 'waste', status: { online: false, since: T - 5 * MINUTE } }).status).toBe('hold');
    expect(judge('ops.device.offline', 'offline', { domain: 'waste', status: { online: true, since: T - 5 * MINUTE } }).status).toBe('clear');
  });
});

describe('stuck sensor condition', () => {
  const pm25 = (values: number[]) => ({ domain: 'air' as const, samples: { pm25: series(T, 5 * MINUTE, values) } });

  it('fires on 12 identical readings over an hour and names the value', () => {
    const result = judge('ops.sensor.stuck', 'stuck', pm25([10.1, ...repeat(23.4, 13)]));
    expect(result).toMatchObject({ status: 'firing', parameter: 'pm25', value: 23.4 });
  });

  it('does not fire on a shorter run, nor on 12 identical readings within less than an hour', () => {
    expect(judge('ops.sensor.stuck', 'stuck', pm25([10.1, ...repeat(23.4, 11)])).status).toBe('clear');
    const fast = { domain: 'air' as const, samples: { pm25: series(T, MINUTE, repeat(23.4, 20)) } };
    expect(judge('ops.sensor.stuck', 'stuck', fast).status).toBe('clear');
  });

  it('gives insufficient data on a single reading', () => {
    expect(judge('ops.sensor.stuck', 'stuck', pm25([5])).status).toBe('insufficient');
  });
});

describe('consumption baseline condition', () => {
  function history(days: number, mean: number): HourlyMean[] {
    const todayStart = bkk('2025-01-15T00:00');
    const out: HourlyMean[] = [];
    for (let d = 1; d <= days; d++) for (let h = 0; h < 24; h++) out.push({ start: todayStart - d * DAY + h * HOUR, mean });
    return out;
  }
  const power = (value: number, days = 7) => ({
    domain: 'energy' as const,
    samples: { activePower: series(T, 5 * MINUTE, repeat(value, 12)) },
    hourlyMeans: { activePower: history(days, 10) },
  });

  it('fires when the hour is far above the same hour on previous days', () => {
    expect(judge('energy.consumption.baseline', 'baseline', power(20))).toMatchObject({ status: 'firing', value: 20, unit: 'kW' });
  });

  it('holds between 1.2 and 1.5 times the baseline and clears below', () => {
    expect(judge('energy.consumption.baseline', 'baseline', power(13)).status).toBe('hold');
    expect(judge('energy.consumption.baseline', 'baseline', power(11)).status).toBe('clear');
  });

  it('needs three previous days for a baseline', () => {
    expect(judge('energy.consumption.baseline', 'baseline', power(50, 2)).status).toBe('insufficient');
  });
});

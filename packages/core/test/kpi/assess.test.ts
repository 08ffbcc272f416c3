import { describe, expect, it } from 'vitest';
import {
  HOUR_MS,
  applyCatalogOverrides,
  assessCity,
  bangkokDateStart,
  defaultKpiCatalog,
  hourlyNeeds,
  leqUpperBound,
  nationalView,
  type AssessmentInput,
  type CityAssessment,
  type KpiCatalog,
  type RollupRow,
} from '../../src/index.ts';

const HOURLY: KpiCatalog = applyCatalogOverrides(defaultKpiCatalog(), { inputs: { reportingIntervalSeconds: { air: 3600, water: 3600, energy: 3600, waste: 3600 } } });

function row(period: '1h' | '1d', start: number, device: string, param: string, values: number[]): RollupRow {
  const sum = values.reduce((n, v) => n + v, 0);
  return { period, start, city: 'c', site: `s-${device}`, device, domain: 'air', param, mean: sum / values.length, min: Math.min(...values), max: Math.max(...values), count: values.length, sum };
}

function input(daily: RollupRow[], hourly: RollupRow[] = [], days = { from: '2024-01-10', to: '2024-01-10' }): AssessmentInput {
  const devices = [...new Set(daily.map((r) => r.device))].map((id) => ({ id, siteId: `s-${id}`, domain: 'air' as const, name: null, status: 'active' as const, createdAt: Date.parse('2030-01-01') }));
  return { city: { id: 'c', name: 'C', nameTh: null }, period: days, sites: devices.map((d) => ({ id: d.siteId, name: d.siteId, nameTh: null, waterClass: null })), devices, daily, hourly };
}

const DAY = bangkokDateStart('2024-01-10');

describe('completeness of a station-day (75 % of the expected readings)', () => {
  it('counts a day with 18 of 24 hourly readings and not one with 17', () => {
    const a = assessCity(input([row('1d', DAY, 'full', 'pm25', Array(18).fill(20)), row('1d', DAY, 'short', 'pm25', Array(17).fill(20))]), HOURLY);
    const k = a.kpis.find((v) => v.id === 'air.pm25-station-days')!;
    expect(k.details).toMatchObject({ stationDaysExpected: 2, stationDaysValid: 1, stationDaysWithin: 1 });
    // 1 of 2 station-days valid: below 75 %, so no value however good the valid day was
    expect(k).toMatchObject({ status: 'insufficient_data', value: null, score: 0, completeness: 0.5 });
  });
});

describe('noise from daily rollups, hourly only when needed', () => {
  const levels = (high: number, hours: number, low: number) => [...Array(hours).fill(high), ...Array(24 - hours).fill(low)];

  it('bounds Leq between the mean and the maximum', () => {
    expect(leqUpperBound(50, 50, 80)).toBeCloseTo(50, 10);
    expect(leqUpperBound(50, 80, 80)).toBeCloseTo(80, 10);
    // half at 75 and half at 55 is the extreme distribution with mean 65: its Leq is the bound
    expect(leqUpperBound(55, 65, 75)).toBeCloseTo(10 * Math.log10((10 ** 7.5 + 10 ** 5.5) / 2), 10);
  });

  it('plans hourly rollups only for an undecidable day and judges it from them', () => {
    const daily = [
      row('1d', DAY, 'quiet', 'noise', levels(69, 24, 69)),
      row('1d', DAY, 'loud', 'noise', levels(71, 24, 71)),
      // a short burst above 70: the bound decides it is within
      row('1d', DAY, 'burst', 'noise', levels(80, 1, 50)),
      row('1d', DAY, 'mixed', 'noise', levels(75, 12, 55)),
    ];
    const needs = hourlyNeeds(input(daily), HOURLY);
    expect(needs).toEqual([{ device: 'mixed', domain: 'air', params: ['noise'], from: DAY, to: DAY + 24 * HOUR_MS }]);
    const hourly = levels(75, 12, 55).map((v, h) => row('1h', DAY + h * HOUR_MS, 'mixed', 'noise', [v]));
    const k = assessCity(input(daily, hourly), HOURLY).kpis.find((v) => v.id === 'noise.days-within-standard')!;
    expect(k.details).toMatchObject({ stationDaysValid: 4, stationDaysWithin: 2, decidedBy: { 'day-max': 1, 'day-mean': 1, 'upper-bound': 1, hours: 1 } });
  });

  it("judges a day by its rollup's Leq when it has one: no hourly rollups, the exact value in the details", () => {
    const leqOf = (values: number[]) => 10 * Math.log10(values.reduce((a, v) => a + 10 ** (v / 10), 0) / values.length);
    const withLeq = (r: RollupRow, values: number[]): RollupRow => ({ ...r, leq: leqOf(values) });
    // 12 h at 75 and 12 h at 55: Leq 72.0 exceeds; 4 h at 76, 10 h at 62 and 10 h at 40: Leq 68.6 is within although
    // the maximum and the mean-based bound (72.2) cannot tell; the same day without its Leq still needs its hours
    const loud = levels(75, 12, 55);
    const fine = [...Array(4).fill(76), ...Array(10).fill(62), ...Array(10).fill(40)];
    const daily = [withLeq(row('1d', DAY, 'loud', 'noise', loud), loud), withLeq(row('1d', DAY, 'fine', 'noise', fine), fine), row('1d', DAY, 'old', 'noise', fine)];
    expect(hourlyNeeds(input(daily), HOURLY)).toEqual([{ device: 'old', domain: 'air', params: ['noise'], from: DAY, to: DAY + 24 * HOUR_MS }]);
    const hourly = fine.map((v, h) => row('1h', DAY + h * HOUR_MS, 'old', 'noise', [v]));
    const assessment = assessCity(input(daily, hourly), HOURLY);
    const k = assessment.kpis.find((v) => v.id === 'noise.days-within-standard')!;
    expect(k.details).toMatchObject({ stationDaysValid: 3, stationDaysWithin: 2, decidedBy: { 'day-leq': 2, hours: 1 } });
    expect(leqOf(loud)).toBeCloseTo(72.03, 2);
    expect(leqOf(fine)).toBeCloseTo(68.6, 1);
    expect(leqUpperBound(40, daily[2]!.mean, 76)).toBeGreaterThan(70);
  });

  it('leaves an undecidable day out when its hourly rollups are missing', () => {
    const daily = [row('1d', DAY, 'mixed', 'noise', levels(75, 12, 55))];
    const k = assessCity(input(daily, []), HOURLY).kpis.find((v) => v.id === 'noise.days-within-standard')!;
    expect(k).toMatchObject({ status: 'insufficient_data', details: { stationDaysValid: 0 } });
  });
});

describe('O3 8-hour means from hourly rollups', () => {
  it('needs 6 of the 8 hours of a window', () => {
    const daily = [row('1d', DAY, 'st', 'o3', [...Array(23).fill(20), 200]), row('1d', DAY, 'st', 'pm25', Array(24).fill(10))];
    const needs = hourlyNeeds(input(daily), HOURLY);
    expect(needs).toEqual([{ device: 'st', domain: 'air', params: ['o3'], from: DAY - 7 * HOUR_MS, to: DAY + 24 * HOUR_MS }]);
    const hourlyFor = (present: number[]) => present.map((h) => row('1h', DAY + h * HOUR_MS, 'st', 'o3', [h === 23 ? 200 : 20]));
    const aqiOf = (hours: number[]) => assessCity(input(daily, hourlyFor(hours)), HOURLY).series[0]!;
    // hours 18-23 present: the window ending at 24:00 has 6 of 8 hours, mean (5·20 + 200) / 6 = 50 ppb
    // O3 50 ppb is AQI 50 (36-50 -> 26-50), above PM2.5 10 µg/m³ (AQI 17)
    expect(aqiOf([18, 19, 20, 21, 22, 23])).toMatchObject({ aqi: 50, aqiPollutant: 'o3' });
    const measurements = (hours: number[]) => assessCity(input(daily, hourlyFor(hours)), HOURLY).kpis.find((v) => v.id === 'air.measurements-within-standard')!.details;
    expect(measurements([18, 19, 20, 21, 22, 23])).toMatchObject({ measurementsValid: 2, measurementsWithin: 2 });
    // 5 hours: no window is complete enough, the O3 measurement of the day is not valid
    expect(measurements([19, 20, 21, 22, 23])).toMatchObject({ measurementsValid: 1 });
    // 2 hours at 200 in a complete window: (4·20 + 2·200) / 6 = 80 ppb > 70
    const two = [17, 18, 19, 20, 21, 22].map((h) => row('1h', DAY + h * HOUR_MS, 'st', 'o3', [h >= 21 ? 200 : 20]));
    expect(assessCity(input(daily, two), HOURLY).kpis.find((v) => v.id === 'air.measurements-within-standard')!.details).toMatchObject({ measurementsValid: 2, measurementsWithin: 1 });
  });
});

describe('national view', () => {
  function city(id: string, values: Record<string, number | null>): CityAssessment {
    return {
      city: { id, name: id, nameTh: null },
      kpis: Object.entries(values).map(([kid, value]) => ({ id: kid, status: value === null ? 'insufficient_data' : 'ok', value })),
    } as unknown as CityAssessment;
  }

  it('counts a city within standard only when its air was assessed and every assessed quality KPI meets the default target', () => {
    const view = nationalView({ from: '2024-01-01', to: '2024-12-31' }, [
      city('b-good', { 'air.pm25-station-days': 95, 'air.aqi-days': 92, 'air.pm25-annual-mean': 90, 'water.samples-within-class': null, 'noise.days-within-standard': 100 }),
      city('a-bad', { 'air.pm25-station-days': 95, 'air.aqi-days': 92, 'air.pm25-annual-mean': 120, 'water.samples-within-class': 85, 'noise.days-within-standard': 100 }),
      city('c-none', { 'air.pm25-station-days': null, 'air.aqi-days': null, 'air.pm25-annual-mean': null, 'water.samples-within-class': 100, 'noise.days-within-standard': null }),
    ]);
    expect(view).toMatchObject({ citiesAssessed: 3, citiesWithinStandard: 1, citiesNotWithinStandard: 1, citiesInsufficientData: 1, masterPlanTarget: { cities: 12 } });
    expect(view.cities.map((c) => [c.id, c.status])).toEqual([
      ['a-bad', 'not_within_standard'],
      ['b-good', 'within_standard'],
      ['c-none', 'insufficient_data'],
    ]);
    expect(view.cities[0]?.reasons[0]?.en).toBe('PM2.5 mean of the period as % of the annual standard: 120 % of standard, target 100 % of standard');
    expect(view.cities[1]?.reasons.map((r) => r.en)).toContain('Not assessed (insufficient data): Water samples within the assigned surface-water class');
  });
});

describe('waste overflow events', () => {
  function bin(id: string, max: number): RollupRow {
    return { period: '1d', start: DAY, city: 'c', site: `s-${id}`, device: id, domain: 'waste', param: 'fillingLevel', mean: max / 2, min: 0, max, count: 24, sum: 12 * max };
  }

  it('counts a bin-day at the overflow level (sensors cap at 100 %), as the overflow alert does', () => {
    const daily = [bin('at', 100), bin('below', 99.9), bin('over', 104)];
    const base = input([]);
    const devices = daily.map((r) => ({ id: r.device, siteId: r.site, domain: 'waste' as const, name: null, status: 'active' as const, createdAt: Date.parse('2030-01-01') }));
    const a = assessCity({ ...base, devices, sites: devices.map((d) => ({ id: d.siteId, name: d.siteId, nameTh: null, waterClass: null })), daily }, HOURLY);
    const k = a.kpis.find((v) => v.id === 'waste.overflow-events')!;
    expect(k.details).toMatchObject({ binDaysValid: 3, overflowEvents: 2, overflowPercent: 100 });
  });
});

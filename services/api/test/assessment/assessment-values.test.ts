import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCatalogOverrides, defaultKpiCatalog, hourlyNeeds, type CityAssessment, type KpiId, type KpiValue } from '@mueang/core';
import { openStateStore, openTelemetryStore, type StateStore, type TelemetryStore } from '@mueang/storage';
import { requireComponents, startInfluxd, type InfluxdHandle } from '@mueang/testkit';
import { loadAndAssess, stateAlertSource, writeKpiOverrides } from '../../src/assessment/index.ts';
import { CITY, OVERRIDES, PERIOD, loadAlerts, loadRegistry, loadTelemetry } from './fixture.ts';

const influxOk = await requireComponents('assessment KPIs on InfluxDB', 'influxd');

function kpi(a: CityAssessment, id: KpiId): KpiValue {
  const k = a.kpis.find((v) => v.id === id);
  if (!k) throw new Error(`no KPI ${id}`);
  return k;
}

/** The same hand-computed expectations on every backend (fixture.ts describes the history). */
function valueSuite(openTelemetry: () => Promise<TelemetryStore>): void {
  let state: StateStore;
  let telemetry: TelemetryStore;
  let a: CityAssessment;

  beforeAll(async () => {
    state = await openStateStore({ kind: 'pglite' });
    await loadRegistry(state);
    await loadAlerts(state);
    await writeKpiOverrides(state, CITY, OVERRIDES, 'test');
    telemetry = await openTelemetry();
    await loadTelemetry(telemetry);
    const city = (await state.getCity(CITY))!;
    a = (await loadAndAssess({ telemetry, state, alerts: stateAlertSource(state) }, city, PERIOD)).assessment;
  });
  afterAll(async () => {
    await telemetry?.close();
    await state?.close();
  });

  it('PM2.5 station-days: each day judged by the edition in force (50 until 31 May 2023, 37.5 after)', () => {
    const k = kpi(a, 'air.pm25-station-days');
    // a1: 45 ✓(50) 55 ✗(50) 40 ✗(37.5) 37.5 ✓ 20 ✓, day 6 has 10/24 readings; a2: 30 on 5 days (none on 2 June);
    // a3: 12/24 readings on its only day. Expected 6 + 6 + 1 = 13 station-days, valid 10, within 8.
    expect(k.status).toBe('ok');
    expect(k.value).toBe(80);
    expect(k.completeness).toBeCloseTo(10 / 13, 4);
    expect(k.details).toMatchObject({ stationDaysExpected: 13, stationDaysValid: 10, stationDaysWithin: 8 });
    expect(k.standards.map((s) => [s.id, s.version, s.limit.max, s.days])).toEqual([
      ['th-aaqs-pm25-24h', 'NEB-36/2553', 50, 2],
      ['th-aaqs-pm25-24h', '2023-06-01', 37.5, 4],
    ]);
    expect(k.notes[0]?.en).toMatch(/more than one edition/);
    // (80 - 60) / (90 - 60)
    expect(k.score).toBe(66.7);
    const stations = k.details.stations as Array<{ device: string; status: string; validDays: number; expectedDays: number }>;
    expect(stations.find((s) => s.device === 'a3')).toMatchObject({ status: 'insufficient_data', validDays: 0, expectedDays: 1 });
    expect(stations.find((s) => s.device === 'a1')).toMatchObject({ status: 'ok', validDays: 5, expectedDays: 6 });
  });

  it('AQI days: worst station per day, O3 from hourly rollups where the day maximum exceeds 70 ppb', () => {
    const k = kpi(a, 'air.aqi-days');
    // city AQI per day: 80, 111, 107, 100, 139 (O3 8 h = 90 ppb), 70 -> 3 of 6 days at or below 100
    expect(k.value).toBe(50);
    expect(k.completeness).toBe(1);
    expect(k.score).toBe(0);
    expect(a.series.map((d) => [d.aqi, d.aqiPollutant])).toEqual([
      [80, 'pm25'],
      [111, 'pm25'],
      [107, 'pm25'],
      [100, 'pm25'],
      [139, 'o3'],
      [70, 'pm25'],
    ]);
  });

  it('period mean vs the annual standard uses only stations with 75 % valid days, the edition in force at the end', () => {
    const k = kpi(a, 'air.pm25-annual-mean');
    // a1 mean 39.5, a2 30 -> 34.75 -> 34.8 (one decimal, as 15 µg/m³ is written) / 15 = 232 %
    expect(k.value).toBe(232);
    expect(k.details).toMatchObject({ cityMean: 34.8, annualLimit: 15, stationsUsed: 2, stationsRegistered: 3 });
    expect(k.standards.map((s) => `${s.id}@${s.version}`)).toEqual(['th-aaqs-pm25-1y@2022-07-09']);
    expect(k.notes.some((n) => /indicative/.test(n.en))).toBe(true);
    expect(k.score).toBe(0);
  });

  it('measurements within standard pools pollutants (Bangkok method)', () => {
    const k = kpi(a, 'air.measurements-within-standard');
    // a1 pm25 5 valid / 3 within, a1 o3 5 / 4 (3 June: 8 h mean 90 > 70), a2 pm25 5 / 5, a3 pm25 0 of 1 expected
    expect(k.value).toBe(80);
    expect(k.details).toMatchObject({ measurementsExpected: 19, measurementsValid: 15, measurementsWithin: 12 });
    expect(k.score).toBe(80);
  });

  it("noise: decided by the daily rollup's Leq, from hourly levels for a day rolled up without it", () => {
    const k = kpi(a, 'noise.days-within-standard');
    // 60 dBA days (Leq 60) pass; 2 June (Leq 72) fails; 1 June has no Leq (12 h at 75, 12 h at 55): from its hours, Leq 72.0 > 70
    expect(k.value).toBe(60);
    expect(k.details).toMatchObject({ stationDaysExpected: 6, stationDaysValid: 5, stationDaysWithin: 3, decidedBy: { 'day-leq': 4, hours: 1 } });
    // the evidence chart's series: the loudest station's Leq per day (a1 alone; 4 June has too little data)
    expect(a.series.map((d) => d.noiseLeqMax)).toEqual([60, 60, 72.03, 72, 60, null]);
    expect(a.series.map((d) => d.noiseLimit)).toEqual([70, 70, 70, 70, 70, null]);
  });

  it('water: samples within class 3, the unclassified site not assessed', () => {
    const k = kpi(a, 'water.samples-within-class');
    // DO 3 < 4.0 on 31 May, BOD 2.5 > 2.0 on 2 June: 4 of 6 site-days
    expect(k.value).toBe(66.67);
    expect(k.score).toBe(55.6);
    expect(k.details.notAssessed).toEqual([{ device: 'w2', site: 's-w2', reason: 'the site has no assigned surface-water class' }]);
    const site = (k.details.sites as Array<Record<string, unknown>>)[0]!;
    expect(site).toMatchObject({ waterClass: 3, samplesValid: 6, samplesWithin: 4, samplesFailingByParameter: { bod: 1, dissolvedOxygen: 1 } });
    // P20 of DO [3, 5, 5, 5, 5, 5] = 5 >= 4.0; P80 of BOD = 1.5 <= 2.0
    expect((site.percentileTests as Array<Record<string, unknown>>).map((t) => [t.parameter, t.value, t.passed])).toEqual([
      ['bod', 1.5, true],
      ['dissolvedOxygen', 5, true],
    ]);
  });

  it('waste: on-time collection and overflow events', () => {
    // b1 maxima 50, 95, 105, 40, 60, 70 (full at 90, overflow above 100); b2 30 on 5 days
    expect(kpi(a, 'waste.on-time-collection')).toMatchObject({ value: 81.82, score: 47.3 });
    expect(kpi(a, 'waste.overflow-events')).toMatchObject({ value: 9.09, score: 0 });
    expect(kpi(a, 'waste.overflow-events').details).toMatchObject({ binDaysValid: 11, overflowEvents: 1 });
  });

  it('monitoring: stations, completeness, uptime and acknowledgement time', () => {
    expect(kpi(a, 'monitoring.stations')).toMatchObject({ value: 2, score: 25 });
    // readings share 45.9167 of 49 device-days; 47 device-days with any reading
    expect(kpi(a, 'monitoring.data-completeness')).toMatchObject({ value: 93.71, score: 100 });
    expect(kpi(a, 'monitoring.uptime')).toMatchObject({ value: 95.92, score: 88.4 });
    // 30, 90 and 120 (unacknowledged until the end) minutes
    expect(kpi(a, 'monitoring.alert-acknowledgement')).toMatchObject({ status: 'ok', value: 90, score: 83.3 });
  });

  it('energy: consumption, per capita, renewable share and peak against the configured baselines', () => {
    // 10 kW + 5 kW all day = 360 kWh/day vs 400; 2 kW solar = 48 kWh/day; peak 15 kW vs 15.5
    expect(kpi(a, 'energy.consumption-vs-baseline')).toMatchObject({ value: -10, score: 100, met: true });
    expect(kpi(a, 'energy.per-capita')).toMatchObject({ value: 131.4, score: 68.6 });
    expect(kpi(a, 'energy.renewable-share')).toMatchObject({ value: 13.33, score: 66.7 });
    expect(kpi(a, 'energy.peak-demand')).toMatchObject({ value: -3.23, score: 64.6 });
  });

  it('scores dimensions (70 %), overall (80 %), the rules, and lists what is missing', () => {
    expect(a.dimensions.map((d) => [d.id, d.score, d.passed])).toEqual([
      ['environment', 39.3, false],
      ['energy', 76.7, true],
    ]);
    expect(a.overall).toEqual({ score: 58, passThreshold: 80, passed: false });
    expect(a.rules.map((r) => [r.id, r.passed])).toEqual([
      ['environment-mandatory', false],
      ['minimum-dimensions', false],
      ['dimension-threshold', false],
      ['overall-threshold', false],
    ]);
    expect(a.passed).toBe(false);
    expect(a.missing.slice(0, 3).map((m) => m.kind)).toEqual(['too-few-dimensions', 'dimension-below-threshold', 'overall-below-threshold']);
    expect(a.missing[1]).toMatchObject({ dimension: 'environment', gainPoints: 30.7 });
    // the AQI KPI (weight 15, score 0) is the biggest single gain
    expect(a.missing[3]).toMatchObject({ kind: 'below-target', kpiId: 'air.aqi-days', gainPoints: 15 });
  });

  it('reports insufficient data when the period runs past the data, and never scores it', async () => {
    const city = (await state.getCity(CITY))!;
    const longer = (await loadAndAssess({ telemetry, state, alerts: null }, city, { from: PERIOD.from, to: '2023-06-10' })).assessment;
    const k = kpi(longer, 'air.pm25-station-days');
    expect(k).toMatchObject({ status: 'insufficient_data', value: null, score: 0, met: false });
    expect(k.notes[0]?.en).toMatch(/at least 75 % are needed/);
    expect(kpi(longer, 'monitoring.alert-acknowledgement')).toMatchObject({ status: 'insufficient_data', value: null });
    expect(longer.missing.some((m) => m.kind === 'insufficient-data' && m.kpiId === 'air.pm25-station-days')).toBe(true);
  });

  it('reads hourly rollups only for the device-days the daily ones cannot decide', async () => {
    const city = (await state.getCity(CITY))!;
    const loaded = await loadAndAssess({ telemetry, state, alerts: null }, city, PERIOD);
    const catalog = applyCatalogOverrides(defaultKpiCatalog(), OVERRIDES);
    const needs = hourlyNeeds({ ...loaded.input, hourly: [] }, catalog);
    // a1's noise on 1 June and its O3 on 3 June (8 h windows reach back 7 h)
    expect(needs.map((n) => [n.device, n.params, new Date(n.from).toISOString(), new Date(n.to).toISOString()])).toEqual([
      ['a1', ['noise'], '2023-05-31T17:00:00.000Z', '2023-06-01T17:00:00.000Z'],
      ['a1', ['o3'], '2023-06-02T10:00:00.000Z', '2023-06-03T17:00:00.000Z'],
    ]);
    expect(loaded.timings.hourlyQueries).toBe(2);
    expect(loaded.timings.hourlyRows).toBe(24 + 31);
  });
}

describe('assessment values on DuckDB', () => {
  valueSuite(() => openTelemetryStore({ kind: 'duckdb', path: ':memory:' }));
});

describe.skipIf(!influxOk)('assessment values on InfluxDB (real influxd)', () => {
  let influxd: InfluxdHandle;
  beforeAll(async () => {
    influxd = await startInfluxd();
  });
  afterAll(async () => {
    await influxd?.stop();
  });
  valueSuite(() => openTelemetryStore({ kind: 'influxdb', url: influxd.url, database: `assess_${randomBytes(4).toString('hex')}`, createDatabase: true }));
});

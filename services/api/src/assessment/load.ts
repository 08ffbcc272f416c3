import {
  AQI_POLLUTANTS,
  DAY_MS,
  STANDARDS,
  completeAssessment,
  bangkokDateStart,
  energyReferencePeriod,
  isEnergyAveraged,
  prepareAssessment,
  parametersOf,
  type AssessmentInput,
  type AssessmentPeriod,
  type CityAssessment,
  type Domain,
  type HourlyNeed,
  type KpiCatalog,
  type RollupRow,
} from '@mueang/core';
import type { City, RollupField, RollupQuery, StateStore, TelemetryStore } from '@mueang/storage';
import type { AlertAckSource } from './alert-source.ts';
import { cityCatalog } from './kpi-overrides.ts';

export interface AssessmentSources {
  telemetry: TelemetryStore;
  state: StateStore;
  /** null or absent: the acknowledgement-time KPI reports insufficient data */
  alerts?: AlertAckSource | null;
}

/** The parameters the KPIs read, per domain (other parameters' rollups are not loaded). */
export const KPI_PARAMS: Readonly<Record<Domain, readonly string[]>> = {
  air: [...AQI_POLLUTANTS, 'noise'],
  water: parametersOf('water')
    .map((p) => p.name)
    .filter((name) => STANDARDS.some((s) => s.parameter === name && s.category === 'surface-water')),
  energy: ['activePower', 'solarPower'],
  waste: ['fillingLevel'],
};

export interface AssessmentTimings {
  stateMs: number;
  dailyMs: number;
  dailyRows: number;
  hourlyMs: number;
  hourlyQueries: number;
  hourlyRows: number;
  referenceMs: number;
  alertsMs: number;
  computeMs: number;
}

export interface LoadedAssessment {
  assessment: CityAssessment;
  input: AssessmentInput;
  catalog: KpiCatalog;
  timings: AssessmentTimings;
}

/**
 * The statistics the KPIs read: daily mean, min, max and count (validity, day means, day maxima), and Leq of sound
 * levels (noise Leq 24 h); hourly mean and count (8-hour and 1-hour means, Leq from hourly levels for days rolled up
 * without Leq). Never sum, and Leq only where there is one: reading fewer fields is what InfluxDB charges for
 * (measured: asking every air parameter for leq made the daily read 0.3 s slower).
 */
const DAILY_FIELDS: RollupField[] = ['mean', 'min', 'max', 'count'];
const LEVEL_DAILY_FIELDS: RollupField[] = [...DAILY_FIELDS, 'leq'];
const HOURLY_FIELDS: RollupField[] = ['mean', 'count'];

async function dailyRollups(telemetry: TelemetryStore, cityId: string, from: number, to: number, domains: readonly Domain[]): Promise<RollupRow[]> {
  const queries: RollupQuery[] = [];
  for (const domain of domains) {
    const levels = KPI_PARAMS[domain].filter((p) => isEnergyAveraged(domain, p));
    const others = KPI_PARAMS[domain].filter((p) => !levels.includes(p));
    if (others.length > 0) queries.push({ period: '1d', city: cityId, domain, params: others, from, to, fields: DAILY_FIELDS });
    if (levels.length > 0) queries.push({ period: '1d', city: cityId, domain, params: levels, from, to, fields: LEVEL_DAILY_FIELDS });
  }
  return (await telemetry.queryRollupBatch(queries)).flat();
}

/** the hourly ranges as one batch: a store answers them in one scan (DuckDB) or a few multi-statement requests (InfluxDB) */
async function hourlyRollups(telemetry: TelemetryStore, cityId: string, needs: readonly HourlyNeed[]): Promise<RollupRow[]> {
  const parts = await telemetry.queryRollupBatch(needs.map((need) => ({ period: '1h' as const, city: cityId, device: need.device, domain: need.domain, params: need.params, from: need.from, to: need.to, fields: HOURLY_FIELDS })));
  return parts.flat();
}

function since(start: number): number {
  return Math.round((performance.now() - start) * 10) / 10;
}

/**
 * Load what one city's assessment needs from the stores (registry, daily rollups, the few hourly rollups the daily
 * ones cannot decide, the energy reference period, alert times) and assess it. Never reads raw points.
 */
export async function loadAndAssess(sources: AssessmentSources, city: City, period: AssessmentPeriod, catalogOverride?: KpiCatalog): Promise<LoadedAssessment> {
  const { telemetry, state } = sources;
  let t = performance.now();
  const [sites, devices, loadedCatalog] = await Promise.all([
    state.listSites({ cityId: city.id }),
    state.listDevices({ cityId: city.id }),
    catalogOverride ? Promise.resolve({ catalog: catalogOverride }) : cityCatalog(state, city.id),
  ]);
  const catalog = loadedCatalog.catalog;
  const stateMs = since(t);
  const from = bangkokDateStart(period.from);
  const to = bangkokDateStart(period.to) + DAY_MS;

  t = performance.now();
  const daily = await dailyRollups(telemetry, city.id, from, to, ['air', 'water', 'energy', 'waste']);
  const dailyMs = since(t);

  const input: AssessmentInput = {
    city: { id: city.id, name: city.name, nameTh: city.nameTh },
    period: { from: period.from, to: period.to },
    sites: sites.map((s) => ({ id: s.id, name: s.name, nameTh: s.nameTh, waterClass: s.waterClass })),
    devices: devices.map((d) => ({ id: d.id, siteId: d.siteId, domain: d.domain, name: d.name, status: d.status, createdAt: d.createdAt })),
    daily,
    hourly: [],
  };

  t = performance.now();
  const prepared = prepareAssessment(input, catalog);
  const needs = prepared.needs;
  const hourly = await hourlyRollups(telemetry, city.id, needs);
  const hourlyMs = since(t);

  t = performance.now();
  const reference = energyReferencePeriod(input, catalog);
  if (reference) {
    input.energyReference = await dailyRollups(telemetry, city.id, bangkokDateStart(reference.from), bangkokDateStart(reference.to) + DAY_MS, ['energy']);
  }
  const referenceMs = since(t);

  t = performance.now();
  if (sources.alerts) {
    try {
      input.alerts = await sources.alerts.alertsRaised(city.id, from, to);
    } catch {
      // no alert history (e.g. the alerts schema is not there): the KPI says insufficient data instead of failing the assessment
      delete input.alerts;
    }
  }
  const alertsMs = since(t);

  t = performance.now();
  const assessment = completeAssessment(prepared, hourly);
  input.hourly = hourly;
  const computeMs = since(t);
  return {
    assessment,
    input,
    catalog,
    timings: { stateMs, dailyMs, dailyRows: daily.length, hourlyMs, hourlyQueries: needs.length, hourlyRows: hourly.length, referenceMs, alertsMs, computeMs },
  };
}

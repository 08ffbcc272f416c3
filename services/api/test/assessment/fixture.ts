/**
 * A small history with hand-computed KPI values (see assessment-values.test.ts for the arithmetic): one reading an
 * hour from 2023-05-30 to 2023-06-04 (the PM2.5 24-hour standard changes from 50 to 37.5 µg/m³ on 2023-06-01),
 * known exceedance days, gaps, a station with too little data, a water site without a class, an overflowing bin.
 * Points and their hourly and daily rollups are written through the store API, the rollups computed as the
 * ingest's RollupScheduler does (hour rows from the points, day rows from the hour rows).
 */
import { DAY_MS, HOUR_MS, bangkokDateStart, bangkokDayStart, combineLeq, type Domain, type KpiCatalogOverrides, type RollupRow, type TelemetryPoint } from '@mueang/core';
import type { StateStore, TelemetryStore } from '@mueang/storage';

export const CITY = 'tst';
export const DAYS = ['2023-05-30', '2023-05-31', '2023-06-01', '2023-06-02', '2023-06-03', '2023-06-04'] as const;
export const PERIOD = { from: DAYS[0], to: DAYS[5] };

/** every device reports once an hour; the catalog says so */
export const OVERRIDES: KpiCatalogOverrides = {
  inputs: {
    reportingIntervalSeconds: { air: 3600, water: 3600, energy: 3600, waste: 3600 },
    population: 1000,
    energyBaselineKwhPerDay: 400,
    energyBaselinePeakKw: 15.5,
  },
  kpis: { 'energy.per-capita': { baseline: 200, target: 100 } },
};

interface DeviceSpec {
  id: string;
  site: string;
  domain: Domain;
  /** values of each hour of each day (index into DAYS), or null for no reading */
  values: (day: number, hour: number) => Record<string, number> | null;
}

const HOURS = (n: number) => (hour: number) => hour < n;

export const SITES = [
  { id: 's-a1', name: 'Air 1', waterClass: null },
  { id: 's-a2', name: 'Air 2', waterClass: null },
  { id: 's-a3', name: 'Air 3', waterClass: null },
  { id: 's-w1', name: 'River (class 3)', waterClass: 3 },
  { id: 's-w2', name: 'Pond (no class)', waterClass: null },
  { id: 's-b', name: 'Market district', waterClass: null },
  { id: 's-m1', name: 'Town hall', waterClass: null },
  { id: 's-m2', name: 'School', waterClass: null },
];

const PM25_A1 = [45, 55, 40, 37.5, 20, 30];
const BIN1_MAX = [50, 95, 105, 40, 60, 70];

export const DEVICES: DeviceSpec[] = [
  {
    id: 'a1',
    site: 's-a1',
    domain: 'air',
    values: (day, hour) => {
      if (day === 5 && !HOURS(10)(hour)) return null; // day 6: only 10 of 24 readings
      const o3 = day === 4 ? (hour >= 12 && hour <= 19 ? 90 : 20) : 30;
      const noise = day === 2 ? (hour < 12 ? 75 : 55) : day === 3 ? 72 : 60;
      return { pm25: PM25_A1[day] as number, o3, noise };
    },
  },
  { id: 'a2', site: 's-a2', domain: 'air', values: (day) => (day === 3 ? null : { pm25: 30 }) },
  { id: 'a3', site: 's-a3', domain: 'air', values: (day, hour) => (day === 5 && hour < 12 ? { pm25: 10 } : null) },
  {
    id: 'w1',
    site: 's-w1',
    domain: 'water',
    values: (day) => ({ pH: 7, dissolvedOxygen: day === 1 ? 3 : 5, bod: day === 3 ? 2.5 : 1.5 }),
  },
  { id: 'w2', site: 's-w2', domain: 'water', values: () => ({ pH: 7 }) },
  { id: 'b1', site: 's-b', domain: 'waste', values: (day, hour) => ({ fillingLevel: ((BIN1_MAX[day] as number) * (hour + 1)) / 24 }) },
  { id: 'b2', site: 's-b', domain: 'waste', values: (day) => (day === 2 ? null : { fillingLevel: 30 }) },
  { id: 'm1', site: 's-m1', domain: 'energy', values: () => ({ activePower: 10, solarPower: 2 }) },
  { id: 'm2', site: 's-m2', domain: 'energy', values: () => ({ activePower: 5 }) },
];

export function points(): TelemetryPoint[] {
  const out: TelemetryPoint[] = [];
  DAYS.forEach((date, day) => {
    const start = bangkokDateStart(date);
    for (let hour = 0; hour < 24; hour += 1) {
      for (const d of DEVICES) {
        const values = d.values(day, hour);
        if (values) out.push({ ts: start + hour * HOUR_MS + 30 * 60_000, city: CITY, site: d.site, device: d.id, domain: d.domain, values });
      }
    }
  });
  return out;
}

/** hourly rollups from the points, daily rollups from the hourly ones (services/ingest/src/rollups.ts does the same) */
export function rollups(from: TelemetryPoint[]): RollupRow[] {
  const hourly = new Map<string, RollupRow>();
  for (const p of from) {
    const start = Math.floor(p.ts / HOUR_MS) * HOUR_MS;
    for (const [param, value] of Object.entries(p.values)) {
      const k = `${start}|${p.device}|${param}`;
      const row = hourly.get(k);
      if (!row) hourly.set(k, { period: '1h', start, city: p.city, site: p.site, device: p.device, domain: p.domain, param, mean: value, min: value, max: value, count: 1, sum: value });
      else {
        row.count += 1;
        row.sum += value;
        row.min = Math.min(row.min, value);
        row.max = Math.max(row.max, value);
        row.mean = row.sum / row.count;
      }
    }
  }
  const daily = new Map<string, RollupRow>();
  for (const h of hourly.values()) {
    const start = bangkokDayStart(h.start);
    const k = `${start}|${h.device}|${h.param}`;
    const row = daily.get(k);
    if (!row) daily.set(k, { ...h, period: '1d', start });
    else {
      row.count += h.count;
      row.sum += h.sum;
      row.min = Math.min(row.min, h.min);
      row.max = Math.max(row.max, h.max);
    }
  }
  for (const row of daily.values()) row.mean = row.sum / row.count;
  // one reading an hour: an hour's Leq is its level; a day's is the energy mean of its hours
  const hours = [...hourly.values()];
  for (const row of hours) if (row.param === 'noise') row.leq = row.mean;
  for (const row of daily.values()) {
    // 1 June is left as rollups written before the platform kept Leq: that day is decided from its hours
    if (row.param !== 'noise' || row.start === bangkokDateStart(DAYS[2])) continue;
    row.leq = combineLeq(hours.filter((h) => h.device === row.device && h.param === 'noise' && bangkokDayStart(h.start) === row.start));
  }
  for (const row of hours) if (row.param === 'noise' && bangkokDayStart(row.start) === bangkokDateStart(DAYS[2])) delete row.leq;
  return [...hours, ...daily.values()];
}

/** the end of the period: alert times are set from it */
export const PERIOD_END = bangkokDateStart(DAYS[5]) + DAY_MS;

export async function loadRegistry(state: StateStore): Promise<void> {
  await state.upsertCity({ id: CITY, name: 'Test City', nameTh: 'เมืองทดสอบ', province: 'Chiang Mai' });
  for (const s of SITES) await state.upsertSite({ id: s.id, cityId: CITY, name: s.name, waterClass: s.waterClass });
  for (const d of DEVICES) await state.upsertDevice({ id: d.id, cityId: CITY, siteId: d.site, domain: d.domain, kind: d.domain === 'air' ? 'aq-station' : d.domain === 'water' ? 'sonde' : d.domain === 'waste' ? 'bin-sensor' : 'smart-meter' });
}

/**
 * Three alerts: acknowledged after 30 and 90 minutes, and one raised two hours before the end of the period and
 * never acknowledged (it counts 120 minutes). Median: 90 minutes.
 */
export async function loadAlerts(state: StateStore): Promise<void> {
  const d2 = bangkokDateStart(DAYS[1]) + 10 * HOUR_MS;
  const d3 = bangkokDateStart(DAYS[2]) + 10 * HOUR_MS;
  const rows: Array<[string, number, number | null]> = [
    ['al-1', d2, d2 + 30 * 60_000],
    ['al-2', d3, d3 + 90 * 60_000],
    ['al-3', PERIOD_END - 2 * HOUR_MS, null],
  ];
  for (const [id, raised, acked] of rows) {
    await state.driver.query(
      `INSERT INTO alerts (id, dedup_key, city_id, domain, rule_id, severity, active_since, raised_at, acknowledged, acknowledged_at)
       VALUES ($1, $1, $2, 'air', 'pm25-24h', 'major', $3, $3, $4, $5)`,
      [id, CITY, new Date(raised).toISOString(), acked !== null, acked === null ? null : new Date(acked).toISOString()],
    );
  }
}

export async function loadTelemetry(telemetry: TelemetryStore): Promise<void> {
  const p = points();
  await telemetry.writePoints(p);
  await telemetry.writeRollups(rollups(p));
}

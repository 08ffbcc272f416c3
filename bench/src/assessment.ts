/**
 * Assessment benchmark: one city with `stations` air-quality stations and `days` of one-minute history (plus a few
 * water sondes, meters and bins so that every KPI runs), loaded as the rollups ingest would have written (hourly and
 * daily rows with count 60 / 1,440 per parameter: no raw points are needed), then the assessment timed on the chosen
 * backend. Run: npx tsx bench/src/assessment.ts [duckdb|influxdb|both] [stations] [days]
 */
import { DAY_MS, HOUR_MS, bangkokDate, bangkokDateStart, combineLeq, energyLevel, levelEnergy, type Domain, type RollupRow } from '@mueang/core';
import { openStateStore, openTelemetryStore, type StateStore, type TelemetryStore } from '@mueang/storage';
import { startInfluxd, type InfluxdHandle } from '@mueang/testkit';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildEvidencePack, loadAndAssess, type AssessmentTimings } from '../../services/api/src/assessment/index.ts';

export interface AssessmentBenchOptions {
  stations: number;
  days: number;
  backend: 'influxdb' | 'duckdb';
  /** timed assessment runs after loading (default 3) */
  runs?: number;
}

export interface AssessmentBenchResult {
  options: AssessmentBenchOptions;
  devices: Record<Domain, number>;
  rollupRows: number;
  loadSeconds: number;
  /** wall time of each run: registry, rollup queries, computation */
  assessMs: number[];
  medianAssessMs: number;
  timings: AssessmentTimings;
  evidenceMs: number;
  evidenceBytes: number;
}

const CITY = 'bench';
const FROM = '2024-01-01';
const PER_HOUR = 60;

/** xorshift: the same history on every run and backend */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

// Chiang Mai monthly PM2.5 (µg/m³) and afternoon O3 rise (ppb): the simulator's northern tables
const PM25_MONTH = [35, 55, 85, 65, 22, 12, 10, 10, 11, 15, 22, 30];
const O3_RISE = [35, 45, 60, 55, 35, 22, 20, 20, 22, 28, 32, 32];

function gauss(h: number, centre: number, width: number): number {
  return Math.exp(-(((h - centre) / width) ** 2));
}

export interface DeviceDef {
  id: string;
  site: string;
  domain: Domain;
  /** hourly means of the device's parameters */
  hour: (dayIndex: number, month: number, h: number, r: () => number) => Record<string, number>;
}

export function devicesFor(stations: number): DeviceDef[] {
  const out: DeviceDef[] = [];
  for (let s = 0; s < stations; s += 1) {
    const roadside = s % 4 === 0;
    const factor = 0.85 + (s % 7) * 0.05;
    out.push({
      id: `bench-air-${String(s + 1).padStart(3, '0')}`,
      site: `bench-air-site-${String(s + 1).padStart(3, '0')}`,
      domain: 'air',
      hour: (d, m, h, r) => {
        const shape = 0.75 + 0.25 * gauss(h, 3, 3.5) + (roadside ? 1.5 : 1) * (0.35 * gauss(h, 8, 1.3) + 0.45 * gauss(h, 19.5, 2)) - 0.3 * gauss(h, 14.5, 2.5);
        const pm25 = (PM25_MONTH[m] as number) * factor * shape * (0.7 + 0.6 * Math.sin(d * 0.7 + s) ** 2) * (0.94 + 0.12 * r());
        const sunny = h > 7 && h < 18 ? Math.sin((Math.PI * (h - 7)) / 11) ** 1.5 : 0;
        return {
          pm25,
          pm10: pm25 * 1.6,
          o3: 10 + (O3_RISE[m] as number) * sunny * (0.7 + 0.6 * r()),
          no2: 6 + (roadside ? 1.5 : 1) * (14 * gauss(h, 8, 1.3) + 18 * gauss(h, 19.5, 2)) * (0.9 + 0.2 * r()),
          so2: 1.5 + r(),
          co: 0.25 + 0.6 * gauss(h, 19.5, 2) + 0.1 * r(),
          noise: (roadside ? 67 : 55) - 9 * gauss(h, 3, 2.5) + 3 * (gauss(h, 8, 1.5) + gauss(h, 18, 2)) + 1.5 * (r() - 0.5),
        };
      },
    });
  }
  const others: Array<[Domain, number]> = [
    ['water', Math.max(1, Math.round(stations / 10))],
    ['energy', Math.max(1, Math.round(stations / 5))],
    ['waste', Math.max(1, Math.round(stations / 2.5))],
  ];
  for (const [domain, n] of others) {
    for (let i = 0; i < n; i += 1) {
      const id = `bench-${domain}-${String(i + 1).padStart(3, '0')}`;
      out.push({
        id,
        site: `${id}-site`,
        domain,
        hour:
          domain === 'water'
            ? (_d, _m, h, r) => ({ pH: 7 + 0.3 * r(), dissolvedOxygen: 4.5 + 1.5 * Math.sin((Math.PI * h) / 24) + 0.3 * r(), bod: 1.4 + 0.4 * r() })
            : domain === 'energy'
              ? (_d, _m, h, r) => ({ activePower: 20 + 40 * gauss(h, 13, 4) * (0.9 + 0.2 * r()), ...(i % 3 === 0 ? {} : { solarPower: 15 * gauss(h, 12.5, 3) }) })
              : (d, _m, h) => ({ fillingLevel: Math.min(110, ((d + i) % 3) * 35 + h * 1.4) }),
      });
    }
  }
  return out;
}

/** one device's hourly and daily rollups of one day, as ingest computes them (day rows from the hour rows) */
export function dayRollupsOf(device: DeviceDef, d: number, r: () => number): RollupRow[] {
  const dayStart = bangkokDateStart(FROM) + d * DAY_MS;
  const month = Number(bangkokDate(dayStart).slice(5, 7)) - 1;
  const rows: RollupRow[] = [];
  const daily = new Map<string, RollupRow>();
  for (let h = 0; h < 24; h += 1) {
    for (const [param, mean] of Object.entries(device.hour(d, month, h, r))) {
      const spread = Math.abs(mean) * 0.08;
      const hour: RollupRow = { period: '1h', start: dayStart + h * HOUR_MS, city: CITY, site: device.site, device: device.id, domain: device.domain, param, mean, min: mean - spread, max: mean + spread, count: PER_HOUR, sum: mean * PER_HOUR };
      if (param === 'noise') hour.leq = uniformLeq(hour.min, hour.max);
      rows.push(hour);
      const day = daily.get(param);
      if (!day) daily.set(param, { ...hour, period: '1d', start: dayStart });
      else {
        day.count += hour.count;
        day.sum += hour.sum;
        day.min = Math.min(day.min, hour.min);
        day.max = Math.max(day.max, hour.max);
        day.mean = day.sum / day.count;
      }
    }
  }
  for (const day of daily.values()) {
    if (day.param === 'noise') day.leq = combineLeq(rows.filter((r) => r.param === 'noise'));
  }
  rows.push(...daily.values());
  return rows;
}

/** Leq of levels spread evenly over [low, high]: the mean of 10^(L/10) is (10^(high/10) - 10^(low/10)) / ((high - low)·ln 10 / 10) */
function uniformLeq(low: number, high: number): number {
  if (!(high > low)) return low;
  return energyLevel((levelEnergy(high) - levelEnergy(low)) / (((high - low) * Math.LN10) / 10));
}

/**
 * Registry, then the rollups day by day for all devices: the order ingest writes them in (hour rows as time passes),
 * which is also what lets DuckDB skip row groups outside a queried time range.
 */
async function load(telemetry: TelemetryStore, state: StateStore, options: AssessmentBenchOptions): Promise<{ devices: Record<Domain, number>; rows: number }> {
  await state.upsertCity({ id: CITY, name: 'Bench City', nameTh: 'เมืองทดสอบ' });
  const devices = devicesFor(options.stations);
  const counts: Record<Domain, number> = { air: 0, water: 0, energy: 0, waste: 0 };
  for (const d of devices) {
    await state.upsertSite({ id: d.site, cityId: CITY, name: d.site, waterClass: d.domain === 'water' ? 3 : null });
    await state.upsertDevice({ id: d.id, cityId: CITY, siteId: d.site, domain: d.domain, kind: d.domain });
    counts[d.domain] += 1;
  }
  const random = devices.map((_, i) => rng(1000 + i));
  let rows = 0;
  for (let day = 0; day < options.days; day += 1) {
    const batch = devices.flatMap((device, i) => dayRollupsOf(device, day, random[i] as () => number));
    await telemetry.writeRollups(batch);
    rows += batch.length;
  }
  return { devices: counts, rows };
}

export async function runAssessmentBench(options: AssessmentBenchOptions): Promise<AssessmentBenchResult> {
  let influxd: InfluxdHandle | undefined;
  let telemetry: TelemetryStore | undefined;
  let scratch: string | undefined;
  const state = await openStateStore({ kind: 'pglite' });
  try {
    if (options.backend === 'influxdb') {
      influxd = await startInfluxd();
      // rollups in a retention policy of their own with year-long shard groups, as README "InfluxDB" recommends
      telemetry = await openTelemetryStore({ kind: 'influxdb', url: influxd.url, database: 'assessment_bench', createDatabase: true, rollupRetentionPolicy: 'rollups', timeoutMs: 120_000 });
    } else {
      // a file, as `npm start` uses (an in-memory database is never checkpointed: its scans were 2x slower)
      scratch = await mkdtemp(path.join(os.tmpdir(), 'assessment-bench-'));
      telemetry = await openTelemetryStore({ kind: 'duckdb', path: path.join(scratch, 'telemetry.duckdb') });
    }
    const loadStart = performance.now();
    const loaded = await load(telemetry, state, options);
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const city = (await state.getCity(CITY))!;
    const period = { from: FROM, to: bangkokDate(bangkokDateStart(FROM) + (options.days - 1) * DAY_MS) };
    const assessMs: number[] = [];
    let last: Awaited<ReturnType<typeof loadAndAssess>> | undefined;
    for (let i = 0; i < (options.runs ?? 3); i += 1) {
      const t = performance.now();
      last = await loadAndAssess({ telemetry, state, alerts: null }, city, period);
      assessMs.push(Math.round(performance.now() - t));
    }
    const t = performance.now();
    const pack = buildEvidencePack(last!.assessment, last!.input, last!.catalog, 'both');
    const tar = pack.tar();
    const evidenceMs = Math.round(performance.now() - t);
    const sorted = [...assessMs].sort((a, b) => a - b);
    return {
      options,
      devices: loaded.devices,
      rollupRows: loaded.rows,
      loadSeconds: Math.round(loadSeconds * 10) / 10,
      assessMs,
      medianAssessMs: sorted[Math.floor(sorted.length / 2)] as number,
      timings: last!.timings,
      evidenceMs,
      evidenceBytes: tar.length,
    };
  } finally {
    await telemetry?.close();
    await state.close();
    await influxd?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const which = process.argv[2] ?? 'both';
  const stations = Number(process.argv[3] ?? 50);
  const days = Number(process.argv[4] ?? 365);
  const backends = which === 'both' ? (['duckdb', 'influxdb'] as const) : [which as 'duckdb' | 'influxdb'];
  for (const backend of backends) {
    const result = await runAssessmentBench({ stations, days, backend });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
}

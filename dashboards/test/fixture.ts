/**
 * The demo city (DEMO_FLEET_SPEC, Chiang Mai) in a real InfluxDB: days of simulated readings from the fleet's own
 * patterns, the hourly and daily rollups ingest would compute from them, a few dead letters and alert events, and the
 * situations some panels exist for (a silent station, a bin to collect, an overflowing bin). Everything is written
 * through @mueang/storage's InfluxTelemetryStore, the adapter production uses.
 */
import { bangkokDayStart, DAY_MS, getParameter, HOUR_MS, MINUTE_MS, hourStart, type DeadLetter, type RollupRow, type TelemetryPoint } from '@mueang/core';
import { buildFleet, DEMO_FLEET_SPEC, deviceValues, EXPECTED_CODES, newPatternState, Rng, type Fleet, type SimDevice } from '@mueang/sim';
import { InfluxTelemetryStore, type AlertEvent } from '@mueang/storage';
import { startInfluxd, type InfluxdHandle } from '@mueang/testkit';
import { parseSites, type SiteRecord } from '../src/sites.ts';

export const DATABASE = 'mueang';
/** days of history: more than the energy baseline's 7-day moving mean needs */
export const HISTORY_DAYS = 9;
export const READING_INTERVAL_MS = 10 * MINUTE_MS;
/** stops reporting this long before now: longer than the no-data time of the offline rule */
export const SILENT_FOR_MS = 2 * HOUR_MS;

export interface DemoCity {
  influx: InfluxdHandle;
  store: InfluxTelemetryStore;
  fleet: Fleet;
  sites: SiteRecord[];
  now: number;
  silentDevice: SimDevice;
  collectBin: SimDevice;
  overflowBin: SimDevice;
  stop(): Promise<void>;
}

interface Acc {
  city: string;
  site: string;
  device: string;
  domain: TelemetryPoint['domain'];
  param: string;
  start: number;
  values: number[];
}

/** Hourly and daily (Asia/Bangkok day) mean/min/max/count/sum per device and parameter, as ingest's rollups. */
export function rollupsOf(points: readonly TelemetryPoint[]): RollupRow[] {
  const buckets = new Map<string, Acc & { period: '1h' | '1d' }>();
  for (const p of points) {
    for (const [param, value] of Object.entries(p.values)) {
      for (const [period, start] of [['1h', hourStart(p.ts)], ['1d', bangkokDayStart(p.ts)]] as const) {
        const key = `${period}|${p.device}|${param}|${start}`;
        let b = buckets.get(key);
        if (!b) buckets.set(key, (b = { period, city: p.city, site: p.site, device: p.device, domain: p.domain, param, start, values: [] }));
        b.values.push(value);
      }
    }
  }
  return [...buckets.values()].map((b) => {
    const sum = b.values.reduce((a, v) => a + v, 0);
    const row: RollupRow = { period: b.period, start: b.start, city: b.city, site: b.site, device: b.device, domain: b.domain, param: b.param, mean: sum / b.values.length, min: Math.min(...b.values), max: Math.max(...b.values), count: b.values.length, sum };
    // sound levels: the energy mean too, as ingest's rollup job keeps it
    if (getParameter(b.domain, b.param)?.energyAveraged) row.leq = 10 * Math.log10(b.values.reduce((a, v) => a + 10 ** (v / 10), 0) / b.values.length);
    return row;
  });
}

function readings(device: SimDevice, fleet: Fleet, from: number, to: number): TelemetryPoint[] {
  const state = newPatternState();
  const rng = new Rng(`${fleet.seed}/dashboards/${device.id}`);
  const points: TelemetryPoint[] = [];
  for (let ts = from; ts < to; ts += READING_INTERVAL_MS) {
    points.push({ ts, city: device.cityId, site: device.siteId, device: device.id, domain: device.domain, values: deviceValues(device, ts, state, rng) });
  }
  return points;
}

function deadLetters(now: number, city: string): DeadLetter[] {
  const topic = `v1/${city}/air/cnx-air-001/telemetry`;
  return [
    { receivedAt: now - 50 * MINUTE_MS, topic, reason: EXPECTED_CODES.brokenJson, message: 'payload is not JSON: Unexpected token } at 12', payload: '{"ts": 1, "values": }', city, domain: 'air', device: 'cnx-air-001' },
    { receivedAt: now - 40 * MINUTE_MS, topic, reason: EXPECTED_CODES.outOfRange, message: 'pm25 = 5000 µg/m³ is outside the plausible range 0-1000', payload: '{"values":{"pm25":5000}}', city, domain: 'air', device: 'cnx-air-001', param: 'pm25' },
    { receivedAt: now - 30 * MINUTE_MS, topic: `v1/${city}/air/ghost-01/telemetry`, reason: 'device.unknown', message: 'device "ghost-01" is not registered', payload: '{}', city, domain: 'air' },
  ];
}

function alertEvents(now: number, city: string, device: SimDevice, silent: SimDevice): AlertEvent[] {
  const base = { city, domain: device.domain, parameter: null, value: null, standardId: null, escalationLevel: 0 } as const;
  return [
    // raised, escalated and cleared again
    { ...base, ts: now - 6 * HOUR_MS, alertId: 'a-pm25-1', site: device.siteId, device: device.id, domain: 'air', ruleId: 'std.th-aaqs-pm25-24h', transition: 'raised', severity: 'major', state: 'active', acknowledged: false, parameter: 'pm25', value: 41.2, standardId: 'th-aaqs-pm25-24h' },
    { ...base, ts: now - 5 * HOUR_MS, alertId: 'a-pm25-1', site: device.siteId, device: device.id, domain: 'air', ruleId: 'std.th-aaqs-pm25-24h', transition: 'escalated', severity: 'major', state: 'active', acknowledged: false, escalationLevel: 1 },
    { ...base, ts: now - 3 * HOUR_MS, alertId: 'a-pm25-1', site: device.siteId, device: device.id, domain: 'air', ruleId: 'std.th-aaqs-pm25-24h', transition: 'cleared', severity: 'major', state: 'cleared', acknowledged: false, escalationLevel: 1 },
    // the silent station: still active, acknowledged
    { ...base, ts: now - 90 * MINUTE_MS, alertId: 'a-offline-1', site: silent.siteId, device: silent.id, domain: silent.domain, ruleId: 'ops.device.offline', transition: 'raised', severity: 'minor', state: 'active', acknowledged: false },
    { ...base, ts: now - 60 * MINUTE_MS, alertId: 'a-offline-1', site: silent.siteId, device: silent.id, domain: silent.domain, ruleId: 'ops.device.offline', transition: 'acknowledged', severity: 'minor', state: 'active', acknowledged: true },
  ];
}

/** Start influxd and load the demo city. */
export async function loadDemoCity(): Promise<DemoCity> {
  const influx = await startInfluxd({ database: DATABASE });
  try {
    const store = new InfluxTelemetryStore({ url: influx.url, database: DATABASE });
    await store.init();
    const fleet = buildFleet(DEMO_FLEET_SPEC);
    const city = fleet.cities[0]!.id;
    const now = Date.now();
    // aligned to the reading interval so that every device reports at the same instants
    const end = Math.floor(now / READING_INTERVAL_MS) * READING_INTERVAL_MS;
    const from = end - HISTORY_DAYS * DAY_MS;
    const byDomain = (domain: string) => fleet.devices.filter((d) => d.domain === domain);
    const silentDevice = byDomain('air').at(-1)!;
    const [collectBin, overflowBin] = byDomain('waste') as [SimDevice, SimDevice];
    const points: TelemetryPoint[] = [];
    for (const device of fleet.devices) {
      const until = device === silentDevice ? end - SILENT_FOR_MS : end + 1;
      points.push(...readings(device, fleet, from, until));
    }
    // the last hour of two bins: one at the collection level, one overflowing (a missed round)
    for (const p of points) {
      if (p.ts <= end - HOUR_MS) continue;
      if (p.device === collectBin.id) p.values.fillingLevel = 85;
      if (p.device === overflowBin.id) p.values.fillingLevel = 100;
    }
    for (let i = 0; i < points.length; i += 5000) await store.writePoints(points.slice(i, i + 5000));
    const rollups = rollupsOf(points);
    for (let i = 0; i < rollups.length; i += 5000) await store.writeRollups(rollups.slice(i, i + 5000));
    await store.writeDeadLetters(deadLetters(now, city));
    await store.writeAlertEvents(alertEvents(now, city, byDomain('air')[0]!, silentDevice));
    return {
      influx,
      store,
      fleet,
      sites: parseSites(fleet.sites, 'demo fleet'),
      now,
      silentDevice,
      collectBin,
      overflowBin,
      stop: async () => {
        await store.close();
        await influx.stop();
      },
    };
  } catch (err) {
    await influx.stop();
    throw err;
  }
}

export interface InfluxResult {
  statement_id: number;
  series?: Array<{ name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }>;
  error?: string;
}

/** One InfluxQL statement over the v1 API by POST, as Grafana's datasource sends it (httpMode POST). */
export async function runQuery(influx: InfluxdHandle, query: string): Promise<InfluxResult> {
  const body = new URLSearchParams({ q: query, db: DATABASE, epoch: 'ms' });
  const res = await fetch(`${influx.url}/query`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const json = (await res.json()) as { results?: InfluxResult[]; error?: string };
  if (!res.ok || json.error) return { statement_id: 0, error: json.error ?? `HTTP ${res.status}` };
  const [first] = json.results ?? [];
  if (!first) return { statement_id: 0, error: 'no result' };
  return first;
}

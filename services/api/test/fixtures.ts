import { DAY_MS, HOUR_MS, MINUTE_MS, bangkokDayStart, hashSecret, sha256Hex, type DeadLetter, type Domain, type RollupRebuildRequest, type RollupRow, type TelemetryPoint } from '@mueang/core';
import { alertRepository, openStateStore, openTelemetryStore, type Role, type StateStore, type TelemetryStore } from '@mueang/storage';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createApi, type CreateApiOptions } from '../src/index.ts';

/**
 * A small city world for the API tests: Chiang Mai (cnx, open data on) with air, water, waste
 * and energy devices, Bangkok (bkk, open data off) as the "other city", and `scratch` for
 * routes that change the registry. Readings end at NOW; every number the tests expect is
 * derived by hand in the test that checks it.
 */
export const NOW = Date.parse('2025-03-10T12:00:00+07:00');
export const BOOTSTRAP_KEY = 'mk_bootstrap-admin-key-for-tests-0123456789';
export const DEVICE_SECRET = 'seed-device-secret-not-used-by-mqtt';
export const DEAD_LETTER_MARKER = 'PAYLOAD-MARKER-7f3a';

export const KEYS = {
  adminAll: { key: 'mk_test-admin-all-000000000001', role: 'admin', cityId: null },
  operatorAll: { key: 'mk_test-operator-all-00000002', role: 'operator', cityId: null },
  viewerAll: { key: 'mk_test-viewer-all-0000000003', role: 'viewer', cityId: null },
  adminCnx: { key: 'mk_test-admin-cnx-00000000004', role: 'admin', cityId: 'cnx' },
  operatorCnx: { key: 'mk_test-operator-cnx-0000005', role: 'operator', cityId: 'cnx' },
  viewerCnx: { key: 'mk_test-viewer-cnx-000000006', role: 'viewer', cityId: 'cnx' },
  adminBkk: { key: 'mk_test-admin-bkk-00000000007', role: 'admin', cityId: 'bkk' },
  revoked: { key: 'mk_test-revoked-0000000000008', role: 'admin', cityId: null },
} as const satisfies Record<string, { key: string; role: Role; cityId: string | null }>;
export type KeyName = keyof typeof KEYS;

export function auth(name: KeyName): Record<string, string> {
  return { authorization: `Bearer ${KEYS[name].key}` };
}

function series(device: { city: string; site: string; device: string; domain: Domain }, intervalMs: number, count: number, values: (k: number) => Record<string, number>, skip?: (k: number) => boolean): TelemetryPoint[] {
  const out: TelemetryPoint[] = [];
  for (let k = 0; k < count; k++) {
    if (skip?.(k)) continue;
    out.push({ ...device, ts: NOW - k * intervalMs, values: values(k) });
  }
  return out;
}

/**
 * The readings (k counts intervals back from NOW, k = 0 is NOW itself):
 * - cnx-aq1 every minute, k = 0..1499 (25 h): pm25 37.5, pm10 60
 * - cnx-aq2 every minute, k = 0..719 (12 h): pm25 200, o3 80
 * - cnx-wq1 every 15 min, k = 1..288 (72 h) except k = 25..48 (a 6 h gap on the first day back):
 *   pH 7.2, dissolvedOxygen 5, bod 1.5, conductivity 250 (µS/cm), waterLevel 2.5
 * - cnx-bin1 every 15 min, k = 1..96: fillingLevel 45, lidOpen 1 when k = 1 else 0, weight 12
 * - cnx-em1 every minute, k = 1..120: activePower 3.5, voltage 230, current 15.2, totalActiveEnergyImport 1000 + (120 - k) / 10
 * - bkk-aq1 every minute, k = 0..1439: pm25 80 (another city: never in cnx answers)
 */
export function fixturePoints(): TelemetryPoint[] {
  const at = (city: string, site: string, device: string, domain: Domain) => ({ city, site, device, domain });
  return [
    ...series(at('cnx', 'cnx-s1', 'cnx-aq1', 'air'), MINUTE_MS, 1500, () => ({ pm25: 37.5, pm10: 60 })),
    ...series(at('cnx', 'cnx-s2', 'cnx-aq2', 'air'), MINUTE_MS, 720, () => ({ pm25: 200, o3: 80 })),
    ...series(at('cnx', 'cnx-river', 'cnx-wq1', 'water'), 15 * MINUTE_MS, 289, () => ({ pH: 7.2, dissolvedOxygen: 5, bod: 1.5, conductivity: 250, waterLevel: 2.5 }), (k) => k === 0 || (k >= 25 && k <= 48)),
    ...series(at('cnx', 'cnx-district', 'cnx-bin1', 'waste'), 15 * MINUTE_MS, 97, (k) => ({ fillingLevel: 45, lidOpen: k === 1 ? 1 : 0, weight: 12 }), (k) => k === 0),
    ...series(at('cnx', 'cnx-hall', 'cnx-em1', 'energy'), MINUTE_MS, 121, (k) => ({ activePower: 3.5, voltage: 230, current: 15.2, totalActiveEnergyImport: 1000 + (120 - k) / 10 }), (k) => k === 0),
    ...series(at('bkk', 'bkk-s1', 'bkk-aq1', 'air'), MINUTE_MS, 1440, () => ({ pm25: 80 })),
  ];
}

/** Hourly and daily rollups of the points (what the platform's rollup job writes), computed plainly. */
export function rollupsOf(points: readonly TelemetryPoint[]): RollupRow[] {
  const rows = new Map<string, RollupRow>();
  for (const p of points) {
    for (const [param, value] of Object.entries(p.values)) {
      for (const [period, start] of [['1h', Math.floor(p.ts / HOUR_MS) * HOUR_MS], ['1d', bangkokDayStart(p.ts)]] as const) {
        const key = `${period}|${start}|${p.device}|${param}`;
        const row = rows.get(key);
        if (!row) rows.set(key, { period, start, city: p.city, site: p.site, device: p.device, domain: p.domain, param, mean: value, min: value, max: value, count: 1, sum: value });
        else {
          row.count += 1;
          row.sum += value;
          row.min = Math.min(row.min, value);
          row.max = Math.max(row.max, value);
          row.mean = row.sum / row.count;
        }
      }
    }
  }
  return [...rows.values()];
}

export const DEAD_LETTERS: DeadLetter[] = [
  { receivedAt: NOW - HOUR_MS, topic: 'v1/cnx/air/cnx-aq1/telemetry', reason: 'value.out_of_range', message: 'pm25 = 5000 is above the plausible maximum 1000 µg/m³', payload: `{"values":{"pm25":5000},"note":"${DEAD_LETTER_MARKER}"}`, city: 'cnx', domain: 'air', device: 'cnx-aq1', param: 'pm25' },
  { receivedAt: NOW - 2 * HOUR_MS, topic: 'v1/cnx/air/ghost/telemetry', reason: 'device.unknown', message: 'device ghost is not registered', payload: `${DEAD_LETTER_MARKER}-ghost`, city: 'cnx', domain: 'air', device: 'ghost' },
  { receivedAt: NOW - HOUR_MS, topic: 'v1/bkk/air/bkk-aq1/telemetry', reason: 'payload.malformed_json', message: 'not JSON', payload: 'bkk-private', city: 'bkk', domain: 'air', device: 'bkk-aq1' },
];

export async function seedRegistry(state: StateStore): Promise<void> {
  await state.upsertCity({ id: 'cnx', name: 'Chiang Mai', nameTh: 'เชียงใหม่', province: 'Chiang Mai', publicData: true });
  await state.upsertCity({ id: 'bkk', name: 'Bangkok', nameTh: 'กรุงเทพมหานคร', publicData: false });
  await state.upsertCity({ id: 'scratch', name: 'Scratch City', publicData: false });
  const sites: Array<Parameters<StateStore['upsertSite']>[0]> = [
    { id: 'cnx-s1', cityId: 'cnx', name: 'Yupparaj School', lat: 18.7905, lon: 98.9897, kind: 'roadside' },
    { id: 'cnx-s2', cityId: 'cnx', name: 'City Hall', lat: 18.8405, lon: 98.9697, kind: 'residential' },
    { id: 'cnx-river', cityId: 'cnx', name: 'Ping River, Nawarat Bridge', lat: 18.7877, lon: 99.0036, kind: 'river', waterClass: 3 },
    { id: 'cnx-district', cityId: 'cnx', name: 'Chang Khlan district', lat: 18.7791, lon: 98.9986, kind: 'collection-district' },
    { id: 'cnx-hall', cityId: 'cnx', name: 'Municipal office', lat: 18.7953, lon: 98.9983, kind: 'building' },
    { id: 'bkk-s1', cityId: 'bkk', name: 'Din Daeng', lat: 13.7653, lon: 100.5530, kind: 'roadside' },
    { id: 'scratch-s1', cityId: 'scratch', name: 'Scratch site' },
  ];
  for (const site of sites) await state.upsertSite(site);
  const secretHash = await hashSecret(DEVICE_SECRET);
  const devices: Array<Parameters<StateStore['upsertDevice']>[0]> = [
    { id: 'cnx-aq1', cityId: 'cnx', siteId: 'cnx-s1', domain: 'air', kind: 'aq-station', name: 'Yupparaj AQ' },
    { id: 'cnx-aq2', cityId: 'cnx', siteId: 'cnx-s2', domain: 'air', kind: 'aq-station', name: 'City Hall AQ' },
    { id: 'cnx-wq1', cityId: 'cnx', siteId: 'cnx-river', domain: 'water', kind: 'sonde' },
    { id: 'cnx-bin1', cityId: 'cnx', siteId: 'cnx-district', domain: 'waste', kind: 'bin-sensor' },
    { id: 'cnx-em1', cityId: 'cnx', siteId: 'cnx-hall', domain: 'energy', kind: 'smart-meter' },
    { id: 'bkk-aq1', cityId: 'bkk', siteId: 'bkk-s1', domain: 'air', kind: 'aq-station' },
    { id: 'scr-rot', cityId: 'scratch', siteId: 'scratch-s1', domain: 'air', kind: 'aq-station' },
    { id: 'scr-rev', cityId: 'scratch', siteId: 'scratch-s1', domain: 'air', kind: 'aq-station' },
    { id: 'scr-react', cityId: 'scratch', siteId: 'scratch-s1', domain: 'air', kind: 'aq-station', status: 'revoked' },
    { id: 'scr-upd', cityId: 'scratch', siteId: 'scratch-s1', domain: 'water', kind: 'sonde' },
  ];
  for (const device of devices) await state.upsertDevice({ ...device, secretHash });
  const existing = new Set((await state.listApiKeys()).map((k) => k.id));
  for (const [name, spec] of Object.entries(KEYS)) {
    if (existing.has(`key-${name.toLowerCase()}`)) continue;
    await state.createApiKey({ id: `key-${name.toLowerCase()}`, name: `test ${name}`, keyHash: sha256Hex(spec.key), role: spec.role, cityId: spec.cityId });
  }
  await state.revokeApiKey('key-revoked');
}

/**
 * Alerts: cnx-aq1 PM2.5 (major, active since 3 h), cnx-wq1 offline (warning, raised 5 h ago,
 * cleared 1 h ago), and one in bkk that cnx keys must never see.
 */
export async function seedAlerts(state: StateStore): Promise<void> {
  const alerts = alertRepository(state);
  const observation = { parameter: 'pm25', value: 80, unit: 'µg/m³', standard: { id: 'th-ambient-pm25-24h', version: '2023-06-01' }, window: { from: NOW - 27 * HOUR_MS, to: NOW - 3 * HOUR_MS } };
  const seeds = [
    { id: 'al-cnx-pm25', dedupKey: 'cnx-aq1|air.pm25.24h', cityId: 'cnx', siteId: 'cnx-s1', deviceId: 'cnx-aq1', domain: 'air' as const, ruleId: 'air.pm25.24h', severity: 'major' as const, observation, at: NOW - 3 * HOUR_MS, now: NOW - 3 * HOUR_MS },
    { id: 'al-cnx-offline', dedupKey: 'cnx-wq1|ops.device.offline', cityId: 'cnx', siteId: 'cnx-river', deviceId: 'cnx-wq1', domain: 'water' as const, ruleId: 'ops.device.offline', severity: 'warning' as const, observation: { parameter: null, value: null, unit: null, standard: null, window: null }, at: NOW - 5 * HOUR_MS, now: NOW - 5 * HOUR_MS },
    { id: 'al-bkk-pm25', dedupKey: 'bkk-aq1|air.pm25.24h', cityId: 'bkk', siteId: 'bkk-s1', deviceId: 'bkk-aq1', domain: 'air' as const, ruleId: 'air.pm25.24h', severity: 'critical' as const, observation, at: NOW - 2 * HOUR_MS, now: NOW - 2 * HOUR_MS },
  ];
  for (const seed of seeds) {
    if (await alerts.get(seed.id)) continue;
    await alerts.raise(seed);
    if (seed.id === 'al-cnx-offline') await alerts.transition(seed.id, { transition: 'cleared', at: NOW - HOUR_MS, now: NOW - HOUR_MS });
  }
}

export async function seedTelemetry(telemetry: TelemetryStore): Promise<TelemetryPoint[]> {
  const points = fixturePoints();
  await telemetry.writePoints(points);
  await telemetry.writeRollups(rollupsOf(points));
  await telemetry.writeDeadLetters(DEAD_LETTERS);
  return points;
}

export interface Fixture {
  app: FastifyInstance;
  state: StateStore;
  telemetry: TelemetryStore;
  points: TelemetryPoint[];
  /** what POST /v1/rollups/rebuild asked ingest for (the default IngestControl records; the MQTT one is tested against a broker) */
  rebuildRequests: RollupRebuildRequest[];
  /** inject with a named key (or none) */
  call(options: InjectOptions & { as?: KeyName }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface FixtureOptions {
  /** an open state store (seeding is idempotent, so suites may share one); closed by the caller when given */
  state?: StateStore;
  telemetry?: TelemetryStore;
  api?: Partial<CreateApiOptions>;
}

export async function createFixture(options: FixtureOptions = {}): Promise<Fixture> {
  const state = options.state ?? (await openStateStore({ kind: 'pglite' }));
  const telemetry = options.telemetry ?? (await openTelemetryStore({ kind: 'duckdb', path: ':memory:' }));
  await seedRegistry(state);
  await seedAlerts(state);
  const points = await seedTelemetry(telemetry);
  const rebuildRequests: RollupRebuildRequest[] = [];
  const ingestControl = {
    async requestRollupRebuild(request: RollupRebuildRequest) {
      rebuildRequests.push(request);
    },
  };
  const app = await createApi({ state, telemetry, bootstrapAdminKey: BOOTSTRAP_KEY, now: () => NOW, rateLimit: false, publicRateLimit: false, ingestControl, ...options.api });
  await app.ready();
  return {
    app,
    state,
    telemetry,
    points,
    rebuildRequests,
    call: ({ as, headers, ...rest }) => app.inject({ ...rest, headers: { ...(as ? auth(as) : {}), ...(headers ?? {}) } }),
    async close() {
      await app.close();
      await telemetry.close();
      if (!options.state) await state.close();
    },
  };
}

export const DAY = DAY_MS;

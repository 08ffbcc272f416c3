import { createBroker, type BrokerHandle } from '@mueang/broker';
import { telemetryFilter, type TelemetryPoint } from '@mueang/core';
import { HeldWrites, startIngest, type Ingest } from '@mueang/ingest';
import { deviceValues, newPatternState, Rng } from '@mueang/sim';
import { openStateStore, openTelemetryStore, type StateStore, type TelemetryStore, type TelemetryStoreConfig } from '@mueang/storage';
import mqtt, { type MqttClient } from 'mqtt';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { countStored } from '../count.ts';
import { benchFleet, provisionShared, type LoginCost } from '../fleet.ts';
import type { LatencySummary } from '../histogram.ts';
import { measuredStore, type WriteStats } from '../measured-store.ts';
import { serve } from './rpc.ts';

/**
 * The measured side of a scenario, one process:
 * - platform: PGlite registry + Aedes broker (createBroker) + ingest -> store, as `npm start` runs them
 * - broker-null: the same broker with a service-account subscriber that acknowledges and drops (the broker ceiling)
 * - broker: the same broker alone (ingest then runs in another process, mode 'ingest' with brokerAuth)
 * - ingest: registry + ingest -> store, subscribed to another broker (Mosquitto)
 * - storage: a writer putting big batches straight into the store (the storage ceiling)
 */
export const SERVICE = { username: 'bench', password: 'bench-service-password-0123456789' };

export interface StartArgs {
  mode: 'platform' | 'broker-null' | 'broker' | 'ingest' | 'storage';
  fleetSize: number;
  store?: TelemetryStoreConfig;
  /** ingest mode: the broker to subscribe to */
  brokerUrl?: string;
  /** ingest mode: subscribe to this city's topics only */
  city?: string;
  /** ingest mode: MQTT client id (unique on a shared broker) */
  ingestClientId?: string;
  /** ingest mode: log in with the bench service account (our broker in another process) */
  brokerAuth?: boolean;
  /** query one reading back every N store writes (0 = never) */
  verifyEvery?: number;
  /** scrypt cost of the device logins (see fleet.ts) */
  loginCost?: LoginCost;
}

export interface MemoryStage {
  stage: string;
  rssMb: number;
  heapUsedMb: number;
  externalMb: number;
  arrayBuffersMb: number;
}

export interface ServerStatus {
  /** telemetry messages taken from the broker (ingest) or by the null subscriber */
  received: number;
  lastReceivedAt: number;
  journalMessages: number;
  pendingPoints: number;
  /** readings and values whose store write was acknowledged */
  writtenReadings: number;
  writtenDataPoints: number;
  lastWriteAt: number;
  verified: number;
  notFound: number;
  clients: number;
  /** why connections ended (platform and broker modes) */
  disconnects: Record<string, number>;
  memory: MemoryStage;
}

const logger = pino({ level: 'warn' }, pino.destination(2));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mueang-bench-'));
let state: StateStore | null = null;
let store: TelemetryStore | null = null;
let stats: WriteStats | null = null;
let broker: BrokerHandle | null = null;
let ingest: Ingest | null = null;
let nullSubscriber: MqttClient | null = null;
let nullReceived = 0;
let nullLastAt = 0;
/** why device connections ended, as Aedes reports it */
const disconnects: Record<string, number> = {};
function countDisconnects(b: BrokerHandle): void {
  const count = (reason: string) => (disconnects[reason] = (disconnects[reason] ?? 0) + 1);
  b.aedes.on('keepaliveTimeout', () => count('keepalive timeout'));
  b.aedes.on('clientError', (_client, err) => count(`client error: ${err.message}`));
  b.aedes.on('connectionError', (_client, err) => count(`connection error: ${err.message}`));
  b.aedes.on('clientDisconnect', () => count('disconnected (any reason)'));
}

/** a persistent session left on a shared broker (Mosquitto) would queue messages for nobody */
let sessionToClear: { url: string; clientId: string } | null = null;
const stages: MemoryStage[] = [];

function memory(stage: string): MemoryStage {
  const m = process.memoryUsage();
  const mb = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
  return { stage, rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), externalMb: mb(m.external), arrayBuffersMb: mb(m.arrayBuffers) };
}

async function start(args: StartArgs): Promise<{ url: string | null; stages: MemoryStage[]; dir: string }> {
  stages.push(memory('process started'));
  if (args.mode === 'storage') {
    if (!args.store) throw new Error('storage mode needs a store');
    ({ store, stats } = measuredStore(await openTelemetryStore(args.store)));
    stages.push(memory('store open'));
    return { url: null, stages, dir };
  }
  state = await openStateStore({ kind: 'pglite' });
  stages.push(memory('PGlite registry open'));
  stages.push({ ...collect(), stage: 'the same, after a full garbage collection' });
  await provisionShared(state, benchFleet(args.fleetSize), args.loginCost ?? 'production');
  stages.push(memory(`${args.fleetSize} devices provisioned`));
  if (args.mode !== 'ingest') {
    broker = await createBroker({ registry: state, serviceAccounts: [SERVICE], host: '127.0.0.1', mqttPort: 0, logger });
    countDisconnects(broker);
    stages.push(memory('broker listening'));
  }
  if (args.mode === 'broker') return { url: broker!.url, stages, dir };
  if (args.mode === 'broker-null') {
    nullSubscriber = await nullSubscribe(broker!.url);
    stages.push(memory('null subscriber connected'));
    return { url: broker!.url, stages, dir };
  }
  if (!args.store) throw new Error(`${args.mode} mode needs a store`);
  if (args.store.kind === 'duckdb') args.store = { ...args.store, path: path.join(dir, args.store.path) };
  ({ store, stats } = measuredStore(await openTelemetryStore(args.store), args.verifyEvery ?? 0));
  stages.push(memory('telemetry store open'));
  const brokerUrl = args.mode === 'ingest' ? args.brokerUrl : broker!.url;
  if (!brokerUrl) throw new Error('ingest mode needs brokerUrl');
  ingest = await startIngest({
    mqtt: {
      url: brokerUrl,
      ...(args.mode === 'platform' || args.brokerAuth ? SERVICE : {}),
      ...(args.ingestClientId ? { clientId: args.ingestClientId } : {}),
      ...(args.city ? { city: args.city } : {}),
    },
    store,
    registry: state,
    journalDir: path.join(dir, 'journal'),
    logger,
  });
  if (args.mode === 'ingest' && args.ingestClientId) sessionToClear = { url: brokerUrl, clientId: args.ingestClientId };
  stages.push(memory('ingest subscribed'));
  return { url: broker?.url ?? brokerUrl, stages, dir };
}

/**
 * Acknowledges the way ingest does, so that the ceiling is not lower for want of it: PUBACKs
 * written together once per event-loop turn (ingest holds them until its journal is written), and
 * mqtt.js's per-packet debug tracing off.
 */
function nullSubscribe(url: string): Promise<MqttClient> {
  const client = mqtt.connect(url, { ...SERVICE, clientId: 'bench-null-subscriber', clean: true, reconnectPeriod: 1000, log: () => undefined });
  let writes: HeldWrites | null = null;
  client.handleMessage = (_packet, done) => {
    nullReceived++;
    nullLastAt = Date.now();
    if (!writes?.held) {
      if (writes?.stream !== client.stream) writes = new HeldWrites(client.stream);
      writes.hold();
      setImmediate(() => writes?.release());
    }
    done();
  };
  return new Promise((resolve, reject) => {
    client.once('error', reject);
    client.once('connect', () => {
      client.subscribe(telemetryFilter(), { qos: 1 }, (err) => (err ? reject(err) : resolve(client)));
    });
  });
}

function status(): ServerStatus {
  const health = ingest?.health();
  return {
    received: ingest ? ingest.messagesReceived : nullReceived,
    lastReceivedAt: nullLastAt,
    journalMessages: health?.journalMessages ?? 0,
    pendingPoints: health?.pendingPoints ?? 0,
    writtenReadings: stats?.readings ?? 0,
    writtenDataPoints: stats?.dataPoints ?? 0,
    lastWriteAt: stats?.lastWriteAt ?? 0,
    verified: stats?.verified ?? 0,
    notFound: stats?.notFound ?? 0,
    clients: broker?.health().clients ?? 0,
    disconnects: { ...disconnects },
    memory: memory('now'),
  };
}

/** resolves once `expected` telemetry messages were taken and (with ingest) everything taken is in the store */
async function waitIdle(args: { expected: number; timeoutMs: number; stallMs?: number }): Promise<ServerStatus & { timedOut: boolean }> {
  const deadline = Date.now() + args.timeoutMs;
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const s = status();
    const done = s.received >= args.expected && s.journalMessages === 0 && s.pendingPoints === 0;
    const now = Date.now();
    if (s.received !== last) {
      last = s.received;
      lastChange = now;
    }
    // a broker that dropped messages will never deliver them: stop waiting once nothing moves
    const stalled = args.stallMs !== undefined && now - lastChange > args.stallMs && s.journalMessages === 0;
    if (done || stalled || now > deadline) return { ...s, timedOut: !done };
    await new Promise((r) => setTimeout(r, 10));
  }
}

function latency(args: { reset?: boolean } = {}): LatencySummary {
  const summary = stats?.latency.summary() ?? { count: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
  if (args.reset) stats?.latency.reset();
  return summary;
}

/** readings stored per epoch second since `from` (epoch ms) */
function timeline(args: { from: number }): Array<[number, number]> {
  return [...(stats?.perSecond ?? new Map<number, number>())].filter(([second]) => second * 1000 >= args.from - 1000).sort((a, b) => a[0] - b[0]);
}

async function count(args: { from: number; to: number }) {
  if (!store) throw new Error('no store');
  return countStored(store, args.from, args.to);
}

/**
 * The storage ceiling: the fleet's readings (simulator values, canonical units) written in
 * batches of `batchPoints` straight through TelemetryStore.writePoints, one batch at a time as
 * ingest writes, for `durationMs`. Timestamps are unique per device, in the last hour.
 */
async function writeCeiling(args: { fleetSize: number; durationMs: number; batchPoints: number }) {
  if (!store) throw new Error('no store');
  const fleet = benchFleet(args.fleetSize);
  const started = Date.now();
  const values = fleet.devices.map((d) => {
    const s = newPatternState();
    const rng = new Rng(`bench/${d.id}`);
    return Array.from({ length: 8 }, (_, i) => deviceValues(d, started + i * 60_000, s, rng));
  });
  const base = started - 3_600_000;
  let seq = 0;
  let readings = 0;
  let dataPoints = 0;
  let batches = 0;
  const n = fleet.devices.length;
  while (Date.now() - started < args.durationMs) {
    const batch: TelemetryPoint[] = [];
    for (let i = 0; i < args.batchPoints; i++, seq++) {
      const d = fleet.devices[seq % n]!;
      const v = values[seq % n]![Math.floor(seq / n) % 8]!;
      batch.push({ ts: base + Math.floor(seq / n), city: d.cityId, site: d.siteId, device: d.id, domain: d.domain, values: v });
      for (const _ in v) dataPoints++;
    }
    await store.writePoints(batch);
    readings += batch.length;
    batches++;
  }
  const ms = Date.now() - started;
  const stored = await countStored(store, base, base + Math.floor(seq / n) + 1);
  return { readings, dataPoints, batches, ms, storedReadings: stored.readings, storedDataPoints: stored.dataPoints };
}

async function stopAll(): Promise<void> {
  if (nullSubscriber) await new Promise<void>((resolve) => nullSubscriber!.end(true, {}, () => resolve()));
  await ingest?.stop().catch((err: unknown) => logger.error({ err }, 'ingest stop failed'));
  if (sessionToClear) await clearSession(sessionToClear).catch(() => undefined);
  sessionToClear = null;
  await broker?.close().catch(() => undefined);
  await store?.close().catch(() => undefined);
  await state?.close().catch(() => undefined);
  ingest = null;
  broker = null;
  store = null;
  stats = null;
  state = null;
  fs.rmSync(dir, { recursive: true, force: true });
}

/** connecting once with clean session = true discards the persistent session of that client id */
function clearSession(target: { url: string; clientId: string }): Promise<void> {
  const client = mqtt.connect(target.url, { clientId: target.clientId, clean: true, reconnectPeriod: 0, connectTimeout: 5000 });
  return new Promise((resolve) => {
    const done = () => client.end(true, {}, () => resolve());
    client.once('connect', done);
    client.once('error', done);
  });
}

let profiler: Session | null = null;
/** CPU profile of the measured phase only (start-up, PGlite's initdb and logins excluded) */
async function profile(args: { action: 'start' } | { action: 'stop'; file: string }): Promise<string | null> {
  if (args.action === 'start') {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
    return null;
  }
  if (!profiler) return null;
  const { profile: result } = await profiler.post('Profiler.stop');
  profiler.disconnect();
  profiler = null;
  fs.mkdirSync(path.dirname(args.file), { recursive: true });
  fs.writeFileSync(args.file, JSON.stringify(result));
  return args.file;
}

/** a full garbage collection, then the memory: RSS that is still held after it is really in use */
function collect(): MemoryStage {
  (globalThis as { gc?: () => void }).gc?.();
  return memory('after gc');
}

serve({ start, status, collect, profile, waitIdle, latency, timeline, count, writeCeiling, stopAll }, stopAll);

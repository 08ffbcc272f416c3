import { telemetryTopic } from '@mueang/core';
import { deviceValues, encodeReading, newPatternState, Rng, type SimDevice } from '@mueang/sim';
import mqtt, { type MqttClient } from 'mqtt';
import { benchFleet } from '../fleet.ts';
import { serve } from './rpc.ts';

/**
 * A load generator process: a slice of the bench fleet, one MQTT connection per device (username =
 * device id, password = its secret), QoS 1 publishes of the simulator's readings (the four
 * domains' payloads: JSON, a few SenML, a few non-canonical units).
 *
 * The simulator's values cost ~70 µs a reading, more than the broker spends relaying one, so each
 * device's readings are computed before the run (8 per device, cycled) and only encoded at send
 * time, stamped with the send time: the payload's `ts` is when the device published it, which is
 * what the platform's publish-to-queryable latency is measured from.
 */

export interface ConnectArgs {
  url: string;
  /** the whole bench fleet's size (every generator builds the same fleet) */
  fleetSize: number;
  /** this generator's slice [from, to) of the fleet */
  from: number;
  to: number;
  /** logins in progress at once (each costs the broker a scrypt verification) */
  concurrency?: number;
  connectTimeoutMs?: number;
  keepaliveS?: number;
}

export interface ConnectResult {
  connected: number;
  failed: number;
  firstError: string | null;
  ms: number;
}

/** send as fast as the in-flight window allows */
export interface ClosedRun {
  mode: 'closed';
  durationMs: number;
  window: number;
  /** stop after this many publishes (a bounded load: the same count for every system compared) */
  maxMessages?: number;
}

/** offer a fixed rate per segment; what the window does not let out waits on the device (backlog) and is sent later */
export interface OpenRun {
  mode: 'open';
  segments: Array<{ perSecond: number; durationMs: number }>;
  window: number;
  /** after the last segment, how long the devices keep sending their backlog */
  drainTimeoutMs?: number;
}

/** every device publishes once per interval, spread evenly over it */
export interface PeriodicRun {
  mode: 'periodic';
  intervalMs: number;
  durationMs: number;
}

export type RunArgs = ClosedRun | OpenRun | PeriodicRun;

export interface SecondStats {
  /** readings the schedule asked for in this second (open runs) */
  offered: number;
  sent: number;
  acked: number;
  /** readings produced but not yet sent, at the end of this second */
  backlog: number;
}

export interface RunResult {
  sent: number;
  acked: number;
  errors: number;
  /** QoS 1 publishes without a PUBACK when the run gave up waiting */
  unacked: number;
  /** readings produced by the schedule and never sent (open runs whose backlog did not drain in time) */
  unsent: number;
  disconnects: number;
  firstSendAt: number;
  lastSendAt: number;
  lastAckAt: number;
  perSecond: SecondStats[];
}

interface Dev {
  sim: SimDevice;
  topic: string;
  client: MqttClient;
  values: Array<Record<string, number>>;
  next: number;
  lastTs: number;
}

const PRECOMPUTED = 8;
let devices: Dev[] = [];
let disconnects = 0;
let cursor = 0;

function prepare(sim: SimDevice): Omit<Dev, 'client'> {
  const state = newPatternState();
  const rng = new Rng(`bench/${sim.id}`);
  const start = Date.now();
  const values = Array.from({ length: PRECOMPUTED }, (_, i) => deviceValues(sim, start + i * 60_000, state, rng));
  return { sim, topic: telemetryTopic(sim.cityId, sim.domain, sim.id), values, next: 0, lastTs: 0 };
}

function connectOne(url: string, d: Omit<Dev, 'client'>, timeoutMs: number, keepaliveS: number): Promise<Dev> {
  const client = mqtt.connect(url, {
    clientId: d.sim.id,
    username: d.sim.id,
    password: d.sim.secret,
    clean: true,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
    keepalive: keepaliveS,
  });
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      client.end(true);
      reject(err);
    };
    client.once('error', onError);
    client.once('connect', () => {
      client.off('error', onError);
      client.on('error', () => undefined);
      client.once('close', () => disconnects++);
      resolve({ ...d, client });
    });
  });
}

async function connect(args: ConnectArgs): Promise<ConnectResult> {
  const started = Date.now();
  const fleet = benchFleet(args.fleetSize);
  const slice = fleet.devices.slice(args.from, args.to).map(prepare);
  let next = 0;
  let failed = 0;
  let firstError: string | null = null;
  const connected: Dev[] = [];
  const worker = async () => {
    while (next < slice.length) {
      const d = slice[next++]!;
      try {
        connected.push(await connectOne(args.url, d, args.connectTimeoutMs ?? 60_000, args.keepaliveS ?? 60));
      } catch (err) {
        failed++;
        firstError ??= `${d.sim.id}: ${(err as Error).message}`;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, args.concurrency ?? 32) }, worker));
  devices.push(...connected);
  return { connected: connected.length, failed, firstError, ms: Date.now() - started };
}

/** publish the device's next reading at QoS 1, stamped with the send time */
function publish(d: Dev, onDone: (err: Error | undefined) => void): void {
  let ts = Date.now();
  if (ts <= d.lastTs) ts = d.lastTs + 1;
  d.lastTs = ts;
  const values = d.values[d.next++ % PRECOMPUTED]!;
  const { payload } = encodeReading(d.sim, ts, values);
  d.client.publish(d.topic, payload, { qos: 1 }, (err) => onDone(err ?? undefined));
}

function nextConnected(): Dev | null {
  for (let tries = 0; tries < devices.length; tries++) {
    const d = devices[cursor++ % devices.length]!;
    if (d.client.connected) return d;
  }
  return null;
}

async function run(args: RunArgs): Promise<RunResult> {
  if (devices.length === 0) throw new Error('no connected devices: call connect first');
  const start = Date.now();
  const disconnectsBefore = disconnects;
  const seconds: SecondStats[] = [];
  const second = (at: number) => {
    const i = Math.max(0, Math.floor((at - start) / 1000));
    while (seconds.length <= i) seconds.push({ offered: 0, sent: 0, acked: 0, backlog: 0 });
    return seconds[i]!;
  };
  let sent = 0;
  let acked = 0;
  let errors = 0;
  let inFlight = 0;
  let lastSendAt = start;
  let lastAckAt = start;
  let producing = true;
  let target = 0;

  const onDone = (err: Error | undefined) => {
    inFlight--;
    const now = Date.now();
    if (err) errors++;
    else {
      acked++;
      lastAckAt = now;
      second(now).acked++;
    }
    if (args.mode !== 'periodic') pump();
  };
  const sendOne = (d: Dev) => {
    sent++;
    inFlight++;
    const now = Date.now();
    lastSendAt = now;
    second(now).sent++;
    publish(d, onDone);
  };
  const owed = () => (args.mode === 'closed' ? (producing ? (args.maxMessages ?? Infinity) - sent : 0) : target - sent);
  const windowOf = args.mode === 'periodic' ? Infinity : args.window;
  function pump() {
    while (inFlight < windowOf && owed() > 0) {
      const d = nextConnected();
      if (!d) return;
      sendOne(d);
    }
  }

  let drainDeadline = Infinity;
  await new Promise<void>((resolve) => {
    let periodicIndex = 0;
    const timer = setInterval(() => {
      const now = Date.now();
      const elapsed = now - start;
      if (args.mode === 'closed') {
        if (elapsed >= args.durationMs || sent >= (args.maxMessages ?? Infinity)) producing = false;
        else pump();
      } else if (args.mode === 'open') {
        let t = 0;
        let offset = 0;
        for (const s of args.segments) {
          const within = Math.min(Math.max(0, elapsed - offset), s.durationMs);
          t += (within * s.perSecond) / 1000;
          offset += s.durationMs;
        }
        const newTarget = Math.floor(t);
        second(now).offered += newTarget - target;
        target = newTarget;
        if (elapsed >= offset) {
          producing = false;
          if (drainDeadline === Infinity) drainDeadline = now + (args.drainTimeoutMs ?? 60_000);
          if (now >= drainDeadline) target = sent; // give up on the rest of the backlog
        }
        pump();
        second(now).backlog = target - sent;
      } else {
        // device k of n is due at start + m * interval + k * interval / n
        const n = devices.length;
        const endIndex = Math.floor(((Math.min(elapsed, args.durationMs) * n) / args.intervalMs));
        while (periodicIndex < endIndex) {
          const d = devices[periodicIndex % n]!;
          periodicIndex++;
          if (d.client.connected) sendOne(d);
        }
        if (elapsed >= args.durationMs) producing = false;
      }
      if (!producing && (owed() <= 0 || args.mode === 'closed') && inFlight === 0) {
        clearInterval(timer);
        resolve();
      } else if (!producing && now - Math.max(lastAckAt, lastSendAt) > 120_000) {
        // nothing moves: report what is still unacknowledged instead of waiting forever
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  return {
    sent,
    acked,
    errors,
    unacked: inFlight,
    unsent: args.mode === 'open' ? Math.max(0, Math.floor(totalOffered(args)) - sent) : 0,
    disconnects: disconnects - disconnectsBefore,
    firstSendAt: start,
    lastSendAt,
    lastAckAt,
    perSecond: seconds,
  };
}

function totalOffered(args: OpenRun): number {
  return args.segments.reduce((sum, s) => sum + (s.durationMs * s.perSecond) / 1000, 0);
}

function status() {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { devices: devices.length, connected: devices.filter((d) => d.client.connected).length, disconnects, rssMb: m.rss / 2 ** 20, heapMb: m.heapUsed / 2 ** 20 };
}

async function disconnect(): Promise<void> {
  const all = devices;
  devices = [];
  await Promise.all(all.map((d) => new Promise<void>((resolve) => d.client.end(true, {}, () => resolve()))));
}

serve({ connect, run, status, disconnect }, disconnect);

import { DAY_MS, telemetryTopic } from '@mueang/core';
import type { MqttClient } from 'mqtt';
import { createClock, type ClockOptions, type SimClock } from './clock.ts';
import { encodeReading, type Encoded } from './encode.ts';
import { SimInputError, show } from './errors.ts';
import { FaultInjector, type FaultSpec, type InjectedFault } from './faults.ts';
import { attemptBadLogin, closeClient, connectDevice, describeConnectError, waitConnected } from './mqtt-link.ts';
import { deviceValues, newPatternState, validateEpisode, type Episode, type PatternState } from './patterns/index.ts';
import { Recorder } from './recorder.ts';
import { Rng } from './rng.ts';
import type { Fleet, SimDevice } from './types.ts';

/** pino-compatible; the runner logs connection trouble here */
export interface SimLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export type RunRate =
  /** each device sends one reading per interval (real time) */
  | { intervalMs: number }
  /** readings per second across the whole fleet */
  | { perSecond: number };

export interface RunOptions {
  url: string;
  fleet: Fleet;
  /** default: one reading per device every 10 s */
  rate?: RunRate;
  /** stop after this many readings per device (faulty and dropped ones included) */
  readingsPerDevice?: number;
  /** stop after this long (real time) */
  durationMs?: number;
  /**
   * sim clock: real time by default. With speed > 1 and no startMs, the clock starts in the past
   * (durationMs x speed ago, or a day ago for an open-ended run) and never runs ahead of real time.
   */
  clock?: ClockOptions;
  episodes?: Episode[];
  faults?: FaultSpec[];
  /** keep every acknowledged reading and every fault in `recorder` */
  record?: boolean;
  onProgress?: (progress: RunProgress) => void;
  /** default 1000 ms */
  progressIntervalMs?: number;
  /** stop generating while this many publishes wait for their PUBACK (default 5000) */
  maxInFlight?: number;
  /** default 30 s (the broker checks scrypt hashes: a large fleet takes a while) */
  connectTimeoutMs?: number;
  /** fail when a device cannot connect (default true); false: run with those that can */
  requireAllConnected?: boolean;
  /** how long stop() waits for outstanding PUBACKs (default 10 s) */
  drainTimeoutMs?: number;
  logger?: SimLogger;
}

export interface RunProgress {
  elapsedMs: number;
  /** sim time of the latest reading */
  simTime: number;
  devices: number;
  connected: number;
  sent: number;
  acked: number;
  errors: number;
  inFlight: number;
  /** acknowledged readings per second over the last few seconds */
  rate: number;
  /** readings not sent: dropouts */
  skipped: number;
  /** readings skipped because a timed run fell far behind its schedule (runs bounded by count send them late instead) */
  behind: number;
  faults: number;
}

export interface RunSummary extends RunProgress {
  /** devices that never connected, with the reason */
  failedDevices: Array<{ deviceId: string; reason: string }>;
}

export interface FleetRun {
  progress(): RunProgress;
  /** null unless `record: true` */
  readonly recorder: Recorder | null;
  /** resolves when a bounded run ends, or after stop() */
  readonly done: Promise<RunSummary>;
  /** stop sending, wait for outstanding PUBACKs (bounded), close every connection */
  stop(): Promise<RunSummary>;
}

export class SimRunError extends Error {
  constructor(
    message: string,
    readonly failedDevices: Array<{ deviceId: string; reason: string }>,
  ) {
    super(message);
    this.name = 'SimRunError';
  }
}

interface DeviceRun {
  device: SimDevice;
  topic: string;
  client: MqttClient;
  state: PatternState;
  rng: Rng;
  due: number;
  count: number;
  lastTs: number;
  finished: boolean;
}

const RATE_WINDOW_MS = 5000;

function intervalOf(rate: RunRate | undefined, devices: number): number {
  const r = rate ?? { intervalMs: 10_000 };
  if ('intervalMs' in r) {
    if (typeof r.intervalMs !== 'number' || !(r.intervalMs >= 1)) throw new SimInputError('rate.intervalMs', `expected at least 1 ms, got ${show(r.intervalMs)}`);
    return r.intervalMs;
  }
  if (typeof r.perSecond !== 'number' || !(r.perSecond > 0) || !Number.isFinite(r.perSecond)) {
    throw new SimInputError('rate.perSecond', `expected a positive number of readings per second, got ${show(r.perSecond)}`);
  }
  return Math.max(1, (devices * 1000) / r.perSecond);
}

/** ingest keeps readings up to 400 days old by default */
const MAX_REPLAY_MS = 390 * DAY_MS;

/**
 * A sped-up clock without a start replays the past up to now: the duration's worth of sim time
 * (a day when the run is open-ended), then goes on at real time.
 */
function clockOptions(options: RunOptions): ClockOptions {
  const clock = { ...options.clock };
  const speed = clock.speed ?? 1;
  if (clock.startMs === undefined && speed > 1) {
    const span = options.durationMs !== undefined ? options.durationMs * speed : DAY_MS;
    clock.startMs = Date.now() - Math.min(span, MAX_REPLAY_MS);
  }
  return clock;
}

function validate(options: RunOptions): void {
  if (typeof options.url !== 'string' || !/^(mqtts?|wss?|tcp):\/\//.test(options.url)) {
    throw new SimInputError('url', `expected a broker url such as mqtt://localhost:1883, got ${show(options.url)}`);
  }
  if (!options.fleet || !Array.isArray(options.fleet.devices) || options.fleet.devices.length === 0) {
    throw new SimInputError('fleet', 'the fleet has no devices; build one with buildFleet()');
  }
  for (const [field, value] of [['readingsPerDevice', options.readingsPerDevice], ['durationMs', options.durationMs]] as const) {
    if (value !== undefined && (typeof value !== 'number' || !(value > 0))) throw new SimInputError(field, `expected a positive number, got ${show(value)}`);
  }
}

/**
 * Connect every device of the fleet (its own MQTT connection and credentials) and publish its
 * readings at QoS 1 on the chosen schedule until a bound is reached or stop() is called.
 * Resolves once every device is connected; rejects with SimRunError when one cannot connect
 * (unless requireAllConnected is false).
 */
export async function runFleet(options: RunOptions): Promise<FleetRun> {
  validate(options);
  const fleet = options.fleet;
  const interval = intervalOf(options.rate, fleet.devices.length);
  const clock: SimClock = createClock(clockOptions(options));
  const episodes = (options.episodes ?? []).map((e, i) => validateEpisode(e, `episodes[${i}]`));
  const injector = new FaultInjector(options.faults ?? [], fleet.seed);
  const recorder = options.record ? new Recorder() : null;
  const maxInFlight = options.maxInFlight ?? 5000;
  const log = options.logger;
  const startedAt = Date.now();
  const counters = { sent: 0, acked: 0, errors: 0, inFlight: 0, skipped: 0, behind: 0, faults: 0, simTime: clock.now() };
  const failedDevices: Array<{ deviceId: string; reason: string }> = [];
  const rateSamples: Array<[number, number]> = [[startedAt, 0]];

  const runs: DeviceRun[] = fleet.devices.map((device, i) => ({
    device,
    topic: telemetryTopic(device.cityId, device.domain, device.id),
    client: connectDevice(device, { url: options.url, connectTimeoutMs: options.connectTimeoutMs ?? 30_000 }),
    state: newPatternState(),
    rng: new Rng(`${fleet.seed}/values/${device.id}`),
    // stagger the devices over one interval
    due: startedAt + (interval * i) / fleet.devices.length,
    count: 0,
    lastTs: 0,
    finished: false,
  }));
  for (const run of runs) {
    run.client.on('error', (err) => {
      counters.errors++;
      log?.warn({ device: run.device.id, err: describeConnectError(err) }, 'device connection error');
    });
    run.client.on('reconnect', () => log?.info({ device: run.device.id }, 'device reconnecting'));
  }

  const connectResults = await Promise.allSettled(runs.map((r) => waitConnected(r.client, options.connectTimeoutMs ?? 30_000)));
  connectResults.forEach((result, i) => {
    if (result.status === 'rejected') {
      const run = runs[i]!;
      run.finished = true;
      failedDevices.push({ deviceId: run.device.id, reason: describeConnectError(result.reason as Error) });
    }
  });
  if (failedDevices.length > 0 && options.requireAllConnected !== false) {
    await Promise.all(runs.map((r) => closeClient(r.client, true)));
    const first = failedDevices[0]!;
    throw new SimRunError(
      `${failedDevices.length} of ${runs.length} device(s) could not connect to ${options.url}; first: ${first.deviceId}: ${first.reason}`,
      failedDevices,
    );
  }
  for (const f of failedDevices) log?.warn(f, 'device could not connect; running without it');
  // the schedule starts now that the devices are connected
  const scheduleStart = Date.now();
  runs.forEach((r, i) => (r.due = scheduleStart + (interval * i) / runs.length));

  const recordFault = (fault: InjectedFault) => {
    counters.faults++;
    recorder?.addFault(fault);
  };

  const send = (run: DeviceRun, payload: string, stored: Encoded['stored'], fault: InjectedFault | null) => {
    counters.sent++;
    counters.inFlight++;
    if (fault) recordFault(fault);
    run.client.publish(run.topic, payload, { qos: 1 }, (err) => {
      counters.inFlight--;
      if (err) {
        counters.errors++;
        if (fault) fault.acked = false;
        return;
      }
      counters.acked++;
      if (fault) fault.acked = true;
      if (recorder) {
        for (const r of stored) {
          recorder.addReading({ deviceId: run.device.id, cityId: run.device.cityId, siteId: run.device.siteId, domain: run.device.domain, ts: r.ts, values: r.values });
        }
      }
    });
  };

  const produce = (run: DeviceRun) => {
    let ts = clock.now();
    if (ts <= run.lastTs) ts = run.lastTs + 1;
    run.lastTs = ts;
    counters.simTime = Math.max(counters.simTime, ts);
    const clean = deviceValues(run.device, ts, run.state, run.rng, episodes);
    const action = injector.decide(run.device, ts, clean, run.topic);
    switch (action.type) {
      case 'normal': {
        const e = encodeReading(run.device, ts, clean);
        send(run, e.payload, e.stored, null);
        break;
      }
      case 'values': {
        const e = encodeReading(run.device, ts, action.values);
        send(run, e.payload, e.stored, action.fault);
        break;
      }
      case 'out_of_range': {
        const e = encodeReading(run.device, ts, action.values);
        const stored = e.stored.map((r) => ({ ts: r.ts, values: omit(r.values, action.rejected) }));
        send(run, e.payload, stored, action.fault);
        break;
      }
      case 'raw':
        send(run, action.payload, action.accepted ? [{ ts, values: action.accepted }] : [], action.fault);
        break;
      case 'skip':
        counters.skipped++;
        if (action.fault) recordFault(action.fault);
        break;
      case 'bad_login': {
        const e = encodeReading(run.device, ts, clean);
        send(run, e.payload, e.stored, null);
        recordFault(action.fault);
        const fault = action.fault;
        void attemptBadLogin(options.url, run.device.id).then((observed) => {
          fault.observed = observed;
          fault.acked = observed === 'refused';
        });
        break;
      }
    }
  };

  let stopping: Promise<RunSummary> | null = null;
  let resolveDone!: (s: RunSummary) => void;
  const done = new Promise<RunSummary>((resolve) => (resolveDone = resolve));

  const tickMs = Math.min(100, Math.max(5, interval / 4));
  const ticker = setInterval(() => {
    const now = Date.now();
    let active = 0;
    for (const run of runs) {
      if (run.finished) continue;
      active++;
      while (run.due <= now && !run.finished) {
        if (counters.inFlight >= maxInFlight) return;
        if (now - run.due > interval * 3) {
          // far behind (stalled broker or an overloaded machine): no burst of stale readings.
          // A run bounded by count still sends all of them, late; a timed run skips ahead.
          if (options.readingsPerDevice !== undefined) {
            run.due = now;
            continue;
          }
          const missed = Math.floor((now - run.due) / interval);
          counters.behind += missed;
          run.count += missed;
          run.due += missed * interval;
        } else {
          produce(run);
          run.count++;
          run.due += interval;
        }
        if (options.readingsPerDevice !== undefined && run.count >= options.readingsPerDevice) run.finished = true;
      }
    }
    if (active === 0) void stop();
  }, tickMs);

  const progress = (): RunProgress => {
    const now = Date.now();
    while (rateSamples.length > 1 && now - rateSamples[0]![0] > RATE_WINDOW_MS) rateSamples.shift();
    const [t0, a0] = rateSamples[0]!;
    const rate = now > t0 ? ((counters.acked - a0) * 1000) / (now - t0) : 0;
    return {
      elapsedMs: now - startedAt,
      simTime: counters.simTime,
      devices: runs.length,
      connected: runs.filter((r) => r.client.connected).length,
      sent: counters.sent,
      acked: counters.acked,
      errors: counters.errors,
      inFlight: counters.inFlight,
      rate: Math.round(rate * 10) / 10,
      skipped: counters.skipped,
      behind: counters.behind,
      faults: counters.faults,
    };
  };
  const sampler = setInterval(() => rateSamples.push([Date.now(), counters.acked]), 500);
  const reporter = options.onProgress ? setInterval(() => options.onProgress!(progress()), options.progressIntervalMs ?? 1000) : null;
  const timer = options.durationMs !== undefined ? setTimeout(() => void stop(), options.durationMs) : null;

  async function stop(): Promise<RunSummary> {
    if (stopping) return stopping;
    stopping = (async () => {
      clearInterval(ticker);
      if (timer) clearTimeout(timer);
      const deadline = Date.now() + (options.drainTimeoutMs ?? 10_000);
      while (counters.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      clearInterval(sampler);
      if (reporter) clearInterval(reporter);
      const summary: RunSummary = { ...progress(), failedDevices };
      await Promise.all(runs.map((r) => closeClient(r.client, counters.inFlight > 0)));
      options.onProgress?.(summary);
      resolveDone(summary);
      return summary;
    })();
    return stopping;
  }

  return { progress, recorder, done, stop };
}

function omit(values: Record<string, number>, param: string): Record<string, number> {
  const { [param]: _removed, ...rest } = values;
  return rest;
}

export interface PublishOnceOptions {
  url: string;
  /** default: the device's own secret */
  password?: string;
  timeoutMs?: number;
}

/**
 * Connect as the device, publish one reading (canonical values, or a raw payload) at QoS 1,
 * wait for the PUBACK and disconnect. Returns what was sent and what ingest should store.
 */
export async function publishOnce(
  device: SimDevice,
  reading: { ts: number; values: Record<string, unknown> } | { payload: string },
  options: PublishOnceOptions,
): Promise<{ topic: string; payload: string; stored: Encoded['stored'] }> {
  const topic = telemetryTopic(device.cityId, device.domain, device.id);
  const encoded: Encoded = 'payload' in reading ? { payload: reading.payload, stored: [] } : encodeReading(device, reading.ts, reading.values);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const client = connectDevice(device, { url: options.url, reconnectPeriodMs: 0, connectTimeoutMs: timeoutMs }, options.password !== undefined ? { password: options.password } : {});
  client.on('error', () => undefined);
  try {
    try {
      await waitConnected(client, timeoutMs);
    } catch (err) {
      const e = err as Error & { code?: unknown };
      throw new SimRunError(`${device.id} could not connect to ${options.url}: ${describeConnectError(e)}`, [{ deviceId: device.id, reason: describeConnectError(e) }]);
    }
    await new Promise<void>((resolve, reject) => client.publish(topic, encoded.payload, { qos: 1 }, (err) => (err ? reject(err) : resolve())));
    return { topic, payload: encoded.payload, stored: encoded.stored };
  } finally {
    await closeClient(client, false);
  }
}


import { telemetryTopic } from '@mueang/core';
import { encodeBatch } from './encode.ts';
import { SimInputError, show } from './errors.ts';
import { closeClient, connectDevice, describeConnectError, waitConnected } from './mqtt-link.ts';
import { deviceValues, newPatternState, validateEpisode, type Episode } from './patterns/index.ts';
import { Recorder } from './recorder.ts';
import { Rng } from './rng.ts';
import { SimRunError, type SimLogger } from './runner.ts';
import type { Fleet, SimDevice } from './types.ts';

export interface BackfillOptions {
  url: string;
  fleet: Fleet;
  /** epoch ms, inclusive */
  from: number;
  /** epoch ms, exclusive */
  to: number;
  /** time between readings of a device, default 60 000 (1 min) */
  intervalMs?: number;
  /** readings per message, default 500 */
  batchSize?: number;
  episodes?: Episode[];
  record?: boolean;
  /** devices sent at the same time, default 4 */
  concurrency?: number;
  /** messages of one device waiting for their PUBACK, default 4 */
  inFlightPerDevice?: number;
  connectTimeoutMs?: number;
  onProgress?: (progress: BackfillProgress) => void;
  progressIntervalMs?: number;
  logger?: SimLogger;
}

export interface BackfillProgress {
  elapsedMs: number;
  devices: number;
  devicesDone: number;
  messages: number;
  readingsSent: number;
  readingsAcked: number;
  errors: number;
  /** acknowledged readings per second since the start */
  rate: number;
}

export interface BackfillResult extends BackfillProgress {
  recorder: Recorder | null;
  failedDevices: Array<{ deviceId: string; reason: string }>;
}

function validate(o: BackfillOptions): void {
  if (typeof o.url !== 'string' || !/^(mqtts?|wss?|tcp):\/\//.test(o.url)) throw new SimInputError('url', `expected a broker url such as mqtt://localhost:1883, got ${show(o.url)}`);
  if (!o.fleet || !Array.isArray(o.fleet.devices) || o.fleet.devices.length === 0) throw new SimInputError('fleet', 'the fleet has no devices; build one with buildFleet()');
  if (!Number.isFinite(o.from)) throw new SimInputError('from', `expected epoch milliseconds, got ${show(o.from)}`);
  if (!Number.isFinite(o.to) || o.to <= o.from) throw new SimInputError('to', `expected epoch milliseconds after from, got ${show(o.to)}`);
  if (o.to > Date.now() + 60_000) throw new SimInputError('to', 'a backfill writes the past; ingest rejects readings from the future, so end it at the current time at the latest');
  const checks: Array<[string, number | undefined, number]> = [
    ['intervalMs', o.intervalMs, 1000],
    ['batchSize', o.batchSize, 1],
    ['concurrency', o.concurrency, 1],
    ['inFlightPerDevice', o.inFlightPerDevice, 1],
  ];
  for (const [field, value, min] of checks) {
    if (value !== undefined && (!Number.isInteger(value) || value < min)) throw new SimInputError(field, `expected a whole number of at least ${min}, got ${show(value)}`);
  }
}

/**
 * Write history quickly: for each device, readings every `intervalMs` from `from` to `to` with
 * the same patterns as a live run, sent as batch payloads ({"readings": [...]}) at QoS 1.
 */
export async function backfill(options: BackfillOptions): Promise<BackfillResult> {
  validate(options);
  const interval = options.intervalMs ?? 60_000;
  const batchSize = options.batchSize ?? 500;
  const episodes = (options.episodes ?? []).map((e, i) => validateEpisode(e, `episodes[${i}]`));
  const recorder = options.record ? new Recorder() : null;
  const devices = options.fleet.devices;
  const startedAt = Date.now();
  const c = { devicesDone: 0, messages: 0, readingsSent: 0, readingsAcked: 0, errors: 0 };
  const failedDevices: Array<{ deviceId: string; reason: string }> = [];
  const progress = (): BackfillProgress => {
    const elapsedMs = Date.now() - startedAt;
    return { elapsedMs, devices: devices.length, ...c, rate: elapsedMs > 0 ? Math.round((c.readingsAcked * 10_000) / elapsedMs) / 10 : 0 };
  };
  const reporter = options.onProgress ? setInterval(() => options.onProgress!(progress()), options.progressIntervalMs ?? 1000) : null;

  const sendDevice = async (device: SimDevice): Promise<void> => {
    const client = connectDevice(device, { url: options.url, connectTimeoutMs: options.connectTimeoutMs ?? 30_000 });
    client.on('error', (err) => options.logger?.warn({ device: device.id, err: describeConnectError(err) }, 'device connection error'));
    try {
      await waitConnected(client, options.connectTimeoutMs ?? 30_000);
    } catch (err) {
      failedDevices.push({ deviceId: device.id, reason: describeConnectError(err as Error) });
      await closeClient(client, true);
      return;
    }
    const topic = telemetryTopic(device.cityId, device.domain, device.id);
    const state = newPatternState();
    const rng = new Rng(`${options.fleet.seed}/backfill/${device.id}`);
    const pending = new Set<Promise<void>>();
    let batch: Array<{ ts: number; values: Record<string, number> }> = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const encoded = encodeBatch(device, batch);
      const count = batch.length;
      batch = [];
      while (pending.size >= (options.inFlightPerDevice ?? 4)) await Promise.race(pending);
      c.messages++;
      c.readingsSent += count;
      const sent: Promise<void> = new Promise<void>((resolve) => {
        client.publish(topic, encoded.payload, { qos: 1 }, (err) => {
          if (err) c.errors++;
          else {
            c.readingsAcked += count;
            if (recorder) {
              for (const r of encoded.stored) {
                recorder.addReading({ deviceId: device.id, cityId: device.cityId, siteId: device.siteId, domain: device.domain, ts: r.ts, values: r.values });
              }
            }
          }
          resolve();
        });
      }).finally(() => pending.delete(sent));
      pending.add(sent);
    };
    for (let ts = Math.ceil(options.from / interval) * interval; ts < options.to; ts += interval) {
      batch.push({ ts, values: deviceValues(device, ts, state, rng, episodes) });
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    await Promise.all(pending);
    await closeClient(client, false);
    c.devicesDone++;
  };

  try {
    let next = 0;
    const workers = Array.from({ length: Math.min(options.concurrency ?? 4, devices.length) }, async () => {
      while (next < devices.length) await sendDevice(devices[next++]!);
    });
    await Promise.all(workers);
  } finally {
    if (reporter) clearInterval(reporter);
  }
  const result: BackfillResult = { ...progress(), recorder, failedDevices };
  options.onProgress?.(result);
  if (failedDevices.length === devices.length) {
    throw new SimRunError(`no device could connect to ${options.url}; first: ${failedDevices[0]!.deviceId}: ${failedDevices[0]!.reason}`, failedDevices);
  }
  return result;
}

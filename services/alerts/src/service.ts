/**
 * The alerts service: subscribes to every device's telemetry and status (QoS 1, persistent session), decodes readings
 * as ingest does (skipping what ingest would dead-letter), feeds the engine, and ticks it periodically.
 */
import {
  DISK_STATUS_FILTER,
  REGISTRY_EVENTS_FILTER,
  decodeTelemetry,
  parseDiskReport,
  parseDiskStatusTopic,
  parseRegistryEventTopic,
  statusFilter,
  telemetryFilter,
  tryParseDeviceTopic,
  type DecodeOptions,
  type DeviceTopic,
} from '@mueang/core';
import { alertRepository, type AlertRepository, type Device, type StateStore, type TelemetryStore } from '@mueang/storage';
import mqtt, { type MqttClient } from 'mqtt';
import pino, { type Logger } from 'pino';
import { Registry } from 'prom-client';
import { DeviceDirectory } from './directory.ts';
import { AlertEngine, type EngineHealth } from './engine.ts';
import { createEngineMetrics, type EngineMetrics } from './metrics.ts';
import { Publisher, type NotificationSink } from './publisher.ts';
import { RuleBook, type RulesConfig } from './rules-config.ts';
import { SeriesStore } from './series.ts';

export interface AlertsServiceOptions {
  mqttUrl: string;
  mqttUsername?: string;
  mqttPassword?: string;
  /** fixed so that the broker keeps the persistent session across restarts (default mueang-alerts-{cities|all}) */
  clientId?: string;
  state: StateStore;
  telemetry: TelemetryStore;
  /** where notifications go (the notify Dispatcher); none = alerts are still stored, published and written */
  dispatcher?: NotificationSink | null;
  logger?: Logger;
  metricsRegistry?: Registry;
  /** wall clock (default Date.now) */
  clock?: () => number;
  /** watch only these cities (default all) */
  cities?: string[];
  /** rule overrides (parseRulesConfig) */
  rules?: RulesConfig;
  /** how often the engine ticks (default 15 s; 0 = only when tick() is called) */
  tickIntervalMs?: number;
  /** base URL of the console; notifications link to {base}/alerts/{id} */
  consoleBaseUrl?: string | null;
  /** load the recent past from the TelemetryStore at start (default true) */
  seed?: boolean;
  /** see EngineOptions.evaluationSpacingMs */
  evaluationSpacingMs?: number;
  maxSamplesPerSeries?: number;
  /** publish each transition on v1/{city}/alerts/{alertId} (default true) */
  publishAlerts?: boolean;
  decode?: Partial<Omit<DecodeOptions, 'receivedAt'>>;
  /** StateStore write retries (see SerialOps) */
  retry?: { maxAttempts?: number; baseDelayMs?: number };
}

export interface AlertsHealth extends EngineHealth {
  ok: boolean;
  mqttConnected: boolean;
  unwrittenAlertEvents: number;
}

export interface AlertsService {
  readonly repository: AlertRepository;
  readonly metrics: Registry;
  readonly engine: AlertEngine;
  /** restore active alerts, seed the windows, connect and subscribe, start ticking */
  start(): Promise<void>;
  /** stop ticking, disconnect, finish the StateStore writes and publish what is pending */
  stop(): Promise<void>;
  tick(): Promise<void>;
  /** wait until every decision so far is stored and published */
  flush(): Promise<void>;
  health(): AlertsHealth;
}

/** what the broker publishes on a status topic: {"status":"online"|"offline","ts":...} (a device's own will may say just offline) */
function parseStatus(payload: Buffer, now: number): { online: boolean; since: number } | null {
  const text = payload.toString('utf8').trim();
  if (text === 'online' || text === 'offline') return { online: text === 'online', since: now };
  try {
    const parsed = JSON.parse(text) as { status?: unknown; ts?: unknown };
    if (parsed.status !== 'online' && parsed.status !== 'offline') return null;
    const since = typeof parsed.ts === 'number' && Number.isFinite(parsed.ts) ? Math.min(parsed.ts, now) : now;
    return { online: parsed.status === 'online', since };
  } catch {
    return null;
  }
}

export function createAlertsService(options: AlertsServiceOptions): AlertsService {
  const logger = (options.logger ?? pino({ name: 'alerts' })).child({ component: 'alerts' });
  const registry = options.metricsRegistry ?? new Registry();
  const metrics: EngineMetrics = createEngineMetrics(registry);
  const clock = options.clock ?? Date.now;
  const repository = alertRepository(options.state);
  const directory = new DeviceDirectory(options.state, { clock });
  const rules = new RuleBook(options.rules ?? {}, logger);
  const baseline = rules.baselineNeeds();
  const series = new SeriesStore({
    // a margin of an hour so that a window ending at the tick still has its oldest samples
    retentionMs: (parameter) => rules.lookbackMs(parameter) + 3_600_000,
    maxSamplesPerSeries: options.maxSamplesPerSeries,
    hourlyMeans: { parameters: baseline.parameters, keepMs: (baseline.maxDays + 1) * 86_400_000, expectedIntervalMs: baseline.expectedIntervalMs },
    onDropped: (n) => metrics.samplesDropped.inc(n),
  });
  let client: MqttClient | null = null;
  let timer: NodeJS.Timeout | null = null;
  let engineRef: AlertEngine | null = null;
  const publishAlerts = options.publishAlerts ?? true;

  const publisher = new Publisher({
    repository,
    telemetry: options.telemetry,
    directory,
    rules,
    publish: publishAlerts
      ? (topic, payload) => {
          if (!client) return;
          client.publish(topic, payload, { qos: 1 }, (err) => {
            if (err) logger.warn({ topic, err: err.message }, 'could not publish an alert message');
          });
        }
      : null,
    dispatcher: options.dispatcher ?? null,
    logger,
    metrics,
    clock,
    consoleBaseUrl: options.consoleBaseUrl ?? null,
    takeReceivedAt: (alertId) => engineRef?.takeReceivedAt(alertId),
  });

  const engine = new AlertEngine({
    state: options.state,
    telemetry: options.telemetry,
    repository,
    directory,
    rules,
    series,
    publisher,
    logger,
    metrics,
    clock,
    cities: options.cities,
    evaluationSpacingMs: options.evaluationSpacingMs,
    retry: options.retry,
  });
  engineRef = engine;

  /** messages of one device are handled in arrival order even when a registry look-up is needed */
  const chains = new Map<string, Promise<void>>();
  /** system status messages, in arrival order */
  let systemChain: Promise<void> | null = null;

  function accept(device: Device | null, topic: DeviceTopic, payload: Buffer, receivedAt: number): void {
    if (!device) return void metrics.skipped.inc({ reason: 'device.unknown' });
    if (device.status !== 'active') return void metrics.skipped.inc({ reason: 'device.revoked' });
    if (device.cityId !== topic.city || device.domain !== topic.domain) return void metrics.skipped.inc({ reason: 'device.topic_mismatch' });
    if (topic.channel === 'status') {
      const status = parseStatus(payload, receivedAt);
      if (!status) return void metrics.skipped.inc({ reason: 'status.malformed' });
      engine.handleStatus(device, status.online, status.since);
      return;
    }
    const decoded = decodeTelemetry(device.domain, payload, { ...options.decode, receivedAt });
    if (decoded.rejections.length > 0) metrics.skipped.inc({ reason: 'value.rejected' }, decoded.rejections.length);
    engine.handleReadings(device, decoded.readings, receivedAt);
  }

  /** a service's disk status: for its city, or for every city (watched) in the registry when it serves them all */
  function onDiskStatus(source: string, payload: Buffer): void {
    const report = parseDiskReport(payload);
    if (!report || report.source !== source) return void metrics.skipped.inc({ reason: 'status.malformed' });
    metrics.messages.inc({ kind: 'system' });
    const cities = report.city !== null ? directory.city(report.city).then((c) => (c ? [c.id] : [])) : options.state.listCities().then((all) => all.map((c) => c.id));
    const next = (systemChain ?? Promise.resolve())
      .then(() => cities)
      .then((ids) => {
        if (ids.length === 0) logger.warn({ source, city: report.city }, 'disk status for a city that is not in the registry; no alert can be raised for it');
        engine.handleDiskReport(report, ids);
      })
      .catch((err: unknown) => {
        metrics.skipped.inc({ reason: 'registry.unavailable' });
        logger.warn({ err: (err as Error).message, source }, 'could not handle a disk status; the next report (or the retained one after a reconnect) is handled again');
      })
      .finally(() => {
        if (systemChain === next) systemChain = null;
      });
    systemChain = next;
  }

  function onMessage(topic: string, payload: Buffer): void {
    const deviceId = parseRegistryEventTopic(topic);
    if (deviceId) {
      directory.invalidateDevice(deviceId);
      return;
    }
    const source = parseDiskStatusTopic(topic);
    if (source) return onDiskStatus(source, payload);
    const parsed = tryParseDeviceTopic(topic);
    if (!parsed || !engine.watches(parsed.city)) return void metrics.skipped.inc({ reason: 'topic.other' });
    metrics.messages.inc({ kind: parsed.channel });
    const receivedAt = clock();
    const handle = (device: Device | null) => {
      try {
        accept(device, parsed, payload, receivedAt);
      } catch (err) {
        // a bug must not take the service down with it: the message is skipped and reported
        metrics.skipped.inc({ reason: 'internal_error' });
        logger.error({ err, topic }, 'could not evaluate a message');
      }
    };
    const pending = chains.get(parsed.deviceId);
    const cached = directory.peekDevice(parsed.deviceId);
    if (!pending && cached !== undefined) {
      handle(cached);
      return;
    }
    const next = (pending ?? Promise.resolve())
      .then(() => directory.device(parsed.deviceId))
      .then(handle, (err: unknown) => {
        metrics.skipped.inc({ reason: 'registry.unavailable' });
        logger.warn({ err: (err as Error).message, deviceId: parsed.deviceId }, 'registry look-up failed; message skipped (the next tick re-evaluates)');
      })
      .finally(() => {
        if (chains.get(parsed.deviceId) === next) chains.delete(parsed.deviceId);
      });
    chains.set(parsed.deviceId, next);
  }

  function connect(): Promise<void> {
    const clientId = options.clientId ?? `mueang-alerts-${options.cities?.length ? options.cities.join('-') : 'all'}`.slice(0, 64);
    const c = mqtt.connect(options.mqttUrl, {
      clientId,
      username: options.mqttUsername,
      password: options.mqttPassword,
      clean: false,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      resubscribe: true,
    });
    client = c;
    c.on('message', onMessage);
    c.on('error', (err) => logger.warn({ err: err.message }, 'mqtt error'));
    c.on('offline', () => logger.warn('mqtt offline; reconnecting'));
    const filters: Record<string, { qos: 1 }> = { [REGISTRY_EVENTS_FILTER]: { qos: 1 }, [DISK_STATUS_FILTER]: { qos: 1 } };
    for (const city of options.cities?.length ? options.cities : [undefined]) {
      filters[telemetryFilter(city)] = { qos: 1 };
      filters[statusFilter(city)] = { qos: 1 };
    }
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => {
        if (!c.connected) reject(new Error(`alerts could not connect to the MQTT broker at ${options.mqttUrl}: ${err.message}`));
      };
      c.once('error', onError);
      c.once('connect', () => {
        c.off('error', onError);
        c.subscribe(filters, (err) => {
          if (err) reject(new Error(`alerts could not subscribe to ${Object.keys(filters).join(', ')}: ${err.message}`));
          else {
            logger.info({ filters: Object.keys(filters), clientId }, 'alerts subscribed');
            resolve();
          }
        });
      });
    });
  }

  return {
    repository,
    metrics: registry,
    engine,
    async start() {
      await engine.restore();
      if (options.seed ?? true) await engine.seed();
      await connect();
      await engine.tick();
      const every = options.tickIntervalMs ?? 15_000;
      if (every > 0) {
        timer = setInterval(() => void engine.tick(), every);
        timer.unref();
      }
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await Promise.allSettled([...chains.values(), systemChain]);
      await engine.flush();
      const c = client;
      client = null;
      if (c) await new Promise<void>((resolve) => c.end(false, {}, () => resolve()));
    },
    tick: () => engine.tick(),
    async flush() {
      await Promise.allSettled([...chains.values(), systemChain]);
      await engine.flush();
    },
    health() {
      const h = engine.health();
      const mqttConnected = client?.connected ?? false;
      return { ...h, ok: mqttConnected && h.lastError === null, mqttConnected, unwrittenAlertEvents: publisher.unwrittenEvents };
    },
  };
}

/** create and start */
export async function startAlertsService(options: AlertsServiceOptions): Promise<AlertsService> {
  const service = createAlertsService(options);
  await service.start();
  return service;
}

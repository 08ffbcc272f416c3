import { createNotificationDispatcher, parseNotifyConfig, SIGNATURE_HEADER, startAlertsService, TIMESTAMP_HEADER, verifyWebhookSignature, type AlertPayload } from '@mueang/alerts';
import { createBroker } from '@mueang/broker';
import { defaultRule, telemetryTopic } from '@mueang/core';
import { startIngest } from '@mueang/ingest';
import { alertRepository, openStateStore, openTelemetryStore, type StateStore } from '@mueang/storage';
import mqtt, { type MqttClient } from 'mqtt';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startChild } from './child.ts';
import { BENCH_SECRET, benchFleet, benchSecretHash, provisionShared } from './fleet.ts';
import { LatencyHistogram } from './histogram.ts';
import type { ConnectResult, RunResult } from './roles/generator.ts';
import { Cleanup, loadAverage, sleep, type Log } from './scenarios/common.ts';

/**
 * Alert latency (issue 3): how long from a device publishing a reading that breaks a rule to the
 * signed webhook arriving at the operator's receiver, while the platform carries background load.
 *
 * In this process, as `npm start` runs them: Aedes broker + ingest -> DuckDB + alerts (engine,
 * StateStore on PGlite, dispatcher with the webhook notifier) + a node:http receiver that checks
 * the HMAC. In a generator process of its own: the bench fleet offering `readingsPerSecond`.
 * Meanwhile, at evenly spaced moments, one trigger device after another publishes ONE reading
 * that raises `waste.fire-risk` (forMs 0: a single reading raises it, so the figure is the
 * pipeline's, not an averaging window's). Each trigger device is new, so each reading raises one
 * new alert, i.e. one webhook. Latency = receipt of the webhook - the moment the reading was
 * handed to the MQTT client.
 */

export interface AlertLatencyOptions {
  /** background readings offered per second by the simulator fleet */
  readingsPerSecond: number;
  /** seconds of background load; the triggers are spread over them */
  seconds: number;
  /** triggering readings, one per new device, each raising one alert */
  alerts: number;
  /** devices of the background fleet (default 200) */
  devices?: number;
  /** QoS 1 publishes in flight for the background load (default 2000) */
  window?: number;
  /** how long to wait for the last webhooks after the load ends (default 30 s) */
  settleMs?: number;
  log?: Log;
}

export interface AlertLatencyResult {
  ruleId: string;
  /** triggering readings published (= alerts expected) */
  published: number;
  /** distinct alerts of trigger devices received by the webhook, signature verified */
  delivered: number;
  /** repeated deliveries of an alert already received (at-least-once) */
  duplicates: number;
  /** requests whose signature did not verify */
  badSignatures: number;
  /** webhooks for devices other than the trigger devices (none expected: the route names only their city) */
  unexpected: number;
  latencyMs: { count: number; p50: number; p99: number; max: number; mean: number };
  /** each trigger's latency in publish order (null: no webhook): a rising series is a queue building up */
  latencyInOrderMs: Array<number | null>;
  background: {
    offeredPerSecond: number;
    devices: number;
    sent: number;
    acked: number;
    unacked: number;
    unsent: number;
    /** readings acknowledged by the broker per second over the load's seconds */
    achievedPerSecond: number;
  };
  /** where the time goes, from the alerts service itself */
  alertsService: {
    /** mean of mueang_alerts_engine_raise_latency_seconds: reading's arrival at the engine -> hand-off to the notifiers */
    engineRaiseMeanMs: number | null;
    /** alerts raised in the run, every city (the background fleet raises its own: bins filling up, ...) */
    alertsRaised: number;
    /** most StateStore writes waiting in the engine's serial queue, sampled every second */
    peakPendingOperations: number;
  };
  loadAverage: { start: number; end: number };
  durationMs: number;
}

/** for the bench CLI: `alert-latency` with its defaults and the function that runs it */
export const ALERT_LATENCY_SCENARIO = {
  name: 'alert-latency',
  summary: 'reading that breaks a rule -> broker -> alerts -> signed webhook received (p50/p99/max), under simulator background load',
  defaults: { readingsPerSecond: 1000, seconds: 30, alerts: 60 },
  smoke: { readingsPerSecond: 50, seconds: 3, alerts: 3, devices: 10, window: 50, settleMs: 20_000 },
  run: (options: AlertLatencyOptions) => runAlertLatencyBench(options),
  render: (result: AlertLatencyResult) => alertLatencyTable(result),
} as const;

const TRIGGER_CITY = 'benchalert';
const TRIGGER_SITE = 'benchalert-depot';
const TRIGGER_RULE = 'waste.fire-risk';
const SERVICE = { username: 'bench-alerts', password: randomBytes(24).toString('base64url') };
const WEBHOOK_SECRET = randomBytes(24).toString('base64url');

/** a temperature that raises the fire-risk rule: its own threshold (core's rules data) plus a margin */
function triggerTemperature(): number {
  const rule = defaultRule(TRIGGER_RULE);
  const hot = rule?.conditions.find((c) => c.kind === 'threshold' && c.parameter === 'temperature');
  if (!rule || !hot || hot.kind !== 'threshold') throw new Error(`${TRIGGER_RULE} has no temperature threshold in @mueang/core's default rules: pick another trigger rule`);
  if (rule.forMs !== 0 || (hot.forMs ?? 0) !== 0) throw new Error(`${TRIGGER_RULE} now waits ${hot.forMs ?? rule.forMs} ms before raising: the latency would measure that wait; pick a rule with forMs 0`);
  return hot.value + 15;
}

function triggerDeviceId(i: number): string {
  return `${TRIGGER_CITY}-waste-${String(i + 1).padStart(4, '0')}`;
}

interface Receiver {
  url: string;
  /** first verified receipt time per alert of a trigger device, by device id */
  received: Map<string, number>;
  duplicates: number;
  badSignatures: number;
  unexpected: number;
  server: http.Server;
}

/** the operator's endpoint: verifies the HMAC, notes when each alert arrived */
async function startReceiver(triggerDevices: Set<string>): Promise<Receiver> {
  const r: Omit<Receiver, 'url' | 'server'> = { received: new Map(), duplicates: 0, badSignatures: 0, unexpected: 0 };
  const server = http.createServer((req, res) => {
    // the request's arrival, before the body is read: what the operator would see first
    const arrivedAt = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const verdict = verifyWebhookSignature({
        secret: WEBHOOK_SECRET,
        rawBody,
        signature: req.headers[SIGNATURE_HEADER.toLowerCase()] as string,
        timestamp: req.headers[TIMESTAMP_HEADER.toLowerCase()] as string,
      });
      if (!verdict.ok) {
        r.badSignatures++;
        res.writeHead(401).end();
        return;
      }
      const payload = JSON.parse(rawBody.toString('utf8')) as AlertPayload;
      const device = payload.device?.id ?? '';
      if (!triggerDevices.has(device) || payload.ruleId !== TRIGGER_RULE) r.unexpected++;
      else if (r.received.has(device)) r.duplicates++;
      else r.received.set(device, arrivedAt);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(r, { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/alerts` });
}

async function registerTriggerDevices(state: StateStore, count: number): Promise<string[]> {
  // the same reduced-cost hash as the background fleet (see fleet.ts): logins happen before the measurement
  const secretHash = await benchSecretHash('reduced');
  await state.upsertCity({ id: TRIGGER_CITY, name: 'Bench alerts', nameTh: 'ทดสอบการแจ้งเตือน', timezone: 'Asia/Bangkok' });
  await state.upsertSite({ id: TRIGGER_SITE, cityId: TRIGGER_CITY, name: 'Bench depot', nameTh: 'คลังทดสอบ', kind: 'depot' });
  const ids = Array.from({ length: count }, (_, i) => triggerDeviceId(i));
  for (const id of ids) await state.upsertDevice({ id, cityId: TRIGGER_CITY, siteId: TRIGGER_SITE, domain: 'waste', kind: 'bin-sensor', name: `Bench bin ${id.slice(-4)}`, secretHash });
  return ids;
}

export async function runAlertLatencyBench(options: AlertLatencyOptions): Promise<AlertLatencyResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { readingsPerSecond, seconds, alerts } = options;
  for (const [name, value] of Object.entries({ readingsPerSecond, seconds, alerts })) {
    if (!Number.isFinite(value) || value <= 0) throw new Error(`runAlertLatencyBench: ${name} must be a number above 0, got ${value}`);
  }
  const devices = options.devices ?? 200;
  const window = options.window ?? 2000;
  const settleMs = options.settleMs ?? 30_000;
  const temperature = triggerTemperature();
  const started = Date.now();
  const loadAtStart = loadAverage();
  const cleanup = new Cleanup();
  const logger = pino({ level: 'warn' }, pino.destination(2));
  try {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mueang-bench-alerts-'));
    cleanup.add(() => rm(dir, { recursive: true, force: true }));
    const state = await openStateStore({ kind: 'pglite' });
    cleanup.add(() => state.close());
    const telemetry = await openTelemetryStore({ kind: 'duckdb', path: path.join(dir, 'telemetry.duckdb') });
    cleanup.add(() => telemetry.close());
    await provisionShared(state, benchFleet(devices), 'reduced');
    const triggers = await registerTriggerDevices(state, alerts);
    const receiver = await startReceiver(new Set(triggers));
    cleanup.add(() => new Promise((resolve) => receiver.server.close(resolve)));

    const broker = await createBroker({ registry: state, serviceAccounts: [SERVICE], host: '127.0.0.1', mqttPort: 0, logger });
    cleanup.add(() => broker.close());
    const ingest = await startIngest({ mqtt: { url: broker.url, ...SERVICE, clientId: 'bench-alerts-ingest' }, store: telemetry, registry: state, journalDir: path.join(dir, 'journal'), logger });
    cleanup.add(() => ingest.stop());
    const notify = parseNotifyConfig({
      webhook: { secret: WEBHOOK_SECRET, timeoutMs: 10_000 },
      recipients: [{ id: 'bench-hook', name: 'Bench operations centre', channel: 'webhook', address: receiver.url, language: 'both' }],
      routes: [{ id: 'bench-raised', cities: [TRIGGER_CITY], transitions: ['raised'], recipients: ['bench-hook'] }],
    });
    if (!notify.ok) throw new Error(`alert-latency notify configuration: ${notify.errors.join('; ')}`);
    const notifications = await createNotificationDispatcher({ notify: notify.value, repository: alertRepository(state), logger, refreshMs: 0 });
    cleanup.add(() => notifications.close({ timeoutMs: 5000 }));
    const alertsService = await startAlertsService({ mqttUrl: broker.url, mqttUsername: SERVICE.username, mqttPassword: SERVICE.password, clientId: 'bench-alerts-engine', state, telemetry, dispatcher: notifications.dispatcher, logger });
    cleanup.add(() => alertsService.stop());
    log(`alert-latency: platform up (broker, ingest -> DuckDB, alerts on PGlite, webhook receiver) in ${Date.now() - started} ms`);

    const clients = await Promise.all(triggers.map((id) => mqtt.connectAsync(broker.url, { clientId: id, username: id, password: BENCH_SECRET, clean: true, reconnectPeriod: 0 })));
    cleanup.add(() => Promise.all(clients.map((c) => c.endAsync())));

    const generator = await startChild('generator', 'alert-latency-generator');
    cleanup.add(() => generator.stop());
    const connected = await generator.call<ConnectResult>('connect', { url: broker.url, fleetSize: devices, from: 0, to: devices, concurrency: 16 });
    if (connected.connected === 0) throw new Error(`no background device connected: ${connected.firstError}`);
    log(`alert-latency: ${connected.connected} background devices connected in ${connected.ms} ms; ${alerts} trigger devices; ${readingsPerSecond} readings/s for ${seconds} s`);

    const durationMs = seconds * 1000;
    const load = generator.call<RunResult>('run', { mode: 'open', segments: [{ perSecond: readingsPerSecond, durationMs }], window, drainTimeoutMs: 5000 });
    const publishedAt = new Map<string, number>();
    let peakPendingOperations = 0;
    const sampler = setInterval(() => {
      peakPendingOperations = Math.max(peakPendingOperations, alertsService.health().pendingOperations);
    }, 1000);
    cleanup.add(async () => clearInterval(sampler));
    // the first trigger after a tenth of the run (the load has settled), the rest evenly spread
    const warmupMs = Math.min(3000, durationMs / 10);
    const spacingMs = (durationMs - warmupMs) / alerts;
    const runStart = Date.now();
    for (let i = 0; i < alerts; i++) {
      await sleep(Math.max(0, runStart + warmupMs + i * spacingMs - Date.now()));
      const id = triggers[i]!;
      const client: MqttClient = clients[i]!;
      const ts = Date.now();
      publishedAt.set(id, ts);
      client.publish(telemetryTopic(TRIGGER_CITY, 'waste', id), JSON.stringify({ ts, values: { temperature } }), { qos: 1 });
    }
    const background = await load;
    const deadline = Date.now() + settleMs;
    while (receiver.received.size < alerts && Date.now() < deadline) await sleep(50);
    clearInterval(sampler);
    // a histogram's values carry their series name (_bucket, _sum, _count)
    const raise = ((await alertsService.metrics.getSingleMetric('mueang_alerts_engine_raise_latency_seconds')?.get())?.values ?? []) as Array<{ metricName?: string; value: number }>;
    const raiseSum = raise.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
    const raiseCount = raise.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;

    const histogram = new LatencyHistogram();
    for (const [device, at] of receiver.received) histogram.add(at - publishedAt.get(device)!);
    const s = histogram.summary();
    const ackedInWindow = background.perSecond.slice(0, seconds).reduce((sum, x) => sum + x.acked, 0);
    const result: AlertLatencyResult = {
      ruleId: TRIGGER_RULE,
      published: publishedAt.size,
      delivered: receiver.received.size,
      duplicates: receiver.duplicates,
      badSignatures: receiver.badSignatures,
      unexpected: receiver.unexpected,
      latencyMs: { count: s.count, p50: s.p50, p99: s.p99, max: s.max, mean: Math.round(s.mean) },
      latencyInOrderMs: triggers.map((id) => {
        const at = receiver.received.get(id);
        const sent = publishedAt.get(id);
        return at === undefined || sent === undefined ? null : at - sent;
      }),
      background: {
        offeredPerSecond: readingsPerSecond,
        devices: connected.connected,
        sent: background.sent,
        acked: background.acked,
        unacked: background.unacked,
        unsent: background.unsent,
        achievedPerSecond: Math.round(ackedInWindow / seconds),
      },
      alertsService: {
        engineRaiseMeanMs: raiseCount > 0 ? Math.round((raiseSum / raiseCount) * 1000) : null,
        alertsRaised: await alertRepository(state).count({}),
        peakPendingOperations,
      },
      loadAverage: { start: loadAtStart, end: loadAverage() },
      durationMs: Date.now() - started,
    };
    log(`alert-latency: ${result.delivered}/${result.published} webhooks, p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms; background ${result.background.achievedPerSecond}/${readingsPerSecond} readings/s`);
    return result;
  } finally {
    await cleanup.run();
  }
}

export function alertLatencyTable(r: AlertLatencyResult): string {
  return [
    '| rule | alerts published | webhooks received | p50 ms | p99 ms | max ms | background offered/s | background achieved/s | load average |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    `| ${r.ruleId} | ${r.published} | ${r.delivered} | ${r.latencyMs.p50} | ${r.latencyMs.p99} | ${r.latencyMs.max} | ${r.background.offeredPerSecond} | ${r.background.achievedPerSecond} | ${r.loadAverage.start} -> ${r.loadAverage.end} |`,
  ].join('\n');
}

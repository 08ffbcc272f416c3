import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createBroker, type BrokerHandle } from '@mueang/broker';
import { generateSecret, hashSecret, telemetryFilter, telemetryTopic } from '@mueang/core';
import { startIngest, type Ingest } from '@mueang/ingest';
import { alertRepository, openStateStore, openTelemetryStore, type StateStore, type TelemetryStore } from '@mueang/storage';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  createNotificationDispatcher,
  parseNotifyConfig,
  startAlertsService,
  verifyWebhookSignature,
  type AlertPayload,
  type AlertsService,
  type NotificationDispatcher,
} from '../src/index.ts';
import { HOUR, MINUTE } from './helpers.ts';
import { parseMail, type ParsedMail } from './mime.ts';

/**
 * From a device's MQTT readings through the broker, ingest and the alerts service to delivered notifications: a real
 * SMTP server, a webhook receiver that verifies the HMAC, and a stand-in for LINE's API that checks the documented
 * push request. A day of PM2.5 around 52.5 µg/m³ must reach all three, naming the station, the value, the standard
 * and the times.
 */
const SERVICE = { username: 'platform', password: generateSecret() };
const WEBHOOK_SECRET = 'e2e-webhook-secret-0123456789abcdef';
const LINE_TOKEN = 'e2e-line-channel-access-token-0123456789';
const LINE_GROUP = `C${'0123456789abcdef'.repeat(2)}`;
const DEVICE = 'cnx-air-nimman-1';
const silent = pino({ level: 'silent' });

interface Received<T> {
  items: T[];
  problems: string[];
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** 'YYYY HH:MM' of a time in Asia/Bangkok, worked out here rather than by the code under test */
function bangkokClock(ts: number, yearOffset = 0): string {
  const d = new Date(ts + 7 * HOUR);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear() + yearOffset} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

describe('end to end: MQTT readings -> ingest -> alerts -> e-mail, webhook, LINE', () => {
  let dir: string;
  let state: StateStore;
  let telemetry: TelemetryStore;
  let broker: BrokerHandle;
  let ingest: Ingest;
  let alerts: AlertsService;
  let notifications: NotificationDispatcher;
  let device: MqttClient;
  let watcher: MqttClient;
  let smtp: SMTPServer;
  let webhookServer: http.Server;
  let lineServer: http.Server;
  const mails: Received<ParsedMail> = { items: [], problems: [] };
  const hooks: Received<AlertPayload> = { items: [], problems: [] };
  const lines: Received<{ to: string; text: string }> = { items: [], problems: [] };
  const alertMessages: Array<{ topic: string; body: { alertId: string; transition: string; ruleId: string } }> = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mueang-alerts-e2e-'));
    state = await openStateStore({ kind: 'pglite' });
    telemetry = await openTelemetryStore({ kind: 'duckdb', path: ':memory:' });
    const secret = generateSecret();
    await state.upsertCity({ id: 'cnx', name: 'Chiang Mai', nameTh: 'เชียงใหม่' });
    await state.upsertSite({ id: 'cnx-nimman', cityId: 'cnx', name: 'Nimmanhaemin', nameTh: 'นิมมานเหมินท์' });
    await state.upsertDevice({ id: DEVICE, cityId: 'cnx', siteId: 'cnx-nimman', domain: 'air', kind: 'aq-station', name: 'Nimman air station', secretHash: await hashSecret(secret) });

    smtp = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.items.push(parseMail(Buffer.concat(chunks).toString('utf8')));
          callback();
        });
      },
    });
    smtp.on('error', () => undefined);
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const smtpPort = (smtp.server.address() as AddressInfo).port;

    webhookServer = http.createServer((req, res) => {
      void readBody(req).then((raw) => {
        const verdict = verifyWebhookSignature({ secret: WEBHOOK_SECRET, rawBody: raw, signature: req.headers[SIGNATURE_HEADER.toLowerCase()] as string, timestamp: req.headers[TIMESTAMP_HEADER.toLowerCase()] as string });
        if (!verdict.ok) {
          hooks.problems.push(verdict.reason);
          res.writeHead(401).end();
          return;
        }
        hooks.items.push(JSON.parse(raw.toString('utf8')) as AlertPayload);
        res.writeHead(204).end();
      });
    });
    const webhookUrl = await listen(webhookServer);

    // the documented request: POST /v2/bot/message/push, Bearer token, JSON {to, messages: [{type: 'text', text}]}
    lineServer = http.createServer((req, res) => {
      void readBody(req).then((raw) => {
        const problems: string[] = [];
        if (req.method !== 'POST' || req.url !== '/v2/bot/message/push') problems.push(`${req.method} ${req.url}`);
        if (req.headers.authorization !== `Bearer ${LINE_TOKEN}`) problems.push('authorization header');
        if (!String(req.headers['content-type']).startsWith('application/json')) problems.push('content-type');
        if (!/^[0-9a-f-]{36}$/.test(String(req.headers['x-line-retry-key']))) problems.push('X-Line-Retry-Key');
        let body: { to?: unknown; messages?: Array<{ type?: unknown; text?: unknown }> } = {};
        try {
          body = JSON.parse(raw.toString('utf8')) as typeof body;
        } catch {
          problems.push('body is not JSON');
        }
        const message = body.messages?.[0];
        if (body.to !== LINE_GROUP || body.messages?.length !== 1 || message?.type !== 'text' || typeof message.text !== 'string' || message.text.length > 5000) problems.push('body shape');
        if (problems.length > 0) {
          lines.problems.push(...problems);
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: problems.join('; ') }));
          return;
        }
        lines.items.push({ to: body.to as string, text: message!.text as string });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sentMessages: [{ id: '1', quoteToken: 'q' }] }));
      });
    });
    const lineUrl = await listen(lineServer);

    broker = await createBroker({ registry: state, serviceAccounts: [SERVICE], host: '127.0.0.1', mqttPort: 0, logger: silent });
    ingest = await startIngest({ mqtt: { url: broker.url, ...SERVICE, clientId: 'e2e-ingest' }, store: telemetry, registry: state, journalDir: path.join(dir, 'journal'), logger: silent, rollupIntervalMs: 0 });

    const notify = parseNotifyConfig({
      webhook: { secret: WEBHOOK_SECRET, timeoutMs: 5000 },
      email: { host: '127.0.0.1', port: smtpPort, secure: false, from: 'Mueang Alerts <alerts@example.go.th>', timeoutMs: 5000 },
      line: { channelAccessToken: LINE_TOKEN, baseURL: lineUrl, timeoutMs: 5000 },
      recipients: [
        { id: 'cnx-ops-hook', name: 'Chiang Mai operations centre', channel: 'webhook', address: `${webhookUrl}/hooks/alerts`, language: 'both' },
        { id: 'cnx-env-mail', name: 'Chiang Mai environment office', channel: 'email', address: 'env-office@example.go.th', language: 'both' },
        { id: 'cnx-duty-line', name: 'Duty officers (LINE group)', channel: 'line', address: LINE_GROUP, language: 'th' },
      ],
      routes: [{ id: 'cnx-serious', cities: ['cnx'], severities: ['critical', 'major'], recipients: ['cnx-ops-hook', 'cnx-env-mail', 'cnx-duty-line'] }],
      retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 200 },
    });
    if (!notify.ok) throw new Error(notify.errors.join('\n'));
    notifications = await createNotificationDispatcher({ notify: notify.value, repository: alertRepository(state), logger: silent, refreshMs: 0 });
    alerts = await startAlertsService({
      mqttUrl: broker.url,
      mqttUsername: SERVICE.username,
      mqttPassword: SERVICE.password,
      clientId: 'e2e-alerts',
      state,
      telemetry,
      dispatcher: notifications.dispatcher,
      logger: silent,
      tickIntervalMs: 500,
      evaluationSpacingMs: 0,
      consoleBaseUrl: 'http://127.0.0.1:8080/console',
    });

    watcher = await mqtt.connectAsync(broker.url, { ...SERVICE, clientId: 'e2e-watcher' });
    watcher.on('message', (topic, payload) => alertMessages.push({ topic, body: JSON.parse(payload.toString('utf8')) as (typeof alertMessages)[number]['body'] }));
    await watcher.subscribeAsync('v1/cnx/alerts/+', { qos: 1 });
    device = await mqtt.connectAsync(broker.url, { username: DEVICE, password: secret, clientId: DEVICE });
  }, 60_000);

  afterAll(async () => {
    await device?.endAsync();
    await watcher?.endAsync();
    await alerts?.stop();
    await notifications?.close({ timeoutMs: 2000 });
    await ingest?.stop();
    await broker?.close();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
    await new Promise((resolve) => webhookServer?.close(resolve));
    await new Promise((resolve) => lineServer?.close(resolve));
    await telemetry?.close();
    await state?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a day of PM2.5 above 37.5 µg/m³ is delivered by e-mail, webhook and LINE, naming station, value, standard and times', async () => {
    // 24 hours of readings every 10 minutes, alternating 52 and 53 µg/m³ (24 h mean 52.5), sent as hourly batches
    const end = Math.floor(Date.now() / MINUTE) * MINUTE - MINUTE;
    for (let hour = 23; hour >= 0; hour--) {
      const readings = Array.from({ length: 6 }, (_, i) => {
        const ts = end - hour * HOUR - (5 - i) * 10 * MINUTE;
        return { ts, values: { pm25: i % 2 === 0 ? 52 : 53 } };
      });
      await device.publishAsync(telemetryTopic('cnx', 'air', DEVICE), JSON.stringify({ readings }), { qos: 1 });
    }

    const repo = alertRepository(state);
    let pmAlertId = '';
    await waitFor(() => {
      const hook = hooks.items.find((h) => h.ruleId === 'air.pm25.24h' && h.transition === 'raised');
      if (hook) pmAlertId = hook.alertId;
      return hook !== undefined && mails.items.some((m) => m.text.includes(pmAlertId)) && lines.items.some((l) => l.text.includes(pmAlertId));
    }, 'the PM2.5 alert by webhook, e-mail and LINE');
    expect(hooks.problems).toEqual([]);
    expect(lines.problems).toEqual([]);

    const alert = await repo.get(pmAlertId);
    expect(alert).toMatchObject({ ruleId: 'air.pm25.24h', deviceId: DEVICE, state: 'active', severity: 'major', standardId: 'th-aaqs-pm25-24h', standardVersion: '2023-06-01' });
    const [raised] = await repo.history(pmAlertId);
    const at = raised!.at;
    const windowFrom = at - 24 * HOUR;

    // webhook: signed JSON with the notification and both texts
    const hook = hooks.items.find((h) => h.alertId === pmAlertId)!;
    expect(hook).toMatchObject({
      transition: 'raised',
      parameter: 'pm25',
      value: 52.5,
      unit: 'µg/m³',
      standard: { id: 'th-aaqs-pm25-24h', version: '2023-06-01', limit: 37.5 },
      site: { id: 'cnx-nimman', name: 'Nimmanhaemin', nameTh: 'นิมมานเหมินท์' },
      device: { id: DEVICE, name: 'Nimman air station' },
      at,
      windowFrom,
      windowTo: at,
      consoleUrl: `http://127.0.0.1:8080/console/alerts/${pmAlertId}`,
    });
    expect(hook.text.en).toContain('Station: Nimmanhaemin, Chiang Mai');
    expect(hook.text.en).toContain('52.5 µg/m³');

    // e-mail: both languages, station, value, standard id and Bangkok times (Buddhist Era in Thai)
    const mail = mails.items.find((m) => m.text.includes(pmAlertId))!;
    expect(mail.subject).toContain('Nimmanhaemin');
    for (const expected of [
      'Station: Nimmanhaemin, Chiang Mai',
      'Device: Nimman air station (cnx-air-nimman-1)',
      'PM2.5: 52.5 µg/m³',
      'th-aaqs-pm25-24h version 2023-06-01',
      'limit 37.5 µg/m³',
      `${bangkokClock(at)} ICT`,
      bangkokClock(windowFrom),
      'สถานี: นิมมานเหมินท์ เชียงใหม่',
      `${bangkokClock(at, 543)} น.`,
    ]) {
      expect(mail.text).toContain(expected);
    }
    expect(mail.html).toContain('th-aaqs-pm25-24h');

    // LINE: the Thai text to the duty group
    const line = lines.items.find((l) => l.text.includes(pmAlertId))!;
    expect(line.to).toBe(LINE_GROUP);
    for (const expected of ['สถานี: นิมมานเหมินท์ เชียงใหม่', '52.5 µg/m³', 'th-aaqs-pm25-24h', `${bangkokClock(at, 543)} น.`, `${bangkokClock(windowFrom, 543)} น. – `]) {
      expect(line.text).toContain(expected);
    }

    // every attempt is in the delivery log; the transition was published on MQTT and written for dashboards
    await waitFor(() => alertMessages.some((m) => m.body.alertId === pmAlertId), 'the alert on v1/cnx/alerts/+');
    expect(alertMessages.find((m) => m.body.alertId === pmAlertId)).toMatchObject({ topic: `v1/cnx/alerts/${pmAlertId}`, body: { transition: 'raised', ruleId: 'air.pm25.24h' } });
    // the log row follows the server's answer: poll for it
    await expect
      .poll(async () => new Set((await repo.listDeliveries({ alertId: pmAlertId })).filter((d) => d.ok).map((d) => d.recipientId)), { timeout: 10_000 })
      .toEqual(new Set(['cnx-ops-hook', 'cnx-env-mail', 'cnx-duty-line']));
    const events = await telemetry.queryAlertEvents({ city: 'cnx', from: 0, to: Number.MAX_SAFE_INTEGER });
    expect(events).toContainEqual(expect.objectContaining({ alertId: pmAlertId, transition: 'raised', device: DEVICE, value: 52.5, standardId: 'th-aaqs-pm25-24h' }));
    // ingest stored the same readings the alerts judged
    await ingest.flush();
    expect(await telemetry.queryRaw({ domain: 'air', device: DEVICE, from: end - 25 * HOUR, to: end + 1 })).toHaveLength(144);
    expect(telemetryFilter('cnx')).toBe('v1/cnx/+/+/telemetry');
  });
});

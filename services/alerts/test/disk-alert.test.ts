import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createBroker, type BrokerHandle } from '@mueang/broker';
import { DISK_SPACE_RULE_ID, generateSecret } from '@mueang/core';
import { startIngest, type Ingest } from '@mueang/ingest';
import { alertRepository, openStateStore, openTelemetryStore, type StateStore, type TelemetryStore } from '@mueang/storage';
import pino from 'pino';
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
  type AlertsServiceOptions,
  type NotificationDispatcher,
} from '../src/index.ts';

/**
 * A nearly full disk under ingest -> its retained status on mueang/system/ingest-all/disk -> the alerts service raises
 * system.disk-space for every city through the normal lifecycle -> a signed webhook; space back -> cleared. Ingest,
 * the broker, the alerts service and the notifier are real; only statfs(2) is stood in, so the test decides how full
 * the disk is.
 */
const SERVICE = { username: 'platform', password: generateSecret() };
const WEBHOOK_SECRET = 'disk-webhook-secret-0123456789abcdef';
const silent = pino({ level: 'silent' });
const GB = 1e9;

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('system.disk-space: a nearly full disk becomes an alert, and clears when space comes back', () => {
  let dir: string;
  let state: StateStore;
  let telemetry: TelemetryStore;
  let broker: BrokerHandle;
  let ingest: Ingest;
  let alerts: AlertsService;
  let alertsOptions: AlertsServiceOptions;
  let notifications: NotificationDispatcher;
  let webhookServer: http.Server;
  const hooks: AlertPayload[] = [];
  const hookProblems: string[] = [];
  /** what statfs(2) says about the journal's volume: 100 GB, this much free (in blocks of 1 kB) */
  let freeBytes = 40 * GB;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mueang-disk-alert-'));
    state = await openStateStore({ kind: 'pglite' });
    telemetry = await openTelemetryStore({ kind: 'duckdb', path: ':memory:' });
    await state.upsertCity({ id: 'cnx', name: 'Chiang Mai', nameTh: 'เชียงใหม่' });
    await state.upsertCity({ id: 'pkt', name: 'Phuket', nameTh: 'ภูเก็ต' });

    webhookServer = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const verdict = verifyWebhookSignature({ secret: WEBHOOK_SECRET, rawBody: raw, signature: req.headers[SIGNATURE_HEADER.toLowerCase()] as string, timestamp: req.headers[TIMESTAMP_HEADER.toLowerCase()] as string });
        if (!verdict.ok) {
          hookProblems.push(verdict.reason);
          res.writeHead(401).end();
          return;
        }
        hooks.push(JSON.parse(raw.toString('utf8')) as AlertPayload);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => webhookServer.listen(0, '127.0.0.1', resolve));
    const webhookUrl = `http://127.0.0.1:${(webhookServer.address() as AddressInfo).port}/hooks`;

    broker = await createBroker({ registry: state, serviceAccounts: [SERVICE], host: '127.0.0.1', mqttPort: 0, logger: silent });
    ingest = await startIngest({
      mqtt: { url: broker.url, ...SERVICE, clientId: 'disk-alert-ingest' },
      store: telemetry,
      registry: state,
      journalDir: path.join(dir, 'journal'),
      rollupIntervalMs: 0,
      // sampled when the test says so
      disk: { intervalMs: 3_600_000, statfs: async () => ({ bavail: Math.round(freeBytes / 1000), bsize: 1000, blocks: 100_000_000 }) },
      logger: silent,
    });

    const notify = parseNotifyConfig({
      webhook: { secret: WEBHOOK_SECRET, timeoutMs: 5000 },
      recipients: [{ id: 'cnx-it', name: 'Chiang Mai IT duty', channel: 'webhook', address: webhookUrl, language: 'both' }],
      // the IT duty hears about the platform only, in its own city
      routes: [{ id: 'cnx-platform', cities: ['cnx'], domains: ['system'], recipients: ['cnx-it'] }],
      retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 200 },
    });
    if (!notify.ok) throw new Error(notify.errors.join('\n'));
    notifications = await createNotificationDispatcher({ notify: notify.value, repository: alertRepository(state), logger: silent, refreshMs: 0 });
    alertsOptions = {
      mqttUrl: broker.url,
      mqttUsername: SERVICE.username,
      mqttPassword: SERVICE.password,
      clientId: 'disk-alert-alerts',
      state,
      telemetry,
      dispatcher: notifications.dispatcher,
      logger: silent,
      tickIntervalMs: 500,
      // rules are data: no quiet period here, so the test need not wait ten minutes for the clear
      rules: { rules: { [DISK_SPACE_RULE_ID]: { clearAfterQuietMs: 0 } } },
    };
    alerts = await startAlertsService(alertsOptions);
  }, 60_000);

  afterAll(async () => {
    await alerts?.stop();
    await notifications?.close({ timeoutMs: 2000 });
    await ingest?.stop();
    await broker?.close();
    await new Promise((resolve) => webhookServer?.close(resolve));
    await telemetry?.close();
    await state?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('raises it critical for every city ingest serves, notifies by webhook in Thai and English, survives a restart, and clears', async () => {
    const repo = alertRepository(state);
    const active = async () => (await repo.list({ ruleId: DISK_SPACE_RULE_ID, state: 'active' })).items;

    // plenty of space: a status is published, nothing is raised
    expect((await ingest.sampleDisk())?.level).toBe('ok');
    await alerts.flush();
    expect(await active()).toEqual([]);

    // 3 GB of 100 GB free: below 5 %
    freeBytes = 3 * GB;
    expect((await ingest.sampleDisk())?.level).toBe('critical');
    await waitFor(async () => (await active()).length === 2, 'the disk alert in both cities');
    const raised = await active();
    expect(raised.map((a) => a.cityId).sort()).toEqual(['cnx', 'pkt']);
    for (const a of raised) {
      expect(a).toMatchObject({ domain: 'system', severity: 'critical', siteId: null, deviceId: null, parameter: 'diskFree', value: 3, unit: '%', dedupKey: `system/ingest-all/${a.cityId}/${DISK_SPACE_RULE_ID}` });
      expect(a.details).toMatchObject({ source: 'ingest-all', conditionId: 'critical' });
    }
    const cnxAlert = raised.find((a) => a.cityId === 'cnx')!;

    await waitFor(() => hooks.some((h) => h.alertId === cnxAlert.id && h.transition === 'raised'), 'the webhook of the raise');
    expect(hookProblems).toEqual([]);
    // only the route's city
    expect(new Set(hooks.map((h) => h.city.id))).toEqual(new Set(['cnx']));
    const hook = hooks.find((h) => h.alertId === cnxAlert.id)!;
    expect(hook).toMatchObject({ ruleId: DISK_SPACE_RULE_ID, severity: 'critical', domain: 'system', site: null, device: null, value: 3, unit: '%', system: { source: 'ingest-all' } });
    expect(hook.ruleName).toEqual({ en: 'Platform disk nearly full', th: 'พื้นที่ดิสก์ของระบบใกล้เต็ม' });
    expect(hook.text.en).toContain('Free disk space: 3.0 %');
    expect(hook.text.en).toContain(`Server: ingest-all journal ${path.join(dir, 'journal')}: 3.0 GB free of 100.0 GB (3 %), level critical`);
    expect(hook.text.th).toContain('พื้นที่ดิสก์ว่าง: 3.0 %');
    expect(hook.text.th).toContain('เซิร์ฟเวอร์: ingest-all');

    // a restart of the alerts service continues the same alerts (the retained status arrives again)
    await alerts.stop();
    alerts = await startAlertsService(alertsOptions);
    await alerts.flush();
    expect((await active()).map((a) => a.id).sort()).toEqual(raised.map((a) => a.id).sort());

    // space back: cleared, and the webhook says so
    freeBytes = 40 * GB;
    expect((await ingest.sampleDisk())?.level).toBe('ok');
    await waitFor(async () => (await active()).length === 0, 'the disk alerts cleared');
    await waitFor(() => hooks.some((h) => h.alertId === cnxAlert.id && h.transition === 'cleared'), 'the webhook of the clear');
    expect(hooks.filter((h) => h.alertId === cnxAlert.id).map((h) => h.transition)).toEqual(['raised', 'cleared']);
    expect((await repo.history(cnxAlert.id)).map((t) => t.transition)).toEqual(['raised', 'cleared']);
    // the dashboards' alert events hold the system alert too
    const events = await telemetry.queryAlertEvents({ city: 'cnx', from: 0, to: Number.MAX_SAFE_INTEGER });
    expect(events.filter((e) => e.alertId === cnxAlert.id).map((e) => [e.transition, e.domain])).toEqual(
      expect.arrayContaining([
        ['raised', 'system'],
        ['cleared', 'system'],
      ]),
    );
  });
});

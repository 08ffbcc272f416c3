import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freeLocalPort } from '@mueang/testkit';
import { Registry } from 'prom-client';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backoffDelay, createDispatcher, NotifyConfigError, type Timers } from '../../src/notify/dispatcher.ts';
import { createEmailNotifier } from '../../src/notify/email/index.ts';
import { createLineNotifier } from '../../src/notify/line/index.ts';
import { InMemoryDeliveryLog } from '../../src/notify/memory-log.ts';
import type { AlertNotification, DeliveryResult, Notifier, Recipient } from '../../src/notify/types.ts';
import { createWebhookNotifier, verifyWebhookSignature } from '../../src/notify/webhook/index.ts';
import { capturingLogger, pm25Notification, waitFor } from './fixtures.ts';

const SECRET = 'dispatcher-test-secret-0123456789';
const LINE_TOKEN = 'dispatcher-test-line-token-0123456789';
const LINE_USER = `U${'fedcba9876543210'.repeat(2)}`;
const EMAIL = 'somchai.env@example.go.th';

/** start an HTTP server on a given port (0 = any) */
async function listen(handler: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void, port = 0): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks), res));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

async function stop(server: http.Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

describe('dispatcher with real receivers: a webhook that is down does not hold up e-mail and LINE', () => {
  let smtp: SMTPServer;
  let smtpPort: number;
  let lineServer: http.Server;
  let webhookServer: http.Server | undefined;
  let webhookPort: number;
  const mails: string[] = [];
  const linePushes: string[] = [];
  const webhookRequests: Array<{ delivery: string; verified: boolean; status: number }> = [];

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push(Buffer.concat(chunks).toString('utf8'));
          callback();
        });
      },
    });
    smtp.on('error', () => undefined);
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as AddressInfo).port;
    lineServer = await listen((req, body, res) => {
      if (req.url === '/v2/bot/message/push' && req.headers.authorization === `Bearer ${LINE_TOKEN}`) {
        linePushes.push(body.toString('utf8'));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"sentMessages":[]}');
      } else res.writeHead(400).end();
    });
    // reserved but closed: the webhook receiver refuses connections until a test starts it
    webhookPort = await freeLocalPort();
  });

  afterAll(async () => {
    await stop(lineServer);
    await stop(webhookServer);
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('delivers e-mail and LINE promptly, retries the webhook until it recovers, and records every attempt', async () => {
    const recipients: Recipient[] = [
      { id: 'ops-webhook', name: 'Operations', channel: 'webhook', address: `http://127.0.0.1:${webhookPort}/hooks/alerts`, language: 'en' },
      { id: 'env-office', name: 'Environment office', channel: 'email', address: EMAIL, language: 'th' },
      { id: 'duty-officer', name: 'Duty officer', channel: 'line', address: LINE_USER, language: 'th' },
    ];
    const log = new InMemoryDeliveryLog();
    const metrics = new Registry();
    const { logger, lines } = capturingLogger();
    const dispatcher = createDispatcher({
      notifiers: [
        createWebhookNotifier({ secret: SECRET, timeoutMs: 2_000 }),
        createEmailNotifier({ host: '127.0.0.1', port: smtpPort, from: 'alerts@example.go.th' }),
        createLineNotifier({ channelAccessToken: LINE_TOKEN, baseURL: `http://127.0.0.1:${(lineServer.address() as AddressInfo).port}` }),
      ],
      recipients,
      routes: [{ id: 'cnx-all', cities: ['cnx'], recipients: recipients.map((r) => r.id) }],
      log,
      logger,
      metrics,
      retry: { maxAttempts: 1_000, baseDelayMs: 10, maxDelayMs: 40 },
    });

    const result = dispatcher.dispatch(pm25Notification());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.deliveries.map((d) => [d.recipientId, d.notBefore])).toEqual([
      ['ops-webhook', null],
      ['env-office', null],
      ['duty-officer', null],
    ]);

    // e-mail and LINE arrive while the webhook still refuses connections
    await waitFor(() => mails.length === 1 && linePushes.length === 1, 'e-mail and LINE deliveries');
    await waitFor(() => log.forRecipient('env-office').length === 1 && log.forRecipient('duty-officer').length === 1, 'e-mail and LINE attempts recorded');
    await waitFor(() => log.forRecipient('ops-webhook').length >= 2, 'two refused webhook attempts');
    expect(webhookRequests).toHaveLength(0);
    expect(dispatcher.pending().map((p) => [p.recipientId, p.lastStatus])).toEqual([['ops-webhook', 'ECONNREFUSED']]);
    expect(log.forRecipient('env-office').map((a) => [a.attempt, a.ok])).toEqual([[1, true]]);
    expect(log.forRecipient('duty-officer').map((a) => [a.attempt, a.ok])).toEqual([[1, true]]);

    // the receiver comes up, answers 500 twice, then recovers
    let failuresLeft = 2;
    webhookServer = await listen((req, body, res) => {
      const verified = verifyWebhookSignature({ secret: SECRET, rawBody: body, signature: req.headers['x-mueang-signature'] as string }).ok;
      const status = failuresLeft-- > 0 ? 500 : 204;
      webhookRequests.push({ delivery: String(req.headers['x-mueang-delivery']), verified, status });
      res.writeHead(status).end();
    }, webhookPort);

    expect(await dispatcher.drain({ timeoutMs: 20_000 })).toEqual({ complete: true, pending: [] });

    expect(webhookRequests.map((r) => [r.verified, r.status])).toEqual([
      [true, 500],
      [true, 500],
      [true, 204],
    ]);
    // every attempt carried the same idempotency id
    expect(new Set(webhookRequests.map((r) => r.delivery)).size).toBe(1);

    const webhookAttempts = log.forRecipient('ops-webhook');
    const statuses = webhookAttempts.map((a) => a.status);
    expect(statuses.slice(-3)).toEqual(['http 500', 'http 500', 'http 204']);
    expect(statuses.slice(0, -3).every((s) => s === 'ECONNREFUSED')).toBe(true);
    expect(webhookAttempts.map((a) => a.attempt)).toEqual(webhookAttempts.map((_, i) => i + 1));
    for (const failed of webhookAttempts.slice(0, -1)) {
      expect(failed.ok).toBe(false);
      expect(failed.error).not.toBeNull();
      expect(failed.nextRetryAt).toBeGreaterThan(failed.at);
    }
    expect(webhookAttempts.at(-1)).toMatchObject({ ok: true, error: null, nextRetryAt: null, transition: 'raised', channel: 'webhook' });

    // metrics by channel
    const attempts = await metrics.getSingleMetric('mueang_alerts_delivery_attempts_total')?.get();
    const byChannel = Object.fromEntries((attempts?.values ?? []).map((v) => [v.labels.channel, v.value]));
    expect(byChannel).toEqual({ webhook: webhookAttempts.length, email: 1, line: 1 });
    const depth = await metrics.getSingleMetric('mueang_alerts_delivery_queue_depth')?.get();
    expect((depth?.values ?? []).every((v) => v.value === 0)).toBe(true);

    // PDPA: recipients appear in the logs by id only
    const logText = lines.join('\n');
    expect(logText).toContain('"recipientId":"env-office"');
    expect(logText).not.toContain(EMAIL);
    expect(logText).not.toContain(LINE_USER);
    expect(logText).not.toContain('Environment office');
  });
});

// ---- the queue logic, with a scripted notifier and a clock the test moves ----

class ManualTimers implements Timers {
  now: number;
  private timers: Array<{ at: number; callback: () => void; id: number }> = [];
  private nextId = 1;
  constructor(start: number) {
    this.now = start;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.now + ms, callback, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  /** move the clock, firing due timers in order */
  advanceTo(t: number): void {
    this.now = t;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= t).sort((a, b) => a.at - b.at)[0];
      if (!due) return;
      this.clearTimeout(due.id);
      due.callback();
    }
  }
  get scheduled(): number[] {
    return this.timers.map((t) => t.at);
  }
}

/** a notifier that answers from a script (then succeeds) and records the calls */
function scriptedNotifier(channel: Notifier['channel'], script: Array<DeliveryResult | 'throw'> = []) {
  const calls: Array<{ alertId: string; transition: string; recipientId: string; deliveryId: string; attempt: number }> = [];
  const notifier: Notifier = {
    channel,
    async send(n, r, ctx) {
      calls.push({ alertId: n.alertId, transition: n.transition, recipientId: r.id, deliveryId: ctx.deliveryId, attempt: ctx.attempt });
      const next = script.shift();
      if (next === 'throw') throw new Error('bug in notifier');
      return next ?? { ok: true, status: 'ok', retryable: false, error: null };
    },
  };
  return { notifier, calls };
}

const fail = (status: string, retryable: boolean, error = `failed with ${status}`): DeliveryResult => ({ ok: false, status, retryable, error });
const bkk = (iso: string) => Date.parse(`${iso}+07:00`);
const duty: Recipient = { id: 'duty', name: 'Duty', channel: 'line', address: LINE_USER, language: 'th' };
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

function setup(options: { script?: Array<DeliveryResult | 'throw'>; start?: string; quiet?: boolean; maxAttempts?: number; log?: InMemoryDeliveryLog } = {}) {
  const timers = new ManualTimers(bkk(options.start ?? '2026-11-04T10:00'));
  const { notifier, calls } = scriptedNotifier('line', options.script);
  const log = options.log ?? new InMemoryDeliveryLog();
  const { logger, lines } = capturingLogger();
  const dispatcher = createDispatcher({
    notifiers: { line: notifier },
    recipients: [duty],
    routes: [{ id: 'duty', recipients: ['duty'], ...(options.quiet ? { quietHours: { from: '22:00', to: '07:00' } } : {}) }],
    log,
    logger,
    retry: { maxAttempts: options.maxAttempts ?? 5, baseDelayMs: 1_000, maxDelayMs: 60_000 },
    now: () => timers.now,
    timers,
    random: () => 0.5,
  });
  return { timers, calls, log, lines, dispatcher };
}

describe('dispatcher queue', () => {
  it('defers a non-critical notification in quiet hours to 07:00 and sends a critical one at once', async () => {
    const { timers, calls, dispatcher } = setup({ start: '2026-11-04T23:15', quiet: true });
    const major = dispatcher.dispatch(pm25Notification({ severity: 'major' }));
    expect(major.ok && major.deliveries[0]?.notBefore).toBe(bkk('2026-11-05T07:00'));
    dispatcher.dispatch(pm25Notification({ alertId: 'cnx-air-002.air-pm25-24h', severity: 'critical' }));
    await settle();
    expect(calls.map((c) => c.alertId)).toEqual(['cnx-air-002.air-pm25-24h']);
    expect(dispatcher.pending()).toEqual([expect.objectContaining({ alertId: 'cnx-air-001.air-pm25-24h', readyAt: bkk('2026-11-05T07:00'), attempts: 0 })]);
    expect(timers.scheduled).toEqual([bkk('2026-11-05T07:00')]);

    timers.advanceTo(bkk('2026-11-05T06:59'));
    await settle();
    expect(calls).toHaveLength(1);
    timers.advanceTo(bkk('2026-11-05T07:00'));
    await settle();
    expect(calls.map((c) => c.alertId)).toEqual(['cnx-air-002.air-pm25-24h', 'cnx-air-001.air-pm25-24h']);
    expect(dispatcher.pending()).toEqual([]);
  });

  it('retries with exponential backoff and keeps the order of one recipient\'s notifications', async () => {
    const { timers, calls, log, dispatcher } = setup({ script: [fail('http 500', true), fail('http 503', true)] });
    const t0 = timers.now;
    dispatcher.dispatch(pm25Notification({ transition: 'raised' }));
    dispatcher.dispatch(pm25Notification({ transition: 'cleared', at: pm25Notification().at + 60_000 }));
    await settle();
    // random 0.5 -> three quarters of base * 2^(n-1)
    expect(log.attempts.map((a) => [a.transition, a.attempt, a.status, a.nextRetryAt])).toEqual([['raised', 1, 'http 500', t0 + 750]]);
    timers.advanceTo(t0 + 750);
    await settle();
    expect(log.attempts.at(-1)).toMatchObject({ transition: 'raised', attempt: 2, status: 'http 503', nextRetryAt: t0 + 750 + 1_500 });
    timers.advanceTo(t0 + 2_250);
    await settle();
    expect(calls.map((c) => [c.transition, c.attempt])).toEqual([
      ['raised', 1],
      ['raised', 2],
      ['raised', 3],
      ['cleared', 1],
    ]);
    // the same delivery id on every attempt of one notification, another for the next one
    expect(new Set(calls.slice(0, 3).map((c) => c.deliveryId)).size).toBe(1);
    expect(calls[3]?.deliveryId).not.toBe(calls[0]?.deliveryId);
    expect(dispatcher.pending()).toEqual([]);
  });

  it('does not retry a permanent failure', async () => {
    const { calls, log, dispatcher, timers } = setup({ script: [fail('http 400', false)] });
    dispatcher.dispatch(pm25Notification());
    await settle();
    expect(calls).toHaveLength(1);
    expect(log.attempts).toEqual([expect.objectContaining({ ok: false, status: 'http 400', nextRetryAt: null })]);
    expect(timers.scheduled).toEqual([]);
    expect(dispatcher.pending()).toEqual([]);
  });

  it('gives up after maxAttempts and says so in the log', async () => {
    const { timers, log, dispatcher } = setup({ maxAttempts: 2, script: [fail('ECONNREFUSED', true), fail('ECONNREFUSED', true), fail('ECONNREFUSED', true)] });
    dispatcher.dispatch(pm25Notification());
    await settle();
    timers.advanceTo(timers.now + 60_000);
    await settle();
    expect(log.attempts.map((a) => [a.attempt, a.ok, a.nextRetryAt === null])).toEqual([
      [1, false, false],
      [2, false, true],
    ]);
    expect(log.attempts[1]?.error).toBe('failed with ECONNREFUSED (gave up after 2 attempts)');
    expect(dispatcher.pending()).toEqual([]);
  });

  it('survives a notifier that throws and a delivery log that fails', async () => {
    const brokenLog = new InMemoryDeliveryLog();
    let failLog = true;
    const original = brokenLog.record.bind(brokenLog);
    brokenLog.record = async (attempt) => {
      if (failLog) {
        failLog = false;
        throw new Error('database down');
      }
      return original(attempt);
    };
    const { timers, calls, lines, dispatcher } = setup({ script: ['throw'], log: brokenLog });
    dispatcher.dispatch(pm25Notification());
    await settle();
    timers.advanceTo(timers.now + 60_000);
    await settle();
    expect(calls).toHaveLength(2);
    expect(brokenLog.attempts).toEqual([expect.objectContaining({ attempt: 2, ok: true })]);
    expect(lines.some((l) => l.includes('could not record the delivery attempt'))).toBe(true);
  });

  it('scrubs addresses from errors before they reach the log', async () => {
    const { log, lines, dispatcher } = setup({ script: [fail('smtp 550', false, `550 <someone@example.go.th> unknown; LINE ${LINE_USER}; call 081-234-5678`)] });
    dispatcher.dispatch(pm25Notification());
    await settle();
    expect(log.attempts[0]?.error).toBe('550 <[email]> unknown; LINE [recipient]; call [phone]');
    expect(lines.join('\n')).not.toMatch(/someone@|081-234-5678|fedcba98/);
  });

  it('returns an error value for a malformed notification and never throws', () => {
    const { dispatcher } = setup();
    const result = dispatcher.dispatch({ ...pm25Notification(), severity: 'urgent' } as unknown as AlertNotification);
    expect(result).toEqual({ ok: false, error: { code: 'notification.invalid', message: expect.stringContaining('severity') } });
  });

  it('sends nothing twice when the same notification is dispatched again while queued', async () => {
    const { calls, dispatcher } = setup({ start: '2026-11-04T23:15', quiet: true });
    dispatcher.dispatch(pm25Notification());
    dispatcher.dispatch(pm25Notification());
    expect(dispatcher.pending()).toHaveLength(1);
    expect(calls).toHaveLength(0);
  });

  it('drains with a deadline and lists what is still pending', async () => {
    const { dispatcher } = setup({ start: '2026-11-04T23:15', quiet: true });
    dispatcher.dispatch(pm25Notification());
    const drained = await dispatcher.drain({ timeoutMs: 50 });
    expect(drained.complete).toBe(false);
    expect(drained.pending).toEqual([expect.objectContaining({ recipientId: 'duty', attempts: 0 })]);
    expect(dispatcher.dispatch(pm25Notification())).toMatchObject({ ok: false, error: { code: 'dispatcher.closed' } });
  });

  it('refuses a configuration whose recipients have no notifier or whose routes name unknown recipients', () => {
    const base = { log: new InMemoryDeliveryLog(), logger: capturingLogger().logger };
    expect(() => createDispatcher({ ...base, notifiers: [], recipients: [duty], routes: [] })).toThrow(NotifyConfigError);
    expect(() => createDispatcher({ ...base, notifiers: [], recipients: [duty], routes: [] })).toThrow(/channel "line" has no notifier configured/);
    expect(() => createDispatcher({ ...base, notifiers: [scriptedNotifier('line').notifier], recipients: [duty], routes: [{ id: 'r', recipients: ['ghost'] }] })).toThrow(
      /routes\[0\]\.recipients\[0\]: no recipient has id "ghost"/,
    );
  });
});

describe('backoffDelay', () => {
  const policy = { maxAttempts: 10, baseDelayMs: 1_000, maxDelayMs: 10_000 };
  it('doubles per attempt between half and all of the step, capped', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, policy, () => 0))).toEqual([500, 1_000, 2_000, 4_000]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, policy, () => 0.999_999))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(backoffDelay(9, policy, () => 0.999_999)).toBe(10_000);
    expect(backoffDelay(9, policy, () => 0)).toBe(5_000);
  });
});

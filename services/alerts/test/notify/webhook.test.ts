import { readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freeLocalPort } from '@mueang/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseNotifyConfig } from '../../src/notify/config.ts';
import { renderMessage } from '../../src/notify/message.ts';
import { deliveryIdOf, notificationKeyOf, type AlertPayload } from '../../src/notify/payload.ts';
import type { DeliveryContext, Recipient } from '../../src/notify/types.ts';
import { createWebhookNotifier, signWebhookBody, verifyWebhookSignature } from '../../src/notify/webhook/index.ts';
import { pm25Notification } from './fixtures.ts';

const SECRET = 'test-secret-0123456789abcdef';

interface Received {
  headers: IncomingMessage['headers'];
  raw: Buffer;
  verified: ReturnType<typeof verifyWebhookSignature>;
}

/** A real receiver that verifies every request the way a customer's endpoint would. */
let server: http.Server;
let baseUrl: string;
const received: Received[] = [];
let respond: (req: IncomingMessage, res: ServerResponse) => void;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const verified = verifyWebhookSignature({
        secret: SECRET,
        rawBody: raw,
        signature: req.headers['x-mueang-signature'] as string | undefined,
        timestamp: req.headers['x-mueang-timestamp'] as string | undefined,
      });
      received.push({ headers: req.headers, raw, verified });
      if (!verified.ok) {
        res.writeHead(401).end();
        return;
      }
      respond(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received.length = 0;
  respond = (_req, res) => res.writeHead(204).end();
});

const notification = pm25Notification();
const recipient = (address: string): Recipient => ({ id: 'ops-webhook', name: 'Operations', channel: 'webhook', address, language: 'both' });
const context = (): DeliveryContext => ({
  deliveryId: deliveryIdOf(notificationKeyOf(notification), 'ops-webhook'),
  attempt: 1,
  message: renderMessage(notification),
});

describe('webhook notifier', () => {
  const notifier = createWebhookNotifier({ secret: SECRET, timeoutMs: 2_000 });

  it('POSTs the notification and its texts, signed, and the receiver verifies the HMAC', async () => {
    const result = await notifier.send(notification, recipient(`${baseUrl}/hooks/alerts`), context());
    expect(result).toEqual({ ok: true, status: 'http 204', retryable: false, error: null });
    expect(received).toHaveLength(1);
    const [request] = received as [Received];
    expect(request.verified).toEqual({ ok: true });
    expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(request.headers['x-mueang-signature']).toBe(signWebhookBody(request.raw, SECRET));
    expect(request.headers['x-mueang-delivery']).toBe(context().deliveryId);
    expect(request.headers['x-mueang-delivery']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const body = JSON.parse(request.raw.toString('utf8')) as AlertPayload;
    expect(String(body.sentAt)).toBe(request.headers['x-mueang-timestamp']);
    expect(body).toMatchObject({
      schema: 'mueang.alert-notification/v1',
      deliveryId: context().deliveryId,
      notificationKey: notificationKeyOf(notification),
      alertId: notification.alertId,
      severity: 'major',
      value: 62.44,
      standard: notification.standard,
      title: context().message.title,
      text: context().message.text,
    });
  });

  it('signs with a per-recipient secret when one is configured', async () => {
    const other = createWebhookNotifier({ secret: 'another-secret-0123456789', secretsByRecipient: { 'ops-webhook': SECRET } });
    expect((await other.send(notification, recipient(`${baseUrl}/x`), context())).ok).toBe(true);
    expect(received[0]?.verified).toEqual({ ok: true });
  });

  it('is refused by the receiver when the secret is wrong', async () => {
    const wrong = createWebhookNotifier({ secret: 'not-the-shared-secret-000' });
    const result = await wrong.send(notification, recipient(`${baseUrl}/x`), context());
    expect(result).toMatchObject({ ok: false, status: 'http 401', retryable: false });
    expect(received[0]?.verified.ok).toBe(false);
  });

  it('treats 5xx and 429 as retryable and other 4xx as permanent', async () => {
    const cases: Array<[number, boolean, Record<string, string>]> = [
      [500, true, {}],
      [503, true, {}],
      [429, true, { 'retry-after': '7' }],
      [400, false, {}],
      [404, false, {}],
      [410, false, {}],
    ];
    for (const [status, retryable, headers] of cases) {
      respond = (_req, res) => res.writeHead(status, headers).end('nope');
      const result = await notifier.send(notification, recipient(`${baseUrl}/x`), context());
      expect(result, `status ${status}`).toMatchObject({ ok: false, status: `http ${status}`, retryable });
      if (status === 429) expect(result.retryAfterMs).toBe(7_000);
    }
  });

  it('reports a refused connection as retryable', async () => {
    const closedPort = await freeLocalPort();
    const result = await notifier.send(notification, recipient(`http://127.0.0.1:${closedPort}/x`), context());
    expect(result).toMatchObject({ ok: false, status: 'ECONNREFUSED', retryable: true });
  });

  it('gives up on a receiver that does not answer within the timeout, as retryable', async () => {
    respond = () => undefined; // never answers
    const quick = createWebhookNotifier({ secret: SECRET, timeoutMs: 150 });
    const result = await quick.send(notification, recipient(`${baseUrl}/slow`), context());
    expect(result).toMatchObject({ ok: false, status: 'timeout', retryable: true });
  });

  it('refuses an address that is not an http(s) URL without sending', async () => {
    const result = await notifier.send(notification, recipient('ftp://example.go.th/x'), context());
    expect(result).toMatchObject({ ok: false, status: 'bad-address', retryable: false });
    expect(received).toHaveLength(0);
  });
});

describe('verifyWebhookSignature', () => {
  const body = JSON.stringify({ sentAt: 1_700_000_000_000, alertId: 'a' });
  const signature = signWebhookBody(body, SECRET);

  it('accepts the exact body and rejects any change, a wrong secret or a malformed header', () => {
    expect(verifyWebhookSignature({ secret: SECRET, rawBody: body, signature })).toEqual({ ok: true });
    expect(verifyWebhookSignature({ secret: SECRET, rawBody: body.replace('"a"', '"b"'), signature }).ok).toBe(false);
    expect(verifyWebhookSignature({ secret: `${SECRET}x`, rawBody: body, signature }).ok).toBe(false);
    expect(verifyWebhookSignature({ secret: SECRET, rawBody: body, signature: 'sha256=abc' })).toEqual({ ok: false, reason: 'X-Mueang-Signature must look like sha256=<64 hex digits>' });
    expect(verifyWebhookSignature({ secret: SECRET, rawBody: body, signature: undefined })).toEqual({ ok: false, reason: 'missing X-Mueang-Signature header' });
  });

  it('rejects a stale delivery and a timestamp header that differs from the signed sentAt', () => {
    const fresh = { secret: SECRET, rawBody: body, signature, now: 1_700_000_060_000 };
    expect(verifyWebhookSignature({ ...fresh, timestamp: '1700000000000' })).toEqual({ ok: true });
    expect(verifyWebhookSignature({ ...fresh, timestamp: '1700000000000', now: 1_700_001_000_000 }).ok).toBe(false);
    expect(verifyWebhookSignature({ ...fresh, timestamp: '1700000030000' })).toEqual({ ok: false, reason: "X-Mueang-Timestamp does not match the signed body's sentAt" });
  });
});

describe('webhook sample-config.json', () => {
  it('is a valid notify configuration', () => {
    const sample = JSON.parse(readFileSync(new URL('../../src/notify/webhook/sample-config.json', import.meta.url), 'utf8')) as unknown;
    const parsed = parseNotifyConfig(sample, { MUEANG_WEBHOOK_SECRET: 'a'.repeat(32) });
    expect(parsed.ok && parsed.value.webhook?.secret).toBe('a'.repeat(32));
    expect(parseNotifyConfig(sample, {})).toEqual({ ok: false, errors: ['webhook.secret: environment variable MUEANG_WEBHOOK_SECRET is not set; set it or write the value in the file'] });
  });
});

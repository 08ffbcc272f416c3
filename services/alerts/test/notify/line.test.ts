import { readFileSync } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freeLocalPort } from '@mueang/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseNotifyConfig } from '../../src/notify/config.ts';
import { createDispatcher } from '../../src/notify/dispatcher.ts';
import { createLineNotifier, fitLineText, LINE_TEXT_LIMIT } from '../../src/notify/line/index.ts';
import { InMemoryDeliveryLog } from '../../src/notify/memory-log.ts';
import { renderMessage, textFor } from '../../src/notify/message.ts';
import { deliveryIdOf, notificationKeyOf } from '../../src/notify/payload.ts';
import type { DeliveryContext, Recipient } from '../../src/notify/types.ts';
import { capturingLogger, pm25Notification } from './fixtures.ts';

const TOKEN = 'test-channel-access-token-0123456789';
const GROUP_ID = `C${'0123456789abcdef'.repeat(2)}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface PushRequest {
  retryKey: string | undefined;
  body: { to: string; messages: Array<{ type: string; text: string }> };
  /** what the stand-in found wrong with the request, checked against the documented shape */
  problems: string[];
}

/**
 * Stands in for api.line.me (which tests cannot reach): checks each push request against the documented shape
 * (https://developers.line.biz/en/reference/messaging-api/#send-push-message) and answers as LINE does.
 */
let server: http.Server;
let baseURL: string;
const pushes: PushRequest[] = [];
/** status codes to answer with, in order; then 200 */
let script: number[] = [];
const acceptedRetryKeys = new Set<string>();

function checkRequest(req: IncomingMessage, raw: string): { problems: string[]; body: PushRequest['body'] } {
  const problems: string[] = [];
  if (req.method !== 'POST') problems.push(`method ${req.method}`);
  if (req.url !== '/v2/bot/message/push') problems.push(`path ${req.url}`);
  if (req.headers.authorization !== `Bearer ${TOKEN}`) problems.push('authorization header');
  if (!String(req.headers['content-type']).startsWith('application/json')) problems.push(`content-type ${req.headers['content-type']}`);
  const retryKey = req.headers['x-line-retry-key'];
  if (typeof retryKey !== 'string' || !UUID.test(retryKey)) problems.push('X-Line-Retry-Key is not a UUID');
  let body: PushRequest['body'] = { to: '', messages: [] };
  try {
    body = JSON.parse(raw) as PushRequest['body'];
  } catch {
    problems.push('body is not JSON');
  }
  if (typeof body.to !== 'string' || !/^[UCR][0-9a-f]{32}$/.test(body.to)) problems.push('to');
  if (!Array.isArray(body.messages) || body.messages.length < 1 || body.messages.length > 5) problems.push('messages count');
  for (const m of body.messages ?? []) {
    if (m.type !== 'text') problems.push(`message type ${m.type}`);
    if (typeof m.text !== 'string' || m.text.length === 0 || m.text.length > LINE_TEXT_LIMIT) problems.push(`text length ${m.text?.length}`);
  }
  return { problems, body };
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { problems, body } = checkRequest(req, Buffer.concat(chunks).toString('utf8'));
      const retryKey = req.headers['x-line-retry-key'] as string | undefined;
      pushes.push({ retryKey, body, problems });
      res.setHeader('content-type', 'application/json');
      if (problems.length > 0) {
        res.writeHead(400).end(JSON.stringify({ message: 'The request body has 1 error(s)', details: problems.map((p) => ({ message: p })) }));
        return;
      }
      if (retryKey && acceptedRetryKeys.has(retryKey)) {
        res.writeHead(409, { 'x-line-accepted-request-id': 'req-1' }).end(JSON.stringify({ message: 'The retry key is already accepted' }));
        return;
      }
      const status = script.shift() ?? 200;
      if (status === 200) {
        if (retryKey) acceptedRetryKeys.add(retryKey);
        res.writeHead(200).end(JSON.stringify({ sentMessages: [{ id: '1', quoteToken: 'q' }] }));
        return;
      }
      const messages: Record<number, string> = { 401: 'Authentication failed', 429: 'You have reached your monthly limit.', 500: 'Internal error' };
      res.writeHead(status).end(JSON.stringify({ message: messages[status] ?? 'error' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  pushes.length = 0;
  script = [];
  acceptedRetryKeys.clear();
});

const notification = pm25Notification();
const recipient: Recipient = { id: 'cnx-duty-group', name: 'Duty officers', channel: 'line', address: GROUP_ID, language: 'both' };
const context = (): DeliveryContext => ({ deliveryId: deliveryIdOf(notificationKeyOf(notification), recipient.id), attempt: 1, message: renderMessage(notification) });

describe('LINE notifier', () => {
  it('pushes a text message in the documented shape', async () => {
    const notifier = createLineNotifier({ channelAccessToken: TOKEN, baseURL });
    const result = await notifier.send(notification, recipient, context());
    expect(result).toEqual({ ok: true, status: 'http 200', retryable: false, error: null });
    expect(pushes).toHaveLength(1);
    const push = pushes[0] as PushRequest;
    expect(push.problems).toEqual([]);
    expect(push.retryKey).toBe(context().deliveryId);
    expect(push.body).toEqual({ to: GROUP_ID, messages: [{ type: 'text', text: textFor(context().message, 'both') }] });
    expect(push.body.messages[0]?.text).toContain('62.4 µg/m³');
  });

  it('cuts a text longer than 5000 characters', async () => {
    const long = pm25Notification({ ruleName: { en: 'x'.repeat(4000), th: 'ก'.repeat(4000) } });
    const notifier = createLineNotifier({ channelAccessToken: TOKEN, baseURL });
    const ctx = { ...context(), message: renderMessage(long) };
    expect((await notifier.send(long, recipient, ctx)).ok).toBe(true);
    const text = pushes[0]?.body.messages[0]?.text ?? '';
    expect(pushes[0]?.problems).toEqual([]);
    expect(text).toHaveLength(LINE_TEXT_LIMIT);
    expect(text.endsWith('…')).toBe(true);
  });

  it('classifies LINE answers: 401 permanent, 429 and 500 retryable, with LINE\'s message', async () => {
    const notifier = createLineNotifier({ channelAccessToken: TOKEN, baseURL });
    script = [401, 429, 500];
    const unauthorized = await notifier.send(notification, recipient, context());
    expect(unauthorized).toMatchObject({ ok: false, status: 'http 401', retryable: false });
    expect(unauthorized.error).toContain('LINE says: Authentication failed');
    expect(await notifier.send(notification, recipient, context())).toMatchObject({ ok: false, status: 'http 429', retryable: true });
    expect(await notifier.send(notification, recipient, context())).toMatchObject({ ok: false, status: 'http 500', retryable: true });
  });

  it('treats 409 for an already accepted retry key as delivered', async () => {
    const notifier = createLineNotifier({ channelAccessToken: TOKEN, baseURL });
    expect((await notifier.send(notification, recipient, context())).ok).toBe(true);
    expect(await notifier.send(notification, recipient, context())).toMatchObject({ ok: true, status: 'http 409 already accepted' });
    expect(pushes.map((p) => p.retryKey)).toEqual([context().deliveryId, context().deliveryId]);
  });

  it('refuses an address that is not a LINE id without calling LINE', async () => {
    const notifier = createLineNotifier({ channelAccessToken: TOKEN, baseURL });
    const result = await notifier.send(notification, { ...recipient, address: '0812345678' }, context());
    expect(result).toMatchObject({ ok: false, status: 'bad-address', retryable: false });
    expect(pushes).toHaveLength(0);
  });

  it('reports an unreachable API as retryable', async () => {
    const notifier = createLineNotifier({ channelAccessToken: TOKEN, baseURL: `http://127.0.0.1:${await freeLocalPort()}` });
    expect(await notifier.send(notification, recipient, context())).toMatchObject({ ok: false, status: 'ECONNREFUSED', retryable: true });
  });

  it('after a 500 is retried by the dispatcher with the same retry key, and delivered', async () => {
    script = [500];
    const log = new InMemoryDeliveryLog();
    const { logger, lines } = capturingLogger();
    const dispatcher = createDispatcher({
      notifiers: [createLineNotifier({ channelAccessToken: TOKEN, baseURL })],
      recipients: [recipient],
      routes: [{ id: 'all', recipients: [recipient.id] }],
      log,
      logger,
      retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 },
    });
    expect(dispatcher.dispatch(notification).ok).toBe(true);
    expect(await dispatcher.drain({ timeoutMs: 10_000 })).toEqual({ complete: true, pending: [] });
    expect(pushes.map((p) => p.problems)).toEqual([[], []]);
    expect(pushes[0]?.retryKey).toBe(pushes[1]?.retryKey);
    expect(log.attempts.map((a) => [a.attempt, a.ok, a.status])).toEqual([
      [1, false, 'http 500'],
      [2, true, 'http 200'],
    ]);
    // PDPA: the group id never reaches the logs
    expect(lines.join('\n')).not.toContain(GROUP_ID);
    expect(lines.join('\n')).toContain('"recipientId":"cnx-duty-group"');
  });
});

describe('fitLineText', () => {
  it('keeps short texts and never splits a surrogate pair', () => {
    expect(fitLineText('สวัสดี')).toBe('สวัสดี');
    const emoji = `${'a'.repeat(3)}😷😷`; // each emoji is two UTF-16 units
    expect(fitLineText(emoji, 5)).toBe('aaa…');
  });
});

describe('LINE sample-config.json', () => {
  it('is a valid notify configuration', () => {
    const sample = JSON.parse(readFileSync(new URL('../../src/notify/line/sample-config.json', import.meta.url), 'utf8')) as unknown;
    const parsed = parseNotifyConfig(sample, { MUEANG_LINE_CHANNEL_ACCESS_TOKEN: TOKEN });
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.value.line).toEqual({ channelAccessToken: TOKEN, baseURL: 'https://api.line.me', timeoutMs: 10_000 });
  });
});

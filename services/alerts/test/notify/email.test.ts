import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { freeLocalPort } from '@mueang/testkit';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseNotifyConfig } from '../../src/notify/config.ts';
import { composeEmail, createEmailNotifier } from '../../src/notify/email/index.ts';
import { renderMessage } from '../../src/notify/message.ts';
import { deliveryIdOf, notificationKeyOf } from '../../src/notify/payload.ts';
import type { DeliveryContext, Notifier, Recipient } from '../../src/notify/types.ts';
import { pm25Notification } from './fixtures.ts';

interface Mail {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server; `rejectRecipient` lets a test make it answer RCPT TO with an error. */
let server: SMTPServer;
let port: number;
const mails: Mail[] = [];
let rejectRecipient: { code: number; message: string } | null = null;

beforeAll(async () => {
  server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (auth.username === 'alerts' && auth.password === 'smtp-pass') return callback(null, { user: 'alerts' });
      return callback(new Error('bad credentials'));
    },
    onRcptTo(_address: SMTPServerAddress, _session, callback) {
      if (!rejectRecipient) return callback();
      return callback(Object.assign(new Error(rejectRecipient.message), { responseCode: rejectRecipient.code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  mails.length = 0;
  rejectRecipient = null;
});

// ---- a small MIME reader for the test (mailparser is not installed) ----

function unfoldHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function decodeEncodedWords(value: string): string {
  return value.replace(/=\?utf-8\?([BQ])\?([^?]*)\?=\s*/gi, (_m, enc: string, text: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
  );
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const soft = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i += 1) {
    if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(soft[i] as string, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeBody(headers: Map<string, string>, body: string): string {
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

function parseMail(raw: string): { headers: Map<string, string>; subject: string; text: string; html: string } {
  const split = raw.indexOf('\r\n\r\n');
  const headers = unfoldHeaders(raw.slice(0, split));
  const boundary = /boundary="?([^";]+)"?/.exec(headers.get('content-type') ?? '')?.[1];
  if (!boundary) throw new Error('expected a multipart message');
  const parts = raw
    .slice(split + 4)
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => {
      const end = part.indexOf('\r\n\r\n');
      const partHeaders = unfoldHeaders(part.slice(0, end));
      return { type: partHeaders.get('content-type') ?? '', body: decodeBody(partHeaders, part.slice(end + 4)) };
    });
  const find = (type: string) => parts.find((p) => p.type.startsWith(type))?.body ?? '';
  return { headers, subject: decodeEncodedWords(headers.get('subject') ?? ''), text: find('text/plain'), html: find('text/html') };
}

// ---- tests ----

const notification = pm25Notification();
const message = renderMessage(notification);
const recipient = (language: Recipient['language'], address = 'env-office@example.go.th'): Recipient => ({ id: 'cnx-env-office', name: 'Environment office', channel: 'email', address, language });
const context: DeliveryContext = { deliveryId: deliveryIdOf(notificationKeyOf(notification), 'cnx-env-office'), attempt: 1, message };

describe('email notifier', () => {
  let notifier: Notifier;
  beforeAll(() => {
    notifier = createEmailNotifier({ host: '127.0.0.1', port, secure: false, auth: { user: 'alerts', pass: 'smtp-pass' }, from: 'Mueang Alerts <alerts@example.go.th>', timeoutMs: 5_000 });
  });
  afterAll(async () => notifier.close?.());

  it('sends a Thai subject and both languages as text and HTML', async () => {
    const result = await notifier.send(notification, recipient('th'), context);
    expect(result).toEqual({ ok: true, status: 'smtp 250', retryable: false, error: null });
    expect(mails).toHaveLength(1);
    const mail = mails[0] as Mail;
    expect(mail.from).toBe('alerts@example.go.th');
    expect(mail.to).toEqual(['env-office@example.go.th']);
    const parsed = parseMail(mail.raw);
    expect(parsed.subject).toBe('[รุนแรง] แจ้งเตือนใหม่: PM2.5 เฉลี่ย 24 ชั่วโมงเกินมาตรฐาน – ช้างเผือก');
    expect(parsed.headers.get('x-mueang-delivery')).toBe(context.deliveryId);
    expect(parsed.headers.get('message-id')).toBe(`<${context.deliveryId}@example.go.th>`);
    expect(parsed.headers.get('references')).toMatch(/^<alert-[0-9a-f]{32}@example\.go\.th>$/);
    for (const body of [parsed.text, parsed.html]) {
      // station, value with unit, standard id and version, time (Thai BE and English ICT)
      expect(body).toContain('ช้างเผือก');
      expect(body).toContain('Chang Phueak, Chiang Mai');
      expect(body).toContain('62.4 µg/m³');
      expect(body).toContain('th-aaqs-pm25-24h');
      expect(body).toContain('2023-06-01');
      expect(body).toContain('4 พ.ย. 2569 10:00 น.');
      expect(body).toContain('4 Nov 2026 10:00 ICT');
    }
    // the recipient's language comes first
    expect(parsed.text.indexOf('เกิดการแจ้งเตือน')).toBeLessThan(parsed.text.indexOf('Alert raised'));
    expect(parsed.html).toContain('<a href="http://127.0.0.1:8080/console/alerts/cnx-air-001.air-pm25-24h">');
  });

  it('writes the subject in English for an English reader, English first', async () => {
    await notifier.send(notification, recipient('en'), context);
    const parsed = parseMail((mails[0] as Mail).raw);
    expect(parsed.subject).toBe('[MAJOR] Raised: PM2.5 24-hour mean above the standard – Chang Phueak');
    expect(parsed.text.indexOf('Alert raised')).toBeLessThan(parsed.text.indexOf('เกิดการแจ้งเตือน'));
  });

  it('treats a 5xx refusal as permanent and a 4xx deferral as retryable', async () => {
    rejectRecipient = { code: 550, message: 'Mailbox unavailable' };
    expect(await notifier.send(notification, recipient('th'), context)).toMatchObject({ ok: false, status: 'smtp 550', retryable: false });
    rejectRecipient = { code: 451, message: 'Try again later' };
    expect(await notifier.send(notification, recipient('th'), context)).toMatchObject({ ok: false, status: 'smtp 451', retryable: true });
    expect(mails).toHaveLength(0);
  });

  it('reports bad credentials as a permanent failure', async () => {
    const wrong = createEmailNotifier({ host: '127.0.0.1', port, auth: { user: 'alerts', pass: 'wrong' }, from: 'alerts@example.go.th' });
    const result = await wrong.send(notification, recipient('th'), context);
    await wrong.close?.();
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(result.status).toMatch(/^smtp 5\d\d$/);
  });

  it('reports an unreachable server as retryable', async () => {
    const closedPort = await freeLocalPort();
    const down = createEmailNotifier({ host: '127.0.0.1', port: closedPort, from: 'alerts@example.go.th', timeoutMs: 2_000 });
    const result = await down.send(notification, recipient('th'), context);
    await down.close?.();
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result.status).toMatch(/^(ECONNECTION|ECONNREFUSED|ESOCKET)$/);
  });

  it('refuses a malformed address without connecting', async () => {
    expect(await notifier.send(notification, recipient('th', 'not-an-address'), context)).toMatchObject({ ok: false, status: 'bad-address', retryable: false });
  });
});

describe('composeEmail', () => {
  it('escapes HTML in names that reach the body', () => {
    const tricky = renderMessage(pm25Notification({ site: { id: 's', name: '<b>Site</b> & "Co"', nameTh: null } }));
    const { html } = composeEmail(tricky, 'en');
    expect(html).toContain('&lt;b&gt;Site&lt;/b&gt; &amp; &quot;Co&quot;');
    expect(html).not.toContain('<b>Site</b>');
  });
});

describe('email sample-config.json', () => {
  it('is a valid notify configuration', () => {
    const sample = JSON.parse(readFileSync(new URL('../../src/notify/email/sample-config.json', import.meta.url), 'utf8')) as unknown;
    const parsed = parseNotifyConfig(sample, { MUEANG_SMTP_PASSWORD: 'pw' });
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.value.email).toMatchObject({ host: 'smtp.example.go.th', port: 587, secure: false, auth: { user: 'alerts@example.go.th', pass: 'pw' } });
  });
});

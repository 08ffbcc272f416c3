/**
 * E-mail notifier: SMTP through nodemailer. The subject is in the recipient's language; the body carries both
 * languages (the recipient's first) as plain text and as simple HTML. All messages about one alert share a
 * References header, so mail clients thread raised -> reminder -> cleared together.
 */
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { delivered, errorCode, errorMessage, permanentFailure, retryableFailure } from '../delivery-result.ts';
import { titleFor } from '../message.ts';
import type { AlertNotification, Bilingual, DeliveryContext, DeliveryResult, Notifier, Recipient, RenderedMessage } from '../types.ts';

export const emailConfigSchema = z
  .object({
    host: z.string().min(1, { error: 'host is the SMTP server name, e.g. "smtp.example.go.th"' }),
    port: z.number().int().min(1).max(65535).default(587),
    /** implicit TLS (port 465); false = STARTTLS when the server offers it */
    secure: z.boolean().optional(),
    auth: z.object({ user: z.string().min(1), pass: z.string().min(1) }).optional(),
    /** 'Mueang Alerts <alerts@example.go.th>' */
    from: z.string().min(3, { error: 'from is the sender, e.g. "Mueang Alerts <alerts@example.go.th>"' }),
    /** refuse to send without TLS */
    requireTLS: z.boolean().default(false),
    /** false only for a test server with a self-signed certificate */
    tlsRejectUnauthorized: z.boolean().default(true),
    timeoutMs: z.number().int().positive().max(300_000).default(15_000),
  })
  .transform((c) => ({ ...c, secure: c.secure ?? c.port === 465 }));
export type EmailConfig = z.input<typeof emailConfigSchema>;

const EMAIL_ADDRESS = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]+$/;

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

/** Subject in the recipient's language; body in both, the recipient's language first. */
export function composeEmail(message: RenderedMessage, language: Recipient['language']): EmailContent {
  const order: Array<keyof Bilingual> = language === 'en' ? ['en', 'th'] : ['th', 'en'];
  const text = order.map((lang) => `${message.title[lang]}\n\n${message.text[lang]}`).join('\n\n---\n\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">',
    order
      .map((lang) => `<div lang="${lang}"><h2 style="font-size:1.1em">${escapeHtml(message.title[lang])}</h2><p>${message.text[lang].split('\n').map(htmlLine).join('<br>\n')}</p></div>`)
      .join('\n<hr>\n'),
    '</body></html>',
  ].join('\n');
  return { subject: titleFor(message, language), text, html };
}

function htmlLine(line: string): string {
  const link = /(https?:\/\/\S+)$/.exec(line);
  if (!link?.[1]) return escapeHtml(line);
  const url = link[1];
  return `${escapeHtml(line.slice(0, link.index))}<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

export function createEmailNotifier(config: EmailConfig): Notifier {
  const settings = emailConfigSchema.parse(config);
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: settings.requireTLS,
    ...(settings.auth ? { auth: settings.auth } : {}),
    tls: { rejectUnauthorized: settings.tlsRejectUnauthorized },
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
  });
  const messageDomain = domainOf(settings.from);
  return {
    channel: 'email',
    async send(notification: AlertNotification, recipient: Recipient, context: DeliveryContext): Promise<DeliveryResult> {
      if (!EMAIL_ADDRESS.test(recipient.address)) return permanentFailure('bad-address', `recipient ${recipient.id}: address is not an e-mail address`);
      const content = composeEmail(context.message, recipient.language);
      const thread = `<alert-${createHash('sha256').update(notification.alertId).digest('hex').slice(0, 32)}@${messageDomain}>`;
      try {
        const info = await transport.sendMail({
          from: settings.from,
          to: { name: recipient.name, address: recipient.address },
          subject: content.subject,
          text: content.text,
          html: content.html,
          // one Message-ID per delivery: a retry that reaches the mailbox twice is recognisable as the same message
          messageId: `<${context.deliveryId}@${messageDomain}>`,
          references: thread,
          headers: { 'X-Mueang-Delivery': context.deliveryId, 'X-Mueang-Alert': notification.alertId },
        });
        const accepted = (info.accepted ?? []).length;
        if (accepted === 0) return permanentFailure('rejected', `SMTP server rejected the recipient ${recipient.id}`);
        return delivered(smtpStatus(info.response) ?? 'smtp 250');
      } catch (error) {
        return classifySmtpError(error);
      }
    },
    async close() {
      transport.close();
    },
  };
}

/** 5xx replies are permanent (mailbox unknown, relaying denied, bad credentials); 4xx and network errors are not. */
export function classifySmtpError(error: unknown): DeliveryResult {
  const responseCode = (error as { responseCode?: unknown } | null)?.responseCode;
  const code = errorCode(error);
  const message = errorMessage(error);
  if (typeof responseCode === 'number') {
    const status = `smtp ${responseCode}`;
    if (responseCode >= 500) return permanentFailure(status, `SMTP server refused (${code}): ${message}`);
    return retryableFailure(status, `SMTP server deferred (${code}): ${message}`);
  }
  return retryableFailure(code, `SMTP server could not be reached (${code}): ${message}`);
}

function smtpStatus(response: string | undefined): string | null {
  const code = response ? /^(\d{3})/.exec(response)?.[1] : undefined;
  return code ? `smtp ${code}` : null;
}

function domainOf(from: string): string {
  const match = /@([A-Za-z0-9.-]+)/.exec(from);
  return match?.[1] ?? 'mueang.local';
}

/**
 * Webhook notifier: POST the alert as JSON, signed with HMAC-SHA256 of the raw body
 * (`X-Mueang-Signature: sha256=<hex>`), with `X-Mueang-Timestamp` and `X-Mueang-Delivery` (idempotency id).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { classifyHttpStatus, networkFailure, parseRetryAfter, permanentFailure, withTimeout } from '../delivery-result.ts';
import { buildAlertPayload, notificationKeyOf } from '../payload.ts';
import type { AlertNotification, DeliveryContext, DeliveryResult, Notifier, Recipient } from '../types.ts';

export const SIGNATURE_HEADER = 'X-Mueang-Signature';
export const TIMESTAMP_HEADER = 'X-Mueang-Timestamp';
export const DELIVERY_HEADER = 'X-Mueang-Delivery';

export const webhookConfigSchema = z.object({
  /** shared secret for the HMAC; at least 16 characters */
  secret: z.string().min(16, { error: 'secret must be at least 16 characters: generate one with `openssl rand -hex 32`' }),
  /** per-recipient secrets (recipient id -> secret) that override `secret` */
  secretsByRecipient: z.record(z.string(), z.string().min(16, { error: 'each secret must be at least 16 characters' })).optional(),
  timeoutMs: z.number().int().positive().max(120_000).default(10_000),
  userAgent: z.string().min(1).default('mueang-alerts/0.1'),
});
export type WebhookConfig = z.input<typeof webhookConfigSchema>;

/** 'sha256=<hex HMAC-SHA256 of body>' */
export function signWebhookBody(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface VerifyWebhookOptions {
  secret: string;
  /** the request body exactly as received, before any JSON parsing */
  rawBody: string | Buffer;
  /** the X-Mueang-Signature header */
  signature: string | null | undefined;
  /** the X-Mueang-Timestamp header; when given it must be recent and match the signed body's sentAt */
  timestamp?: string | null | undefined;
  /** how old a delivery may be; default 5 minutes */
  toleranceMs?: number;
  now?: number;
}

export type VerifyWebhookResult = { ok: true } | { ok: false; reason: string };

/**
 * For receivers: check the signature (constant-time) and, when the timestamp is passed, that the delivery is fresh.
 * The timestamp is also inside the signed body (`sentAt`), so a replayed body cannot carry a new header time.
 */
export function verifyWebhookSignature(options: VerifyWebhookOptions): VerifyWebhookResult {
  const { signature, rawBody, secret } = options;
  if (!signature) return { ok: false, reason: `missing ${SIGNATURE_HEADER} header` };
  if (!/^sha256=[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: `${SIGNATURE_HEADER} must look like sha256=<64 hex digits>` };
  const expected = Buffer.from(signWebhookBody(rawBody, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'signature does not match the body: wrong secret, or the body was changed (verify the raw bytes, not re-serialised JSON)' };
  }
  if (options.timestamp !== undefined) {
    const sentAt = Number(options.timestamp);
    if (!Number.isFinite(sentAt)) return { ok: false, reason: `${TIMESTAMP_HEADER} is not epoch milliseconds` };
    const tolerance = options.toleranceMs ?? 5 * 60_000;
    if (Math.abs((options.now ?? Date.now()) - sentAt) > tolerance) return { ok: false, reason: `delivery is older than ${tolerance} ms (replayed?)` };
    let signedSentAt: unknown;
    try {
      signedSentAt = (JSON.parse(rawBody.toString()) as { sentAt?: unknown }).sentAt;
    } catch {
      return { ok: false, reason: 'body is not JSON' };
    }
    if (signedSentAt !== sentAt) return { ok: false, reason: `${TIMESTAMP_HEADER} does not match the signed body's sentAt` };
  }
  return { ok: true };
}

export interface WebhookNotifierOptions {
  now?: () => number;
  /** for tests; defaults to the global fetch */
  fetch?: typeof fetch;
}

export function createWebhookNotifier(config: WebhookConfig, options: WebhookNotifierOptions = {}): Notifier {
  const settings = webhookConfigSchema.parse(config);
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? fetch;
  return {
    channel: 'webhook',
    async send(notification: AlertNotification, recipient: Recipient, context: DeliveryContext): Promise<DeliveryResult> {
      const url = parseHttpUrl(recipient.address);
      if (url === null) return permanentFailure('bad-address', `recipient ${recipient.id}: address is not an http(s) URL`);
      const sentAt = now();
      const payload = buildAlertPayload(notification, context.message, { notificationKey: notificationKeyOf(notification), deliveryId: context.deliveryId }, sentAt);
      const body = JSON.stringify(payload);
      const secret = settings.secretsByRecipient?.[recipient.id] ?? settings.secret;
      const controller = new AbortController();
      try {
        const response = await withTimeout(
          doFetch(url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json; charset=utf-8',
              'user-agent': settings.userAgent,
              [SIGNATURE_HEADER]: signWebhookBody(body, secret),
              [TIMESTAMP_HEADER]: String(sentAt),
              [DELIVERY_HEADER]: context.deliveryId,
            },
            body,
            redirect: 'manual',
            signal: controller.signal,
          }),
          settings.timeoutMs,
          'webhook receiver',
        );
        // the body is not needed; reading it frees the connection
        await response.arrayBuffer().catch(() => undefined);
        return classifyHttpStatus(response.status, 'webhook receiver', parseRetryAfter(response.headers.get('retry-after'), now()));
      } catch (error) {
        controller.abort();
        return networkFailure(error, 'webhook receiver');
      }
    },
  };
}

function parseHttpUrl(address: string): URL | null {
  try {
    const url = new URL(address);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

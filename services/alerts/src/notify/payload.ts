/** What webhook and MQTT receivers get, and the ids that make deliveries idempotent. */
import { createHash } from 'node:crypto';
import type { AlertNotification, RenderedMessage } from './types.ts';

export const ALERT_PAYLOAD_SCHEMA = 'mueang.alert-notification/v1';

/** The AlertNotification fields, plus the rendered title and text in both languages. */
export interface AlertPayload extends AlertNotification {
  schema: typeof ALERT_PAYLOAD_SCHEMA;
  notificationKey: string;
  /** same for every attempt of one notification to one recipient: receivers drop repeats by it */
  deliveryId: string;
  /** epoch ms this attempt was sent (also in the X-Mueang-Timestamp header of webhooks) */
  sentAt: number;
  title: RenderedMessage['title'];
  text: RenderedMessage['text'];
}

export function buildAlertPayload(
  notification: AlertNotification,
  message: RenderedMessage,
  ids: { notificationKey: string; deliveryId: string },
  sentAt: number,
): AlertPayload {
  // our fields last, so that nothing the engine adds to a notification can overwrite them
  return {
    ...notification,
    schema: ALERT_PAYLOAD_SCHEMA,
    notificationKey: ids.notificationKey,
    deliveryId: ids.deliveryId,
    sentAt,
    title: message.title,
    text: message.text,
  };
}

/** One lifecycle transition of one alert: '<alertId>/<transition>/<at>/<escalationLevel>'. */
export function notificationKeyOf(n: AlertNotification): string {
  return `${n.alertId}/${n.transition}/${n.at}/${n.escalationLevel}`;
}

/**
 * A UUID derived from the notification key and the recipient (name-based, RFC 9562 version 5 layout over
 * SHA-256): stable across attempts and process restarts, so a retry carries the same X-Mueang-Delivery and
 * X-Line-Retry-Key and the receiver (or LINE) can tell it is a repeat.
 */
export function deliveryIdOf(notificationKey: string, recipientId: string): string {
  const bytes = createHash('sha256').update(`${notificationKey}\u0000${recipientId}`).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

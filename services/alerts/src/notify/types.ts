/**
 * The contract between the alerts engine (rules, lifecycle) and the notifiers. The engine builds an
 * AlertNotification for every lifecycle transition and hands it to the dispatcher; everything else
 * (routing, rendering, delivery, retries, the delivery log) happens on this side.
 */
export type Severity = 'critical' | 'major' | 'minor' | 'warning' | 'info';
export type AlertTransition = 'raised' | 'escalated' | 'reminder' | 'cleared' | 'acknowledged' | 'assigned' | 'severity_changed';

export const SEVERITIES: readonly Severity[] = ['critical', 'major', 'minor', 'warning', 'info'];
export const ALERT_TRANSITIONS: readonly AlertTransition[] = ['raised', 'escalated', 'reminder', 'cleared', 'acknowledged', 'assigned', 'severity_changed'];

export interface AlertNotification {
  alertId: string;            // stable id of the alert (device+rule dedup key)
  transition: AlertTransition;
  severity: Severity;
  ruleId: string;             // e.g. 'air.pm25.24h'
  ruleName: { th: string; en: string };
  city: { id: string; name: string; nameTh: string | null };
  site: { id: string; name: string; nameTh: string | null } | null;
  device: { id: string; name: string | null } | null;
  domain: 'air' | 'water' | 'energy' | 'waste' | 'system'; // 'system': about the platform itself, no site or device
  parameter: string | null;   // e.g. 'pm25'
  value: number | null;       // the evaluated statistic (e.g. the 24 h mean)
  unit: string | null;        // canonical unit, e.g. 'µg/m³'
  standard: { id: string; version: string; limit: number; averaging: string; source: string } | null;
  at: number;                 // epoch ms of the transition
  windowFrom: number | null;  // the averaging window the value covers
  windowTo: number | null;
  escalationLevel: number;    // 0 = first recipient group
  acknowledgedBy?: string | null;
  assignee?: string | null;
  consoleUrl?: string | null;
  /** a 'system' alert: the reporting service (e.g. 'ingest-all') and what it reported, one line */
  system?: { source: string; summary: string } | null;
}

export type Channel = 'webhook' | 'email' | 'line' | 'mqtt';
export const CHANNELS: readonly Channel[] = ['webhook', 'email', 'line', 'mqtt'];

export interface Recipient { id: string; name: string; channel: Channel; address: string; language: 'th' | 'en' | 'both' }

export interface DeliveryAttempt {
  notificationKey: string;
  alertId: string;
  transition: AlertTransition;
  recipientId: string;
  channel: string;
  attempt: number;
  at: number;
  ok: boolean;
  status: string;
  error: string | null;
  nextRetryAt: number | null;
}

export interface DeliveryLog { record(attempt: DeliveryAttempt): Promise<void> }

/** Text in both languages. */
export interface Bilingual { th: string; en: string }

/** What message.ts renders from a notification: a short title and the full text, in Thai and English. */
export interface RenderedMessage {
  title: Bilingual;
  text: Bilingual;
}

/** Everything a notifier needs for one attempt besides the notification and the recipient. */
export interface DeliveryContext {
  /** idempotency id: the same for every attempt of one notification to one recipient (a UUID) */
  deliveryId: string;
  /** 1 for the first attempt */
  attempt: number;
  message: RenderedMessage;
}

/**
 * The outcome of one attempt, as a value: notifiers never throw. `status` is short and machine-friendly
 * ('http 202', 'smtp 250', 'timeout', 'ECONNREFUSED'); `error` a sentence for people, free of personal data.
 */
export interface DeliveryResult {
  ok: boolean;
  status: string;
  /** only meaningful when !ok: false = permanent (retrying cannot help), true = try again later */
  retryable: boolean;
  error: string | null;
  /** a server's Retry-After, when it sent one */
  retryAfterMs?: number;
}

export interface Notifier {
  readonly channel: Channel;
  /** deliver one rendered notification to one recipient of this notifier's channel */
  send(notification: AlertNotification, recipient: Recipient, context: DeliveryContext): Promise<DeliveryResult>;
  /** release connections (SMTP pool, MQTT client) */
  close?(): Promise<void>;
}

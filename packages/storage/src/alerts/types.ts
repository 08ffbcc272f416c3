import type { AlertDomain, AlertSeverity, AlertTransitionKind } from '@mueang/core';

export type AlertState = 'active' | 'cleared';

/** ThingsBoard's four lifecycle statuses: acknowledged and cleared are independent. */
export type AlertStatus = 'active_unacknowledged' | 'active_acknowledged' | 'cleared_unacknowledged' | 'cleared_acknowledged';

export interface AlertRecord {
  id: string;
  /** device + rule: at most one active alert per key */
  dedupKey: string;
  cityId: string;
  siteId: string | null;
  deviceId: string | null;
  /** 'system' for alerts about the platform itself (no device) */
  domain: AlertDomain;
  ruleId: string;
  severity: AlertSeverity;
  state: AlertState;
  status: AlertStatus;
  acknowledged: boolean;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  assignee: string | null;
  assignedAt: number | null;
  /** 0 = first recipient group */
  escalationLevel: number;
  parameter: string | null;
  /** the latest evaluated value (the 24 h mean, the AQI, ...) */
  value: number | null;
  /** the worst value seen while active */
  peakValue: number | null;
  unit: string | null;
  standardId: string | null;
  standardVersion: string | null;
  /** the data the value covers */
  windowFrom: number | null;
  windowTo: number | null;
  details: Record<string, unknown>;
  /** when the condition began (data time) */
  activeSince: number;
  /** when the platform raised it (wall clock) */
  raisedAt: number;
  clearedAt: number | null;
  escalatedAt: number | null;
  /** last notification to people (raise, escalation, reminder): the reminder clock */
  lastNotifiedAt: number;
  updatedAt: number;
}

export interface AlertTransitionRecord {
  seq: number;
  alertId: string;
  transition: AlertTransitionKind;
  /** when it happened (data time for raise/clear, wall clock for the others) */
  at: number;
  recordedAt: number;
  /** 'engine', or who acknowledged / assigned */
  actor: string;
  severity: AlertSeverity;
  escalationLevel: number;
  value: number | null;
  note: string | null;
  details: Record<string, unknown>;
  publishedAt: number | null;
}

/** A transition not yet published, with the alert as it is now. */
export interface PendingTransition {
  transition: AlertTransitionRecord;
  alert: AlertRecord;
}

export interface AlertObservation {
  parameter: string | null;
  value: number | null;
  unit: string | null;
  standard: { id: string; version: string } | null;
  window: { from: number; to: number } | null;
  /** free-form context (condition id, completeness, the sentence explaining the verdict) */
  details?: Record<string, unknown>;
}

export interface RaiseAlertInput {
  id: string;
  dedupKey: string;
  cityId: string;
  siteId: string | null;
  deviceId: string | null;
  domain: AlertDomain;
  ruleId: string;
  severity: AlertSeverity;
  observation: AlertObservation;
  /** when the condition began (data time) */
  at: number;
  /** wall clock, default Date.now() */
  now?: number;
}

export type EngineTransition = 'escalated' | 'reminder' | 'cleared' | 'severity_changed';

export interface EngineTransitionInput {
  transition: EngineTransition;
  /** data time for cleared / severity_changed, wall clock for escalated / reminder */
  at: number;
  /** for severity_changed */
  severity?: AlertSeverity;
  /** for escalated: the new level */
  escalationLevel?: number;
  observation?: AlertObservation;
  note?: string;
  /** wall clock, default Date.now() */
  now?: number;
}

export interface ObservationUpdate {
  alertId: string;
  observation: AlertObservation;
}

export interface AlertListFilter {
  cityId?: string | string[];
  state?: AlertState;
  acknowledged?: boolean;
  severity?: AlertSeverity | AlertSeverity[];
  domain?: AlertDomain;
  deviceId?: string;
  siteId?: string;
  ruleId?: string;
  assignee?: string;
  /** alerts active at some time in [from, to): active_since < to and (not cleared or cleared_at >= from) */
  from?: number;
  to?: number;
  /** page size, default 50, at most 500 */
  limit?: number;
  /** from the previous page's nextCursor */
  cursor?: string;
}

export interface AlertPage {
  items: AlertRecord[];
  /** pass as cursor for the next page; null on the last page */
  nextCursor: string | null;
}

export type RecipientChannel = 'webhook' | 'email' | 'line' | 'mqtt';
export type RecipientLanguage = 'th' | 'en' | 'both';

export interface RecipientRecord {
  id: string;
  name: string;
  channel: RecipientChannel;
  /** masked ("s***@example.go.th") unless read with reveal: true */
  address: string;
  addressMasked: boolean;
  language: RecipientLanguage;
  /** null = any city */
  cityId: string | null;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface NewRecipient {
  id: string;
  name: string;
  channel: RecipientChannel;
  address: string;
  language?: RecipientLanguage;
  cityId?: string | null;
  enabled?: boolean;
}

export interface RouteRecord {
  id: string;
  /** the route as the notifiers define it ({ cities?, domains?, severities?, transitions?, escalationLevel?, recipients, quietHours? }) */
  definition: Record<string, unknown>;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface DeliveryAttemptInput {
  notificationKey: string;
  alertId: string;
  transition: string;
  recipientId: string;
  channel: string;
  attempt: number;
  at: number;
  ok: boolean;
  status: string;
  error: string | null;
  nextRetryAt: number | null;
}

export interface DeliveryRecord extends DeliveryAttemptInput {
  seq: number;
}

export interface RuleOverrideRecord {
  cityId: string;
  ruleId: string;
  override: Record<string, unknown>;
  updatedBy: string | null;
  updatedAt: number;
}

/**
 * Alert lifecycle, recipients, routes, delivery log and rule overrides in the StateStore. The alerts engine raises,
 * escalates, reminds and clears; the API lists, reads, acknowledges and assigns. Every change appends to the
 * transition history, which is also the outbox the engine publishes from (MQTT, alert events, notifications).
 */
export interface AlertRepository {
  // ---- engine
  /** insert an active alert and its 'raised' transition; an active alert with the same dedup key is returned instead */
  raise(input: RaiseAlertInput): Promise<{ alert: AlertRecord; created: boolean }>;
  /**
   * escalated / reminder apply only to an active, unacknowledged alert (read in the same statement: an
   * acknowledgement always wins a race); cleared / severity_changed only to an active one. null when not applied.
   */
  transition(alertId: string, input: EngineTransitionInput): Promise<AlertRecord | null>;
  /** latest values of active alerts (no transition) */
  updateObservations(updates: ObservationUpdate[], now?: number): Promise<void>;
  listActive(filter?: { cityId?: string }): Promise<AlertRecord[]>;
  /** oldest first */
  pendingTransitions(limit?: number): Promise<PendingTransition[]>;
  markPublished(seqs: number[], now?: number): Promise<void>;

  // ---- API
  get(id: string): Promise<AlertRecord | null>;
  list(filter?: AlertListFilter): Promise<AlertPage>;
  count(filter?: Omit<AlertListFilter, 'limit' | 'cursor'>): Promise<number>;
  /** every transition of the alert, oldest first */
  history(alertId: string): Promise<AlertTransitionRecord[]>;
  /** idempotent: a second acknowledgement keeps the first one's time and author and adds no transition */
  acknowledge(alertId: string, input: { by: string; note?: string; now?: number }): Promise<AlertRecord>;
  /** assignee null = unassign */
  assign(alertId: string, input: { assignee: string | null; by: string; note?: string; now?: number }): Promise<AlertRecord>;

  // ---- recipients and routes
  upsertRecipient(recipient: NewRecipient): Promise<RecipientRecord>;
  getRecipient(id: string, options?: { reveal?: boolean }): Promise<RecipientRecord | null>;
  listRecipients(options?: { cityId?: string; reveal?: boolean }): Promise<RecipientRecord[]>;
  deleteRecipient(id: string): Promise<boolean>;
  upsertRoute(route: { id: string; definition: Record<string, unknown>; enabled?: boolean }): Promise<RouteRecord>;
  listRoutes(): Promise<RouteRecord[]>;
  deleteRoute(id: string): Promise<boolean>;

  // ---- delivery log
  recordDelivery(attempt: DeliveryAttemptInput): Promise<void>;
  /** newest first, default 100 */
  listDeliveries(filter?: { alertId?: string; recipientId?: string; limit?: number }): Promise<DeliveryRecord[]>;

  // ---- rule overrides
  setRuleOverride(cityId: string, ruleId: string, override: Record<string, unknown>, by?: string): Promise<RuleOverrideRecord>;
  listRuleOverrides(filter?: { cityId?: string }): Promise<RuleOverrideRecord[]>;
  deleteRuleOverride(cityId: string, ruleId: string): Promise<boolean>;
}

import type { AlertDomain, AlertSeverity, AlertTransitionKind } from '@mueang/core';
import { maskAddress } from './mask.ts';
import type {
  AlertRecord,
  AlertState,
  AlertTransitionRecord,
  DeliveryRecord,
  RecipientChannel,
  RecipientLanguage,
  RecipientRecord,
  RouteRecord,
  RuleOverrideRecord,
} from './types.ts';

/** Rows as the drivers return them (timestamps already epoch ms, int8 already numbers, jsonb already objects). */
export interface AlertRow {
  id: string;
  dedup_key: string;
  city_id: string;
  site_id: string | null;
  device_id: string | null;
  domain: string;
  rule_id: string;
  severity: string;
  state: string;
  acknowledged: boolean;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  assignee: string | null;
  assigned_at: number | null;
  escalation_level: number;
  parameter: string | null;
  value: number | null;
  peak_value: number | null;
  unit: string | null;
  standard_id: string | null;
  standard_version: string | null;
  window_from: number | null;
  window_to: number | null;
  details: Record<string, unknown> | null;
  active_since: number;
  raised_at: number;
  cleared_at: number | null;
  escalated_at: number | null;
  last_notified_at: number;
  updated_at: number;
}

export interface TransitionRow {
  seq: number;
  alert_id: string;
  transition: string;
  at: number;
  recorded_at: number;
  actor: string;
  severity: string;
  escalation_level: number;
  value: number | null;
  note: string | null;
  details: Record<string, unknown> | null;
  published_at: number | null;
}

export interface RecipientRow {
  id: string;
  name: string;
  channel: string;
  address: string;
  language: string;
  city_id: string | null;
  enabled: boolean;
  created_at: number;
  updated_at: number;
}

export interface RouteRow {
  id: string;
  definition: Record<string, unknown>;
  enabled: boolean;
  created_at: number;
  updated_at: number;
}

export interface DeliveryRow {
  seq: number;
  notification_key: string;
  alert_id: string;
  transition: string;
  recipient_id: string;
  channel: string;
  attempt: number;
  at: number;
  ok: boolean;
  status: string;
  error: string | null;
  next_retry_at: number | null;
}

export interface OverrideRow {
  city_id: string;
  rule_id: string;
  override: Record<string, unknown>;
  updated_by: string | null;
  updated_at: number;
}

// the schema's CHECK constraints hold the text columns to the union types
export function alertFromRow(row: AlertRow): AlertRecord {
  const state = row.state as AlertState;
  return {
    id: row.id,
    dedupKey: row.dedup_key,
    cityId: row.city_id,
    siteId: row.site_id,
    deviceId: row.device_id,
    domain: row.domain as AlertDomain,
    ruleId: row.rule_id,
    severity: row.severity as AlertSeverity,
    state,
    status: `${state}_${row.acknowledged ? 'acknowledged' : 'unacknowledged'}`,
    acknowledged: row.acknowledged,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    assignee: row.assignee,
    assignedAt: row.assigned_at,
    escalationLevel: row.escalation_level,
    parameter: row.parameter,
    value: row.value,
    peakValue: row.peak_value,
    unit: row.unit,
    standardId: row.standard_id,
    standardVersion: row.standard_version,
    windowFrom: row.window_from,
    windowTo: row.window_to,
    details: row.details ?? {},
    activeSince: row.active_since,
    raisedAt: row.raised_at,
    clearedAt: row.cleared_at,
    escalatedAt: row.escalated_at,
    lastNotifiedAt: row.last_notified_at,
    updatedAt: row.updated_at,
  };
}

export function transitionFromRow(row: TransitionRow): AlertTransitionRecord {
  return {
    seq: row.seq,
    alertId: row.alert_id,
    transition: row.transition as AlertTransitionKind,
    at: row.at,
    recordedAt: row.recorded_at,
    actor: row.actor,
    severity: row.severity as AlertSeverity,
    escalationLevel: row.escalation_level,
    value: row.value,
    note: row.note,
    details: row.details ?? {},
    publishedAt: row.published_at,
  };
}

export function recipientFromRow(row: RecipientRow, reveal: boolean): RecipientRecord {
  const channel = row.channel as RecipientChannel;
  return {
    id: row.id,
    name: row.name,
    channel,
    address: reveal ? row.address : maskAddress(channel, row.address),
    addressMasked: !reveal,
    language: row.language as RecipientLanguage,
    cityId: row.city_id,
    enabled: row.enabled,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function routeFromRow(row: RouteRow): RouteRecord {
  return { id: row.id, definition: row.definition, enabled: row.enabled, createdAt: row.created_at, updatedAt: row.updated_at };
}

export function deliveryFromRow(row: DeliveryRow): DeliveryRecord {
  return {
    seq: row.seq,
    notificationKey: row.notification_key,
    alertId: row.alert_id,
    transition: row.transition,
    recipientId: row.recipient_id,
    channel: row.channel,
    attempt: row.attempt,
    at: row.at,
    ok: row.ok,
    status: row.status,
    error: row.error,
    nextRetryAt: row.next_retry_at,
  };
}

export function overrideFromRow(row: OverrideRow): RuleOverrideRecord {
  return { cityId: row.city_id, ruleId: row.rule_id, override: row.override, updatedBy: row.updated_by, updatedAt: row.updated_at };
}

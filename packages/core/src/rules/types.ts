/**
 * Alert rules as data. A rule watches one device (dedup key: device + rule id) and fires when ANY of its conditions
 * has held for its duration (OR conditions); it clears when all of its conditions are clear for the quiet period.
 */
import type { BilingualText } from '../standards/types.ts';
import { DOMAINS, type Domain } from '../types.ts';

/**
 * What an alert is about: a device of a sensor domain, or the platform itself ('system': its disks), which has no
 * device and is raised for each city the reporting service serves.
 */
export const ALERT_DOMAINS = [...DOMAINS, 'system'] as const;
export type AlertDomain = (typeof ALERT_DOMAINS)[number];

export function isAlertDomain(value: unknown): value is AlertDomain {
  return typeof value === 'string' && (ALERT_DOMAINS as readonly string[]).includes(value);
}

/** Most severe first (ThingsBoard's set, lower case; 'info' stands for INDETERMINATE). */
export const ALERT_SEVERITIES = ['critical', 'major', 'minor', 'warning', 'info'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export function isAlertSeverity(value: unknown): value is AlertSeverity {
  return typeof value === 'string' && (ALERT_SEVERITIES as readonly string[]).includes(value);
}

/** 0 = critical (most severe) ... 4 = info */
export function severityRank(severity: AlertSeverity): number {
  return ALERT_SEVERITIES.indexOf(severity);
}

/** The more severe of two severities. */
export function worseSeverity(a: AlertSeverity, b: AlertSeverity): AlertSeverity {
  return severityRank(a) <= severityRank(b) ? a : b;
}

/** Every change in an alert's life, in the transition history and in notifications. */
export const ALERT_TRANSITIONS = ['raised', 'escalated', 'reminder', 'cleared', 'acknowledged', 'assigned', 'severity_changed'] as const;
export type AlertTransitionKind = (typeof ALERT_TRANSITIONS)[number];

export function isAlertTransitionKind(value: unknown): value is AlertTransitionKind {
  return typeof value === 'string' && (ALERT_TRANSITIONS as readonly string[]).includes(value);
}

interface ConditionBase {
  /** unique within the rule; overrides address conditions by it */
  id: string;
  /** how long the condition must hold before it raises the alert; defaults to the rule's forMs */
  forMs?: number;
  /** severity of the alert when this condition raises it; defaults to the rule's severity */
  severity?: AlertSeverity;
}

/**
 * A Thai standard judged on its own averaging window (evaluateStandardInForce: the edition in force on the window's
 * last day). Clears only when the statistic is back below the limit by `clearFraction` (hysteresis).
 */
export interface StandardCondition extends ConditionBase {
  kind: 'standard';
  standardId: string;
  parameter: string;
  /** completeness slot length: the window needs 75 % of its slots to hold a sample */
  expectedIntervalMs: number;
  /** hysteresis: a maximum-type limit clears at limit × (1 − clearFraction), a minimum-type at limit × (1 + clearFraction) */
  clearFraction: number;
}

/** The latest reading compared with a threshold; `clearValue` is the hysteresis edge. */
export interface ThresholdCondition extends ConditionBase {
  kind: 'threshold';
  parameter: string;
  op: 'gt' | 'gte' | 'lt' | 'lte';
  value: number;
  /** upper thresholds (gt, gte) clear at value <= clearValue, lower ones (lt, lte) at value >= clearValue */
  clearValue: number;
  /** a latest reading older than this is no evidence either way ("insufficient data") */
  maxSampleAgeMs: number;
  /** the standard the number comes from, when it comes from one (named in the alert) */
  reference?: { standardId: string };
}

/** Thai AQI of the station (its own pollutants, each on its own rolling window) at or above a band. */
export interface AqiBandCondition extends ConditionBase {
  kind: 'aqi-band';
  /** 1 very good ... 5 affects health; fires at this band or worse */
  minLevel: 2 | 3 | 4 | 5;
  /** clears at AQI <= (first AQI of minLevel) − 1 − clearMargin */
  clearMargin: number;
  /** severity per band once firing (bands missing here use the condition's or the rule's severity) */
  severityByLevel: Partial<Record<'1' | '2' | '3' | '4' | '5', AlertSeverity>>;
  /** completeness slot length per pollutant window (PM 24 h, O3/CO 8 h: 1 h; NO2/SO2 1 h: 15 min) */
  expectedIntervalMs: { pm25: number; pm10: number; o3: number; co: number; no2: number; so2: number };
}

/** No reading from the device for `afterMs` (judged on the reading timestamps, against the evaluation time). */
export interface NoDataCondition extends ConditionBase {
  kind: 'no-data';
  afterMs: number;
}

/** The broker reports the device offline (retained status topic) for at least `afterMs`. */
export interface OfflineCondition extends ConditionBase {
  kind: 'offline';
  afterMs: number;
}

/** A sensor repeating exactly the same value for at least `minReadings` readings spanning `minDurationMs`. */
export interface StuckCondition extends ConditionBase {
  kind: 'stuck';
  parameters: string[];
  minReadings: number;
  minDurationMs: number;
}

/**
 * The rolling mean of a consumption parameter far above the device's own baseline for that hour of the day
 * (the mean of the same Asia/Bangkok hour on previous days).
 */
export interface BaselineCondition extends ConditionBase {
  kind: 'baseline';
  parameter: string;
  windowMs: number;
  expectedIntervalMs: number;
  /** fires above baseline × factor ... */
  factor: number;
  /** ... when also at least this share of the device's busiest baseline hour above the baseline (small loads at night) */
  minExcessFraction: number;
  /** clears at or below baseline × clearFactor */
  clearFactor: number;
  /** previous days needed for a baseline */
  minDays: number;
  /** previous days used */
  maxDays: number;
}

/**
 * A platform service reports a disk level at or past `level` (its retained disk status, see disk.ts); the service
 * decides the level from its thresholds, the rule decides what it means for people.
 */
export interface DiskSpaceCondition extends ConditionBase {
  kind: 'disk-space';
  level: 'warning' | 'critical';
  /** a report older than this is no evidence either way ("insufficient data") */
  maxReportAgeMs: number;
}

export type RuleCondition =
  | DiskSpaceCondition
  | StandardCondition
  | ThresholdCondition
  | AqiBandCondition
  | NoDataCondition
  | OfflineCondition
  | StuckCondition
  | BaselineCondition;

export type RuleConditionKind = RuleCondition['kind'];

export interface EscalationPolicy {
  /** unacknowledged for this long (since raised or the last escalation) -> next recipient level */
  afterMs: number;
  /** the highest level (0 = first recipient group) */
  maxLevel: number;
}

export interface AlertRule {
  /** e.g. 'air.pm25.24h', 'ops.device.offline' */
  id: string;
  name: BilingualText;
  /** the rule watches devices of these domains ('system': the platform's own status reports) */
  domains: AlertDomain[];
  severity: AlertSeverity;
  enabled: boolean;
  /** OR: any condition that holds for its duration raises the alert */
  conditions: RuleCondition[];
  /** default duration for the conditions */
  forMs: number;
  /** all conditions clear for this long -> cleared (ThingsBoard #10979) */
  clearAfterQuietMs: number;
  /** null = never escalate */
  escalation: EscalationPolicy | null;
  /** repeat the notification while active and unacknowledged (ThingsBoard #5600); null = never */
  reminderEveryMs: number | null;
  /** where the rule or its numbers come from */
  source: string;
}

/**
 * Changes to one condition: any of its fields but kind and id, e.g. { value: 85, clearValue: 75 }. The merged rule is
 * checked as a whole (checkRules), so a field of the wrong type or one the condition does not have is reported there.
 */
export type ConditionOverride = Readonly<Record<string, unknown>>;

/** Changes to one rule; conditions are addressed by their id. */
export interface RuleOverride {
  enabled?: boolean;
  severity?: AlertSeverity;
  name?: Partial<BilingualText>;
  forMs?: number;
  clearAfterQuietMs?: number;
  escalation?: EscalationPolicy | null;
  reminderEveryMs?: number | null;
  conditions?: Record<string, ConditionOverride>;
}

/** Overrides of a rule set (per city or for all cities): changed rules by id, and whole new rules. */
export interface RuleSetOverrides {
  rules?: Record<string, RuleOverride>;
  add?: AlertRule[];
}

/** A problem in rules data, as a value: where (a path) and what to do. */
export interface RuleProblem {
  path: string;
  message: string;
}

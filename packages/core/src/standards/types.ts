import type { Domain } from '../types.ts';

/** Text shown to Thai and English readers. */
export interface BilingualText {
  en: string;
  th: string;
}

/** How far a number was confirmed (reference thai-standards.md, "Status labels"). */
export type SourceStatus = 'VERIFIED' | 'PARTIAL' | 'UNVERIFIED';

/** Which body of law a standard belongs to; lets callers pick e.g. surface water rather than tap water for 'pH'. */
export type StandardCategory =
  | 'ambient-air'
  | 'noise'
  | 'surface-water'
  | 'effluent-industrial'
  | 'effluent-building'
  | 'effluent-housing'
  | 'tap-water';

export type CalendarUnit = 'day' | 'month' | 'year';

/**
 * - rolling: mean over (t - periodMs, t]
 * - calendar: the Asia/Bangkok calendar day, month or year containing t
 * - sample-window: a statistic over the set of samples in (t - periodMs, t] (percentile limits)
 * - instant: each reading judged on its own (grab samples, Lmax)
 */
export type AveragingKind = 'rolling' | 'calendar' | 'sample-window' | 'instant';

export interface Averaging {
  kind: AveragingKind;
  /** window length for 'rolling' and 'sample-window' */
  periodMs?: number;
  /** for 'calendar' */
  calendarUnit?: CalendarUnit;
  label: BilingualText;
}

/**
 * Statistic of the window compared with the limit. 'sample' means the reading itself (averaging 'instant').
 * 'percentile' uses `Standard.percentile` (0-100).
 */
export type StandardStatistic = 'mean' | 'max' | 'leq' | 'percentile' | 'sample';

/** "must not exceed max" and/or "must not fall below min" (a range such as pH 5-9 has both). */
export interface Limit {
  max?: number;
  min?: number;
}

export type WaterClass = 1 | 2 | 3 | 4 | 5;

/** Narrows where a standard applies when a parameter has several (water classes, building types, ...). */
export interface StandardScope {
  waterClass?: WaterClass;
  /** effluent building type ก/ข/ค (A/B/C) or housing-estate type A/B/C */
  buildingType?: 'A' | 'B' | 'C';
  /** receiving-water hardness condition (surface-water cadmium footnote) */
  hardness?: 'le-100-mg-caco3' | 'gt-100-mg-caco3';
}

/** One edition of one standard. Editions of the same id have non-overlapping effective dates. */
export interface Standard {
  /** stable across editions, e.g. 'th-aaqs-pm25-24h' */
  id: string;
  /** edition label: the effective date when known, else the notification it comes from */
  version: string;
  /** catalog parameter name: 'pm25', 'o3', 'dissolvedOxygen', 'noise', ... */
  parameter: string;
  domain: Domain;
  category: StandardCategory;
  name: BilingualText;
  averaging: Averaging;
  statistic: StandardStatistic;
  /** for statistic 'percentile', 0-100 */
  percentile?: number;
  limit: Limit;
  /** canonical catalog unit: µg/m³ for PM, ppb for O3/NO2/SO2, ppm for CO, mg/L for water */
  unit: string;
  /** the window statistic is rounded half-up to this many decimals before comparison (project-choices.ts) */
  decimals: number;
  /** first day in force, 'YYYY-MM-DD', an Asia/Bangkok day */
  effectiveFrom: string;
  /** last day in force (inclusive), 'YYYY-MM-DD'; absent while in force */
  effectiveTo?: string;
  /** where the number comes from (keys of STANDARD_SOURCES in brackets) */
  source: string;
  status: SourceStatus;
  notes?: string;
  scope?: StandardScope;
}

/** A problem with input, as a value: what was wrong, where, and what to do. */
export interface StandardsError {
  code: string;
  message: string;
}

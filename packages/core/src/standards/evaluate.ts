/** Judge a standard over its own averaging window. Never 'pass' without enough data (project choice "completeness"). */
import { bangkokDate } from '../time.ts';
import { isInForce, standardVersions } from './registry.ts';
import { roundHalfUp } from './rounding.ts';
import type { Limit, Standard, StandardStatistic, StandardsError } from './types.ts';
import {
  calendarWindow,
  isInWindow,
  rollingWindow,
  summarizeWindow,
  type TimeWindow,
  type WindowOptions,
  type WindowSample,
  type WindowStatistic,
} from './windows.ts';

export type EvaluateOptions = WindowOptions;

interface EvaluationBase {
  standardId: string;
  version: string;
  limit: Limit;
  unit: string;
  statistic: StandardStatistic;
  window: TimeWindow;
  completeness: number;
  /** valid samples inside the window */
  samples: number;
}

export interface StandardVerdict extends EvaluationBase {
  status: 'pass' | 'exceed';
  /** the window statistic rounded to the standard's decimals: the number compared with the limit */
  value: number;
  rawValue: number;
  /**
   * true when an exceedance of a maximum-type limit was found in an incomplete window
   * (project choice "max-on-partial-data"); a pass is never partial
   */
  partial: boolean;
}

export interface StandardInsufficient extends EvaluationBase {
  status: 'insufficient-data';
  required: number;
  expected: number;
}

export interface StandardInvalid {
  status: 'invalid';
  standardId: string;
  version?: string;
  error: StandardsError;
}

export type StandardEvaluation = StandardVerdict | StandardInsufficient | StandardInvalid;

/** The window a standard is judged over when evaluated at atMs. */
export function standardWindow(standard: Standard, atMs: number, expectedIntervalMs: number): TimeWindow {
  const { kind, periodMs, calendarUnit } = standard.averaging;
  if (kind === 'calendar') return calendarWindow(calendarUnit ?? 'day', atMs);
  if (kind === 'instant') return rollingWindow(atMs, expectedIntervalMs);
  return rollingWindow(atMs, periodMs ?? 0);
}

function windowStatisticOf(standard: Standard): WindowStatistic {
  switch (standard.statistic) {
    case 'mean':
      return { kind: 'mean' };
    case 'max':
      return { kind: 'max' };
    case 'leq':
      return { kind: 'leq' };
    case 'percentile':
      return { kind: 'percentile', p: standard.percentile ?? Number.NaN };
    case 'sample':
      return { kind: 'latest' };
  }
}

/** 'exceed' when above max or below min */
export function compareWithLimit(value: number, limit: Limit): 'pass' | 'exceed' {
  if (limit.max !== undefined && value > limit.max) return 'exceed';
  if (limit.min !== undefined && value < limit.min) return 'exceed';
  return 'pass';
}

/**
 * Evaluate one edition of a standard over the window ending at atMs (rolling windows) or containing atMs (calendar
 * periods). The statistic is rounded to `standard.decimals` before comparison (project choice "comparison-rounding").
 */
export function evaluateStandard(
  standard: Standard,
  samples: readonly WindowSample[],
  atMs: number,
  options: EvaluateOptions,
): StandardEvaluation {
  if (!Number.isFinite(atMs)) {
    return { status: 'invalid', standardId: standard.id, version: standard.version, error: { code: 'evaluate.time', message: `atMs must be a finite epoch-ms time, got ${atMs}` } };
  }
  const window = standardWindow(standard, atMs, options.expectedIntervalMs);
  const result = summarizeWindow(samples, window, windowStatisticOf(standard), options);
  if (result.status === 'invalid') {
    return { status: 'invalid', standardId: standard.id, version: standard.version, error: result.error };
  }
  const base: EvaluationBase = {
    standardId: standard.id,
    version: standard.version,
    limit: standard.limit,
    unit: standard.unit,
    statistic: standard.statistic,
    window,
    completeness: result.completeness,
    samples: result.samples,
  };
  if (result.status === 'ok') {
    const value = roundHalfUp(result.value, standard.decimals);
    return { ...base, status: compareWithLimit(value, standard.limit), value, rawValue: result.value, partial: false };
  }
  const partialExceedance = partialMaxExceedance(standard, samples, window);
  if (partialExceedance !== undefined) {
    return { ...base, status: 'exceed', value: roundHalfUp(partialExceedance, standard.decimals), rawValue: partialExceedance, partial: true };
  }
  return { ...base, status: 'insufficient-data', required: result.required, expected: result.expected };
}

/** the largest reading when it already exceeds a maximum-type limit, however incomplete the window */
function partialMaxExceedance(standard: Standard, samples: readonly WindowSample[], window: TimeWindow): number | undefined {
  if (standard.statistic !== 'max' || standard.limit.max === undefined) return undefined;
  let max = -Infinity;
  for (const s of samples) {
    if (Number.isFinite(s.ts) && Number.isFinite(s.value) && isInWindow(s.ts, window)) max = Math.max(max, s.value);
  }
  return roundHalfUp(max, standard.decimals) > standard.limit.max ? max : undefined;
}

/**
 * Evaluate standard `id` with the edition in force on the Asia/Bangkok day of the window's last instant
 * (project choice "window-boundaries"): e.g. a 2022 annual window is judged by the edition in force on 2022-12-31.
 */
export function evaluateStandardInForce(
  id: string,
  samples: readonly WindowSample[],
  atMs: number,
  options: EvaluateOptions,
): StandardEvaluation {
  const editions = standardVersions(id);
  const first = editions[0];
  if (!first) {
    return { status: 'invalid', standardId: id, error: { code: 'standard.unknown', message: `no standard has id "${id}"; see allStandards() for the ids` } };
  }
  if (!Number.isFinite(atMs)) {
    return { status: 'invalid', standardId: id, error: { code: 'evaluate.time', message: `atMs must be a finite epoch-ms time, got ${atMs}` } };
  }
  // editions of one id share their averaging (checked by checkStandardsData), so any edition gives the window
  const window = standardWindow(first, atMs, options.expectedIntervalMs);
  const lastInstant = window.closed === 'end' ? window.endMs : window.endMs - 1;
  const day = bangkokDate(lastInstant);
  const edition = editions.find((s) => isInForce(s, day));
  if (!edition) {
    return {
      status: 'invalid',
      standardId: id,
      error: { code: 'standard.not_in_force', message: `standard "${id}" has no edition in force on ${day}; editions start ${first.effectiveFrom}` },
    };
  }
  return evaluateStandard(edition, samples, atMs, options);
}

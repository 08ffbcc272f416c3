/**
 * Pure window statistics over { ts, value } samples with an expected sample interval.
 * Completeness = share of the window's expected sample slots (window length / expected interval) that hold at least
 * one valid sample; below MIN_COMPLETENESS the result is 'insufficient-data' (project choice "completeness").
 */
import { energyLevel, levelEnergy } from '../leq.ts';
import { bangkokCalendarPeriod } from './dates.ts';
import { MIN_COMPLETENESS } from './project-choices.ts';
import type { CalendarUnit, StandardsError } from './types.ts';

export interface WindowSample {
  /** epoch ms */
  ts: number;
  value: number;
}

/** closed 'end': (startMs, endMs] (rolling windows ending at t); closed 'start': [startMs, endMs) (calendar periods) */
export interface TimeWindow {
  startMs: number;
  endMs: number;
  closed: 'end' | 'start';
}

export type WindowStatistic =
  | { kind: 'mean' }
  | { kind: 'max' }
  | { kind: 'leq' }
  | { kind: 'percentile'; p: number }
  | { kind: 'latest' };

export interface WindowOptions {
  /** how often the device is expected to report (or the grab-sample schedule), ms */
  expectedIntervalMs: number;
  /** defaults to MIN_COMPLETENESS (0.75) */
  minCompleteness?: number;
}

export interface WindowOk {
  status: 'ok';
  value: number;
  completeness: number;
  /** valid samples inside the window */
  samples: number;
  window: TimeWindow;
}

export interface WindowInsufficient {
  status: 'insufficient-data';
  completeness: number;
  samples: number;
  /** slots that must hold a sample for the window to count */
  required: number;
  /** slots in the window */
  expected: number;
  window: TimeWindow;
}

export interface WindowInvalid {
  status: 'invalid';
  error: StandardsError;
}

export type WindowResult = WindowOk | WindowInsufficient | WindowInvalid;

export interface WindowCoverage {
  expected: number;
  covered: number;
  completeness: number;
  samples: number;
}

/** (endMs - periodMs, endMs]: includes the sample at endMs */
export function rollingWindow(endMs: number, periodMs: number): TimeWindow {
  return { startMs: endMs - periodMs, endMs, closed: 'end' };
}

/** the Asia/Bangkok calendar day, month or year containing atMs, as [start, end) */
export function calendarWindow(unit: CalendarUnit, atMs: number): TimeWindow {
  const { startMs, endMs } = bangkokCalendarPeriod(unit, atMs);
  return { startMs, endMs, closed: 'start' };
}

export function isInWindow(ts: number, window: TimeWindow): boolean {
  return window.closed === 'end' ? ts > window.startMs && ts <= window.endMs : ts >= window.startMs && ts < window.endMs;
}

function expectedSlots(window: TimeWindow, intervalMs: number): number {
  return Math.max(1, Math.ceil((window.endMs - window.startMs) / intervalMs));
}

function slotOf(ts: number, window: TimeWindow, intervalMs: number): number {
  const offset = ts - window.startMs;
  return window.closed === 'end' ? Math.ceil(offset / intervalMs) - 1 : Math.floor(offset / intervalMs);
}

function validSamplesIn(samples: readonly WindowSample[], window: TimeWindow): WindowSample[] {
  const inside: WindowSample[] = [];
  for (const sample of samples) {
    if (Number.isFinite(sample.ts) && Number.isFinite(sample.value) && isInWindow(sample.ts, window)) inside.push(sample);
  }
  return inside;
}

/** How many expected slots of the window hold a valid sample (samples with non-finite ts or value are ignored). */
export function windowCoverage(samples: readonly WindowSample[], window: TimeWindow, expectedIntervalMs: number): WindowCoverage {
  const inside = validSamplesIn(samples, window);
  const expected = expectedSlots(window, expectedIntervalMs);
  const covered = new Set(inside.map((s) => slotOf(s.ts, window, expectedIntervalMs))).size;
  return { expected, covered, completeness: covered / expected, samples: inside.length };
}

function invalid(code: string, message: string): WindowInvalid {
  return { status: 'invalid', error: { code, message } };
}

function checkArguments(window: TimeWindow, statistic: WindowStatistic, options: WindowOptions): WindowInvalid | null {
  const { expectedIntervalMs, minCompleteness = MIN_COMPLETENESS } = options;
  if (!(Number.isFinite(expectedIntervalMs) && expectedIntervalMs > 0)) {
    return invalid('window.interval', `expectedIntervalMs must be a positive number of ms (the device's reporting interval), got ${expectedIntervalMs}`);
  }
  if (!(Number.isFinite(window.startMs) && Number.isFinite(window.endMs) && window.endMs > window.startMs)) {
    return invalid('window.range', `window [${window.startMs}, ${window.endMs}] must have finite bounds with end after start`);
  }
  if (!(minCompleteness > 0 && minCompleteness <= 1)) {
    return invalid('window.completeness', `minCompleteness must be in (0, 1], got ${minCompleteness}`);
  }
  if (statistic.kind === 'percentile' && !(statistic.p >= 0 && statistic.p <= 100)) {
    return invalid('window.percentile', `percentile must be between 0 and 100, got ${statistic.p}`);
  }
  return null;
}

/** The statistic of the samples inside `window`, or 'insufficient-data' when fewer slots than required hold data. */
export function summarizeWindow(
  samples: readonly WindowSample[],
  window: TimeWindow,
  statistic: WindowStatistic,
  options: WindowOptions,
): WindowResult {
  const problem = checkArguments(window, statistic, options);
  if (problem) return problem;
  const interval = options.expectedIntervalMs;
  const inside = validSamplesIn(samples, window);
  const expected = expectedSlots(window, interval);
  const slots = new Map<number, WindowSample[]>();
  for (const sample of inside) {
    const slot = slotOf(sample.ts, window, interval);
    const list = slots.get(slot);
    if (list) list.push(sample);
    else slots.set(slot, [sample]);
  }
  const completeness = slots.size / expected;
  // tolerance: 0.75 * 100 must require 75, not 76 through binary rounding
  const required = Math.ceil((options.minCompleteness ?? MIN_COMPLETENESS) * expected - 1e-9);
  if (slots.size < required) {
    return { status: 'insufficient-data', completeness, samples: inside.length, required, expected, window };
  }
  return { status: 'ok', value: statisticOf(statistic, inside, slots), completeness, samples: inside.length, window };
}

function statisticOf(statistic: WindowStatistic, inside: WindowSample[], slots: Map<number, WindowSample[]>): number {
  switch (statistic.kind) {
    case 'mean':
      return mean([...slots.values()].map((slotSamples) => mean(slotSamples.map((s) => s.value))));
    case 'leq':
      // energy mean per slot, then over slots: equal-length intervals covering the window (reference §5)
      return energyLevel(mean([...slots.values()].map((slotSamples) => mean(slotSamples.map((s) => levelEnergy(s.value))))));
    case 'max':
      return inside.reduce((m, s) => Math.max(m, s.value), -Infinity);
    case 'percentile':
      return linearPercentile(inside.map((s) => s.value), statistic.p) as number;
    case 'latest':
      return inside.reduce((latest, s) => (s.ts >= latest.ts ? s : latest)).value;
  }
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/**
 * Percentile by linear interpolation between closest ranks (Hyndman-Fan type 7, Excel PERCENTILE.INC, NumPy default):
 * sorted x, h = (n - 1) * p / 100, result x[floor h] + (h - floor h) * (x[floor h + 1] - x[floor h]).
 * undefined for no values or p outside [0, 100].
 */
export function linearPercentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0 || !(p >= 0 && p <= 100)) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const h = ((sorted.length - 1) * p) / 100;
  const lower = Math.floor(h);
  const lowValue = sorted[lower] as number;
  const highValue = sorted[Math.min(lower + 1, sorted.length - 1)] as number;
  return lowValue + (h - lower) * (highValue - lowValue);
}

/** Equivalent continuous level: 10·log10(mean(10^(L/10))); undefined for no values. */
export function leqOfLevels(levels: readonly number[]): number | undefined {
  if (levels.length === 0) return undefined;
  return energyLevel(mean(levels.map(levelEnergy)));
}

/** mean over (endMs - periodMs, endMs], e.g. the rolling 1 h, 8 h or 24 h mean ending at t */
export function rollingMean(samples: readonly WindowSample[], endMs: number, periodMs: number, options: WindowOptions): WindowResult {
  return summarizeWindow(samples, rollingWindow(endMs, periodMs), { kind: 'mean' }, options);
}

/** mean over the Asia/Bangkok calendar day containing atMs */
export function calendarDayMean(samples: readonly WindowSample[], atMs: number, options: WindowOptions): WindowResult {
  return summarizeWindow(samples, calendarWindow('day', atMs), { kind: 'mean' }, options);
}

/** mean over the Asia/Bangkok calendar month containing atMs */
export function calendarMonthMean(samples: readonly WindowSample[], atMs: number, options: WindowOptions): WindowResult {
  return summarizeWindow(samples, calendarWindow('month', atMs), { kind: 'mean' }, options);
}

/** arithmetic mean over the Asia/Bangkok calendar year containing atMs (project choice "annual-statistic") */
export function calendarYearMean(samples: readonly WindowSample[], atMs: number, options: WindowOptions): WindowResult {
  return summarizeWindow(samples, calendarWindow('year', atMs), { kind: 'mean' }, options);
}

export function windowPercentile(samples: readonly WindowSample[], window: TimeWindow, p: number, options: WindowOptions): WindowResult {
  return summarizeWindow(samples, window, { kind: 'percentile', p }, options);
}

export function windowLeq(samples: readonly WindowSample[], window: TimeWindow, options: WindowOptions): WindowResult {
  return summarizeWindow(samples, window, { kind: 'leq' }, options);
}

export function windowMax(samples: readonly WindowSample[], window: TimeWindow, options: WindowOptions): WindowResult {
  return summarizeWindow(samples, window, { kind: 'max' }, options);
}

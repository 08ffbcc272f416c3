import { DAY_MS, HOUR_MS, MINUTE_MS, energyLevel, isEnergyAveraged, levelEnergy, type Domain, type RollupRow } from '@mueang/core';
import type { AggregateRow, TelemetryStore } from '@mueang/storage';
import { ApiError } from '../errors.ts';

export const WINDOWS = { '1m': MINUTE_MS, '5m': 5 * MINUTE_MS, '15m': 15 * MINUTE_MS, '1h': HOUR_MS, '1d': DAY_MS } as const;
export type WindowName = keyof typeof WINDOWS;
export const WINDOW_NAMES = Object.keys(WINDOWS) as WindowName[];
/** leq: the energy mean of sound levels (noise), as the Thai noise standards average them */
export const AGGREGATE_FUNCTIONS = ['mean', 'min', 'max', 'count', 'leq'] as const;
export type AggregateFunction = (typeof AGGREGATE_FUNCTIONS)[number];
export const GROUP_BY = ['none', 'device', 'site'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** most windows one series may return */
export const MAX_WINDOWS = 10_000;
/** above this span hourly windows come from the hourly rollups instead of raw points */
export const HOURLY_ROLLUP_AFTER_MS = 2 * DAY_MS;

export type AggregateSource = 'raw' | 'rollup-1h' | 'rollup-1d';

/**
 * Where an aggregate is computed from (DESIGN.md: reads over months use the rollups):
 * - window 1d: the daily rollups, i.e. Asia/Bangkok calendar days;
 * - window 1h over more than 2 days: the hourly rollups (the same numbers as raw, precomputed);
 * - otherwise the raw points, windows aligned to UTC epoch multiples of the window.
 */
export function aggregateSource(window: WindowName, spanMs: number): AggregateSource {
  if (window === '1d') return 'rollup-1d';
  if (window === '1h' && spanMs > HOURLY_ROLLUP_AFTER_MS) return 'rollup-1h';
  return 'raw';
}

export interface AggregateRequest {
  city: string;
  domain: Domain;
  params: string[];
  from: number;
  to: number;
  window: WindowName;
  fn: AggregateFunction;
  groupBy: GroupBy;
  device?: string | undefined;
  site?: string | undefined;
}

export interface AggregateResult {
  source: AggregateSource;
  rows: AggregateRow[];
}

interface Accumulator {
  sum: number;
  count: number;
  min: number;
  max: number;
  /** Σ count · 10^(leq/10); NaN once a row has no Leq (rolled up before the statistic existed) */
  energy: number;
}

function rowEnergy(row: RollupRow): number {
  return row.leq === undefined ? Number.NaN : row.count * levelEnergy(row.leq);
}

function groupTags(groupBy: GroupBy): Array<'site' | 'device'> {
  return groupBy === 'none' ? [] : [groupBy];
}

/**
 * Combine rollup rows into windows of the same period, grouped as asked: exact for every function (mean = Σsum / Σcount,
 * Leq = level of Σ(count · energy) / Σcount). A window whose rows lack Leq has no leq value rather than a wrong one.
 */
export function combineRollups(rows: readonly RollupRow[], fn: AggregateFunction, groupBy: GroupBy): AggregateRow[] {
  const windows = new Map<string, { start: number; tags: AggregateRow['tags']; acc: Map<string, Accumulator> }>();
  for (const row of rows) {
    const tags: AggregateRow['tags'] = {};
    if (groupBy === 'device') tags.device = row.device;
    if (groupBy === 'site') tags.site = row.site;
    const key = `${row.start}\u0000${tags.device ?? ''}\u0000${tags.site ?? ''}`;
    let window = windows.get(key);
    if (!window) windows.set(key, (window = { start: row.start, tags, acc: new Map() }));
    const acc = window.acc.get(row.param);
    if (!acc) window.acc.set(row.param, { sum: row.sum, count: row.count, min: row.min, max: row.max, energy: rowEnergy(row) });
    else {
      acc.sum += row.sum;
      acc.count += row.count;
      acc.min = Math.min(acc.min, row.min);
      acc.max = Math.max(acc.max, row.max);
      acc.energy += rowEnergy(row);
    }
  }
  const out: AggregateRow[] = [];
  for (const window of windows.values()) {
    const values: Record<string, number> = {};
    for (const [param, acc] of window.acc) {
      if (acc.count === 0) continue;
      if (fn === 'leq') {
        if (Number.isFinite(acc.energy)) values[param] = energyLevel(acc.energy / acc.count);
        continue;
      }
      values[param] = fn === 'mean' ? acc.sum / acc.count : fn === 'count' ? acc.count : acc[fn];
    }
    if (Object.keys(values).length > 0) out.push({ start: window.start, tags: window.tags, values });
  }
  return out.sort((a, b) => a.start - b.start || (a.tags.site ?? '').localeCompare(b.tags.site ?? '') || (a.tags.device ?? '').localeCompare(b.tags.device ?? ''));
}

export async function aggregateReadings(telemetry: TelemetryStore, request: AggregateRequest): Promise<AggregateResult> {
  const windowMs = WINDOWS[request.window];
  const windows = Math.ceil((request.to - request.from) / windowMs);
  if (windows > MAX_WINDOWS) {
    throw ApiError.invalidParameter('query.window', `${windows} windows of ${request.window} in the range; at most ${MAX_WINDOWS} per request. Use a larger window or a shorter range`);
  }
  if (request.fn === 'leq') {
    if (request.params.length === 0) throw ApiError.invalidParameter('query.fn', `fn=leq is the energy mean of sound levels in dB; domain ${request.domain} has none (noise is in air)`);
    const other = request.params.find((p) => !isEnergyAveraged(request.domain, p));
    if (other !== undefined) {
      throw ApiError.invalidParameter('query.fn', `fn=leq is the energy mean of sound levels in dB; ${request.domain}.${other} is not one. Use fn=mean for it, or ask for noise alone`);
    }
  }
  const source = aggregateSource(request.window, request.to - request.from);
  if (source === 'raw') {
    const rows = await telemetry.aggregate({ ...tagsOf(request), domain: request.domain, params: request.params, from: request.from, to: request.to, windowMs, fn: request.fn, groupBy: groupTags(request.groupBy) });
    return { source, rows };
  }
  return { source, rows: combineRollups(await rollupsOf(telemetry, request, source === 'rollup-1d' ? '1d' : '1h'), request.fn, request.groupBy) };
}

export type DailyRequest = Omit<AggregateRequest, 'window' | 'fn' | 'groupBy'>;

/**
 * Per device and Asia/Bangkok day, from one read of the daily rollups: the mean of every parameter asked for, and the
 * Leq of the sound levels among them (what the open data's daily route publishes).
 */
export async function dailyMeansAndLeq(telemetry: TelemetryStore, request: DailyRequest): Promise<{ means: AggregateRow[]; leqs: AggregateRow[] }> {
  const rollups = await rollupsOf(telemetry, request, '1d');
  const levels = rollups.filter((r) => isEnergyAveraged(r.domain, r.param));
  return { means: combineRollups(rollups, 'mean', 'device'), leqs: levels.length > 0 ? combineRollups(levels, 'leq', 'device') : [] };
}

function tagsOf(request: DailyRequest): { city: string; device?: string; site?: string } {
  return { city: request.city, ...(request.device ? { device: request.device } : {}), ...(request.site ? { site: request.site } : {}) };
}

function rollupsOf(telemetry: TelemetryStore, request: DailyRequest, period: '1h' | '1d'): Promise<RollupRow[]> {
  return telemetry.queryRollups({ ...tagsOf(request), period, domain: request.domain, params: request.params, from: request.from, to: request.to });
}

import { DAY_MS, HOUR_MS, type Domain } from '@mueang/core';
import type { Device, TelemetryStore } from '@mueang/storage';
import { expectedIntervalMs } from './expected-interval.ts';
import { allParams } from './query-params.ts';
import { roundValue } from './format.ts';

/**
 * Data completeness per device and parameter over [from, to):
 *
 *   completeness = covered slots / expected slots
 *
 * The range is cut into slots of the device's expected interval (expected-interval.ts), aligned
 * to UTC epoch multiples of the interval; expected = the slots overlapping the range; covered =
 * the slots holding at least one reading of the parameter. So a burst of readings cannot make up
 * for a gap, and reporting faster than expected never exceeds 100 %.
 *
 * Ranges over 2 days are read from the hourly rollups (DESIGN.md: long reads use rollups), with
 * the range widened to whole hours: covered slots of an hour = min(readings in the hour, slots
 * per hour). That equals the exact count when readings are evenly spread and is an upper bound
 * otherwise. The same 75 % threshold (core MIN_COMPLETENESS) marks a window usable elsewhere.
 *
 * Parameters: those asked for, otherwise those the device reported at least once in the range;
 * a device that reported nothing has completeness 0.
 */
export const COMPLETENESS_METHOD =
  'covered slots / expected slots, slots = the expected reporting interval of the device (by kind; override with expectedIntervalS), ' +
  'a slot is covered when it holds at least one reading; ranges over 2 days use hourly rollups: covered per hour = min(readings, slots per hour)';

export const EXACT_COMPLETENESS_MAX_SPAN_MS = 2 * DAY_MS;

export interface ParamCompleteness {
  param: string;
  coveredSlots: number;
  completeness: number;
}

export interface DeviceCompleteness {
  device: string;
  site: string;
  kind: string;
  expectedIntervalS: number;
  expectedSlots: number;
  /** mean of the parameters' completeness; 0 without any reading */
  completeness: number;
  params: ParamCompleteness[];
}

export interface CompletenessResult {
  from: number;
  to: number;
  source: 'raw' | 'rollup-1h';
  devices: DeviceCompleteness[];
}

export interface CompletenessRequest {
  city: string;
  domain: Domain;
  from: number;
  to: number;
  devices: readonly Device[];
  params?: string[] | undefined;
  /** overrides every device's expected interval */
  intervalMs?: number | undefined;
}

/** slots of length interval (epoch-aligned) overlapping [from, to) */
export function expectedSlots(from: number, to: number, intervalMs: number): number {
  return Math.floor((to - 1) / intervalMs) - Math.floor(from / intervalMs) + 1;
}

/** device -> param -> covered slots */
type Coverage = Map<string, Map<string, number>>;

function add(coverage: Coverage, device: string, param: string, slots: number): void {
  let byParam = coverage.get(device);
  if (!byParam) coverage.set(device, (byParam = new Map()));
  byParam.set(param, (byParam.get(param) ?? 0) + slots);
}

export async function computeCompleteness(telemetry: TelemetryStore, request: CompletenessRequest): Promise<CompletenessResult> {
  const params = request.params ?? allParams(request.domain);
  const devices = request.devices.filter((d) => d.domain === request.domain);
  const intervalOf = (d: Device) => request.intervalMs ?? expectedIntervalMs(d);
  const useRollups = request.to - request.from > EXACT_COMPLETENESS_MAX_SPAN_MS && devices.every((d) => HOUR_MS % intervalOf(d) === 0);
  const from = useRollups ? Math.floor(request.from / HOUR_MS) * HOUR_MS : request.from;
  const to = useRollups ? Math.ceil(request.to / HOUR_MS) * HOUR_MS : request.to;
  const single = devices.length === 1 ? { device: (devices[0] as Device).id } : {};
  const coverage: Coverage = new Map();

  if (useRollups && devices.length > 0) {
    const rows = await telemetry.queryRollups({ period: '1h', city: request.city, domain: request.domain, params, from, to, ...single });
    const intervals = new Map(devices.map((d) => [d.id, intervalOf(d)]));
    for (const row of rows) {
      const interval = intervals.get(row.device);
      if (interval === undefined || row.count <= 0) continue;
      add(coverage, row.device, row.param, Math.min(row.count, HOUR_MS / interval));
    }
  } else {
    const byInterval = new Map<number, Device[]>();
    for (const d of devices) {
      const list = byInterval.get(intervalOf(d)) ?? [];
      list.push(d);
      byInterval.set(intervalOf(d), list);
    }
    for (const [interval, group] of byInterval) {
      const ids = new Set(group.map((d) => d.id));
      const rows = await telemetry.aggregate({ city: request.city, domain: request.domain, params, from, to, windowMs: interval, fn: 'count', groupBy: ['device'], ...single });
      for (const row of rows) {
        const device = row.tags.device;
        if (!device || !ids.has(device)) continue;
        for (const [param, count] of Object.entries(row.values)) if (count > 0) add(coverage, device, param, 1);
      }
    }
  }

  const out = devices.map((device): DeviceCompleteness => {
    const interval = intervalOf(device);
    const expected = expectedSlots(from, to, interval);
    const covered = coverage.get(device.id) ?? new Map<string, number>();
    const names = request.params ?? params.filter((p) => covered.has(p));
    const perParam = names.map((param): ParamCompleteness => {
      const slots = Math.min(expected, covered.get(param) ?? 0);
      return { param, coveredSlots: slots, completeness: roundValue(slots / expected, 4) };
    });
    const mean = perParam.length === 0 ? 0 : perParam.reduce((s, p) => s + p.completeness, 0) / perParam.length;
    return { device: device.id, site: device.siteId, kind: device.kind, expectedIntervalS: interval / 1000, expectedSlots: expected, completeness: roundValue(mean, 4), params: perParam };
  });
  return { from, to, source: useRollups ? 'rollup-1h' : 'raw', devices: out };
}

import type { RollupRow, TelemetryPoint } from '@mueang/core';
import type { AggregateRow } from '../telemetry-store.ts';

/**
 * The order in which every adapter returns rows (part of the contract, so that both backends
 * give identical answers): strings compare by UTF-16 code units, not by locale.
 */
function byText(a: string | undefined, b: string | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/** raw points: time, then domain, device, city, site */
export function comparePoints(a: TelemetryPoint, b: TelemetryPoint): number {
  return a.ts - b.ts || byText(a.domain, b.domain) || byText(a.device, b.device) || byText(a.city, b.city) || byText(a.site, b.site);
}

/** latest points: domain, then device */
export function compareLatest(a: TelemetryPoint, b: TelemetryPoint): number {
  return byText(a.domain, b.domain) || byText(a.device, b.device) || byText(a.city, b.city) || byText(a.site, b.site);
}

/** aggregate rows: window start, then city, site, device */
export function compareAggregateRows(a: AggregateRow, b: AggregateRow): number {
  return a.start - b.start || byText(a.tags.city, b.tags.city) || byText(a.tags.site, b.tags.site) || byText(a.tags.device, b.tags.device);
}

/** rollups: window start, then domain, device, param, city, site */
export function compareRollups(a: RollupRow, b: RollupRow): number {
  return (
    a.start - b.start ||
    byText(a.domain, b.domain) ||
    byText(a.device, b.device) ||
    byText(a.param, b.param) ||
    byText(a.city, b.city) ||
    byText(a.site, b.site)
  );
}

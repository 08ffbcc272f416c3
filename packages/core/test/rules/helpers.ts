import { defaultRule, type AlertRule, type DeviceInputs, type Domain, type HourlyMean, type WindowSample } from '../../src/index.ts';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** epoch ms of an Asia/Bangkok local time, e.g. bkk('2025-01-15T10:00') */
export function bkk(local: string): number {
  return Date.parse(`${local}+07:00`);
}

/** one sample every stepMs ending exactly at endMs, values in order */
export function series(endMs: number, stepMs: number, values: readonly number[]): WindowSample[] {
  return values.map((value, i) => ({ ts: endMs - (values.length - 1 - i) * stepMs, value }));
}

export function repeat(value: number, times: number): number[] {
  return Array.from({ length: times }, () => value);
}

export function rule(id: string): AlertRule {
  const found = defaultRule(id);
  if (!found) throw new Error(`test setup: no default rule ${id}`);
  return found;
}

export interface InputsSpec {
  domain: Domain;
  samples?: Record<string, WindowSample[]>;
  lastSeenAt?: number | null;
  status?: { online: boolean; since: number } | null;
  hourlyMeans?: Record<string, HourlyMean[]>;
}

export function inputs(spec: InputsSpec): DeviceInputs {
  const samples = spec.samples ?? {};
  return {
    domain: spec.domain,
    samples: (parameter) => samples[parameter] ?? [],
    lastSeenAt: spec.lastSeenAt ?? null,
    status: spec.status ?? null,
    hourlyMeans: (parameter) => spec.hourlyMeans?.[parameter] ?? [],
  };
}

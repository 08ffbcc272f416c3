import type { WindowSample } from '../../src/standards/index.ts';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** epoch ms of an Asia/Bangkok local time, e.g. bkk('2023-06-01T10:00') */
export function bkk(local: string): number {
  return Date.parse(`${local}+07:00`);
}

/** `values[i]` at endMs - (n - 1 - i) * stepMs: the last value lands exactly at endMs */
export function seriesEndingAt(endMs: number, stepMs: number, values: readonly number[]): WindowSample[] {
  return values.map((value, i) => ({ ts: endMs - (values.length - 1 - i) * stepMs, value }));
}

export function repeat(value: number, times: number): number[] {
  return Array.from({ length: times }, () => value);
}

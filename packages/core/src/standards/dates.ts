import { BANGKOK_OFFSET_MS, bangkokDate } from '../time.ts';
import type { CalendarUnit, StandardsError } from './types.ts';

/** A date for standards look-ups: 'YYYY-MM-DD' (an Asia/Bangkok day), an ISO 8601 timestamp, epoch ms or a Date. */
export type DateInput = string | number | Date;

export type DateParseResult = { ok: true; date: string } | { ok: false; error: StandardsError };

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The Asia/Bangkok calendar day ('YYYY-MM-DD') of a date input, or an error value saying what was wrong. */
export function parseStandardsDate(input: DateInput): DateParseResult {
  if (typeof input === 'string') {
    const day = DAY_PATTERN.exec(input);
    if (day) {
      const [, y, m, d] = day as unknown as [string, string, string, string];
      const probe = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
      if (probe.getUTCFullYear() === Number(y) && probe.getUTCMonth() === Number(m) - 1 && probe.getUTCDate() === Number(d)) {
        return { ok: true, date: input };
      }
      return invalidDate(`date "${input}" does not exist in the calendar; pass a real day as YYYY-MM-DD`);
    }
    const ms = Date.parse(input);
    if (Number.isNaN(ms)) {
      return invalidDate(`date "${clip(input)}" is not YYYY-MM-DD or an ISO 8601 timestamp`);
    }
    return { ok: true, date: bangkokDate(ms) };
  }
  const ms = input instanceof Date ? input.getTime() : input;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    return invalidDate(`date ${String(input)} is not a finite epoch-ms time; pass epoch ms, a valid Date or YYYY-MM-DD`);
  }
  return { ok: true, date: bangkokDate(ms) };
}

/** Thrown only by the look-up functions for a malformed date; validate user input with parseStandardsDate first. */
export class StandardsInputError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'StandardsInputError';
  }
}

export function toBangkokDay(input: DateInput): string {
  const parsed = parseStandardsDate(input);
  if (!parsed.ok) throw new StandardsInputError(parsed.error.code, parsed.error.message);
  return parsed.date;
}

/** [start, end) in epoch ms of the Asia/Bangkok calendar day, month or year containing ts */
export function bangkokCalendarPeriod(unit: CalendarUnit, ts: number): { startMs: number; endMs: number } {
  const local = new Date(ts + BANGKOK_OFFSET_MS);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth();
  const d = local.getUTCDate();
  const utcStart = unit === 'day' ? Date.UTC(y, m, d) : unit === 'month' ? Date.UTC(y, m, 1) : Date.UTC(y, 0, 1);
  const utcEnd = unit === 'day' ? Date.UTC(y, m, d + 1) : unit === 'month' ? Date.UTC(y, m + 1, 1) : Date.UTC(y + 1, 0, 1);
  return { startMs: utcStart - BANGKOK_OFFSET_MS, endMs: utcEnd - BANGKOK_OFFSET_MS };
}

function invalidDate(message: string): DateParseResult {
  return { ok: false, error: { code: 'date.invalid', message } };
}

function clip(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

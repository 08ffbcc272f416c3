import { DAY_MS, bangkokDate, bangkokDayStart, periodDays, type AssessmentPeriod } from '@mueang/core';
import { ApiError } from '../errors.ts';

/** a typo (year 20240) is likelier than intent outside these years */
const EARLIEST = '2000-01-01';
const LATEST = '2099-12-31';
const DEFAULT_DAYS = 365;

function checkDate(value: string, field: 'from' | 'to'): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00+07:00`) : Number.NaN;
  if (Number.isNaN(ms) || bangkokDate(ms) !== value) {
    throw ApiError.invalidParameter(`query.${field}`, `"${value}" is not a calendar date; use YYYY-MM-DD (an Asia/Bangkok day), e.g. 2024-01-31`);
  }
  if (value < EARLIEST || value > LATEST) throw ApiError.invalidParameter(`query.${field}`, `"${value}" is outside ${EARLIEST}..${LATEST}; check the year`);
  return ms;
}

/**
 * The assessed period from the query: both days inclusive, Asia/Bangkok. Defaults: `to` = yesterday, `from` = 364 days
 * before `to` (a year of complete days); with only `from`, a year from it (at most up to yesterday).
 */
export function resolvePeriod(query: { from?: string | undefined; to?: string | undefined }, nowMs: number): AssessmentPeriod {
  const yesterday = bangkokDayStart(nowMs) - DAY_MS;
  const fromMs = query.from === undefined ? undefined : checkDate(query.from, 'from');
  const toMs = query.to === undefined ? undefined : checkDate(query.to, 'to');
  let from: number;
  let to: number;
  if (fromMs !== undefined && toMs !== undefined) [from, to] = [fromMs, toMs];
  else if (toMs !== undefined) [from, to] = [toMs - (DEFAULT_DAYS - 1) * DAY_MS, toMs];
  else if (fromMs !== undefined) [from, to] = [fromMs, Math.max(fromMs, Math.min(yesterday, fromMs + (DEFAULT_DAYS - 1) * DAY_MS))];
  else [from, to] = [yesterday - (DEFAULT_DAYS - 1) * DAY_MS, yesterday];
  const period = { from: bangkokDate(from), to: bangkokDate(to) };
  if (to < from) {
    throw new ApiError(400, `query.from (${period.from}) is after query.to (${period.to}); the period must start on or before its last day.`, {
      type: 'invalid-parameter',
      title: 'Invalid parameter',
      errors: [{ path: 'query.from', message: `is after query.to (${period.to})` }],
    });
  }
  const check = periodDays(period);
  if (!check.ok) throw ApiError.invalidParameter(`query.${check.field}`, check.message);
  return period;
}

import { DAY_MS, bangkokDateStart, getParameter, parametersOf, type Domain } from '@mueang/core';
import { ApiError } from '../errors.ts';

/**
 * Checks of query parameters that JSON schema cannot express. Every value that reaches a store
 * query passes through here or through a schema pattern (ids), so user text never reaches
 * InfluxQL or SQL unchecked (the store adapters escape identifiers and literals as well).
 */

/** earliest and latest instants a query may name: outside them a typo (seconds for ms, year 20250) is likelier than intent */
export const EARLIEST_MS = Date.UTC(2000, 0, 1);
export const LATEST_MS = Date.UTC(2100, 0, 1);

const EPOCH_MS = /^-?\d{1,16}$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An instant from an ISO 8601 date-time with offset, a YYYY-MM-DD date (00:00 Asia/Bangkok) or epoch ms. */
export function parseInstant(value: string, path: string): number {
  let ms: number;
  if (EPOCH_MS.test(value)) ms = Number(value);
  else if (DATE_ONLY.test(value)) {
    try {
      ms = bangkokDateStart(value);
    } catch {
      ms = Number.NaN;
    }
    if (Number.isNaN(ms) || new Date(ms + 7 * 3_600_000).toISOString().slice(0, 10) !== value) {
      throw ApiError.invalidParameter(path, `"${value}" is not a calendar date; use YYYY-MM-DD`);
    }
  } else if (DATE_TIME_WITH_OFFSET.test(value)) {
    ms = Date.parse(value);
    if (Number.isNaN(ms)) throw ApiError.invalidParameter(path, `"${value}" is not a valid date-time`);
  } else {
    throw ApiError.invalidParameter(
      path,
      'use an ISO 8601 date-time with an offset (2025-01-15T10:00:00+07:00 or ...Z), a date YYYY-MM-DD (00:00 Asia/Bangkok) or epoch milliseconds',
    );
  }
  if (ms < EARLIEST_MS || ms > LATEST_MS) {
    throw ApiError.invalidParameter(path, `"${value}" is outside 2000-01-01..2100-01-01; check the unit (epoch milliseconds, not seconds)`);
  }
  return ms;
}

export interface RangeRule {
  /** span used when `from` is not given */
  defaultSpanMs: number;
  /** longest span a request may ask for */
  maxSpanMs: number;
}

export interface TimeRange {
  from: number;
  to: number;
}

function describeSpan(ms: number): string {
  if (ms % DAY_MS === 0) return `${ms / DAY_MS} day${ms === DAY_MS ? '' : 's'}`;
  return `${Math.round(ms / 3_600_000)} hours`;
}

/** [from, to): `to` defaults to now, `from` to `to` - defaultSpan; bounded by maxSpan. */
export function resolveRange(query: { from?: string | undefined; to?: string | undefined }, rule: RangeRule, now = Date.now()): TimeRange {
  const to = query.to === undefined ? now : parseInstant(query.to, 'query.to');
  const from = query.from === undefined ? to - rule.defaultSpanMs : parseInstant(query.from, 'query.from');
  if (from >= to) throw ApiError.invalidParameter('query.from', `must be before query.to (from ${new Date(from).toISOString()}, to ${new Date(to).toISOString()}); from is inclusive, to exclusive`);
  if (to - from > rule.maxSpanMs) {
    throw ApiError.invalidParameter('query.from', `the range is ${describeSpan(to - from)} long; at most ${describeSpan(rule.maxSpanMs)} per request. Narrow it, or split it into several requests`);
  }
  return { from, to };
}

/**
 * Parameter names from a comma-separated list, each checked against the catalog of the domain.
 * Absent or empty = undefined (all parameters).
 */
export function parseParamList(value: string | undefined, domain: Domain, path = 'query.params'): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const names = [...new Set(value.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
  const unknown = names.filter((name) => !getParameter(domain, name));
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 3).map((n) => JSON.stringify(n.length > 40 ? `${n.slice(0, 40)}…` : n)).join(', ');
    throw ApiError.invalidParameter(path, `${shown} ${unknown.length === 1 ? 'is not a parameter' : 'are not parameters'} of domain ${domain}; use ${parametersOf(domain).map((p) => p.name).join(', ')}`);
  }
  return names;
}

/** every catalog parameter of the domain */
export function allParams(domain: Domain): string[] {
  return parametersOf(domain).map((p) => p.name);
}

import { isDomain, isEnergyAveraged, type AggregateFn, type DeadLetter, type RollupRow, type TelemetryPoint } from '@mueang/core';
import { ROLLUP_FIELDS, type AggregateQuery, type DeadLetterQuery, type RawQuery, type RollupField, type RollupQuery, type TagFilter } from '../telemetry-store.ts';
import { inputError } from './telemetry-error.ts';

/**
 * Input checks shared by every TelemetryStore adapter, so that both backends accept and refuse
 * exactly the same data. Each failure is a TelemetryStoreError('input.invalid') saying what was
 * wrong, where, and what to do.
 */

/** InfluxDB's time range (int64 nanoseconds): 1677-09-21 .. 2262-04-11. Both adapters enforce it. */
export const MIN_TS_MS = -9_223_372_036_854;
export const MAX_TS_MS = 9_223_372_036_854;

/** Dead-letter text fields are clipped to this many characters (InfluxDB 1.x caps a string field at 64 KiB). */
export const DEAD_LETTER_TEXT_MAX = 16_384;
const TRUNCATION_MARK = '…[truncated]';

const AGGREGATE_FNS: readonly AggregateFn[] = ['mean', 'min', 'max', 'count', 'sum', 'leq'];
const GROUP_TAGS = ['city', 'site', 'device'] as const;
/** field names InfluxDB refuses ('time') or that collide with the stored tag keys */
export const RESERVED_PARAMS: ReadonlySet<string> = new Set(['time', 'city', 'site', 'device', 'domain', 'param']);
// eslint-disable-next-line no-control-regex
const CONTROL_OR_BACKSLASH = /[\u0000-\u001f\u007f\\]/;

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return typeof value;
}

/**
 * Tag values (city, site, device) and parameter names travel as line-protocol tags/keys, which
 * cannot carry newlines or other control characters, and whose backslash handling differs between
 * InfluxDB 1.x and 2.x/3. Registry ids ([a-z0-9_-]) never contain them.
 */
export function labelProblem(value: unknown): string | null {
  if (typeof value !== 'string') return `must be a string, got ${describe(value)}`;
  if (value.length === 0) return 'must not be empty';
  if (value.length > 256) return `is ${value.length} characters long; at most 256 are allowed`;
  if (CONTROL_OR_BACKSLASH.test(value)) return `${describe(value)} contains a backslash or a control character (newline, tab, ...), which InfluxDB tags cannot store portably; use registry ids ([a-z0-9_-])`;
  return null;
}

function checkLabel(value: unknown, where: string): void {
  const problem = labelProblem(value);
  if (problem) throw inputError(`${where} ${problem}`);
}

function checkParamName(name: string, where: string): void {
  checkLabel(name, where);
  if (RESERVED_PARAMS.has(name)) throw inputError(`${where} ${describe(name)} is a reserved name (time, city, site, device, domain, param); rename the parameter in the catalog`);
}

function checkTimestamp(ts: unknown, where: string): void {
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts)) throw inputError(`${where} must be an integer epoch-millisecond timestamp, got ${describe(ts)}`);
  if (ts < MIN_TS_MS || ts > MAX_TS_MS) throw inputError(`${where} ${ts} is outside the storable range 1677-09-21..2262-04-11 (epoch ms ${MIN_TS_MS}..${MAX_TS_MS}); check the device clock or the unit (seconds vs ms)`);
}

function checkFinite(value: unknown, where: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw inputError(`${where} must be a finite number, got ${describe(value)}; drop the value or dead-letter the reading`);
}

function checkDomain(domain: unknown, where: string): void {
  if (!isDomain(domain)) throw inputError(`${where} ${describe(domain)} is not a domain; expected one of air, water, energy, waste`);
}

function checkArray(rows: unknown, what: string): asserts rows is unknown[] {
  if (!Array.isArray(rows)) throw inputError(`${what} must be an array, got ${describe(rows)}`);
}

export function checkPoints(points: TelemetryPoint[]): void {
  checkArray(points, 'points');
  // the quick check passes exactly the points the detailed one does; only those it does not pass
  // are checked again in detail, for the message saying what is wrong
  points.forEach((p, i) => {
    if (!pointValid(p)) checkPoint(p, i);
  });
}

function checkPoint(p: TelemetryPoint, i: number): void {
  const at = `points[${i}]`;
  if (typeof p !== 'object' || p === null) throw inputError(`${at} must be an object, got ${describe(p)}`);
  checkTimestamp(p.ts, `${at}.ts`);
  checkDomain(p.domain, `${at}.domain`);
  checkLabel(p.city, `${at}.city`);
  checkLabel(p.site, `${at}.site`);
  checkLabel(p.device, `${at}.device`);
  if (typeof p.values !== 'object' || p.values === null) throw inputError(`${at}.values must be an object of parameter -> number`);
  const entries = Object.entries(p.values);
  if (entries.length === 0) throw inputError(`${at}.values is empty; a point needs at least one parameter value`);
  for (const [param, value] of entries) {
    checkParamName(param, `${at}.values key`);
    checkFinite(value, `${at}.values.${param}`);
  }
}

/** labels and parameter names that passed labelProblem (and, for names, are not reserved): the same few recur in every batch */
const validLabels = new Set<string>();
const validParams = new Set<string>();
const MAX_REMEMBERED = 100_000;

function labelValid(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (validLabels.has(value)) return true;
  if (labelProblem(value) !== null) return false;
  if (validLabels.size >= MAX_REMEMBERED) validLabels.clear();
  validLabels.add(value);
  return true;
}

function paramValid(name: string): boolean {
  if (validParams.has(name)) return true;
  if (labelProblem(name) !== null || RESERVED_PARAMS.has(name)) return false;
  if (validParams.size >= MAX_REMEMBERED) validParams.clear();
  validParams.add(name);
  return true;
}

/** checkPoint without building messages: true when it would pass */
function pointValid(p: TelemetryPoint): boolean {
  if (typeof p !== 'object' || p === null) return false;
  const ts: unknown = p.ts;
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts < MIN_TS_MS || ts > MAX_TS_MS) return false;
  if (!isDomain(p.domain) || !labelValid(p.city) || !labelValid(p.site) || !labelValid(p.device)) return false;
  const values: unknown = p.values;
  if (typeof values !== 'object' || values === null) return false;
  let any = false;
  for (const param in values) {
    if (!Object.hasOwn(values, param)) continue;
    const value: unknown = (values as Record<string, unknown>)[param];
    if (!paramValid(param) || typeof value !== 'number' || !Number.isFinite(value)) return false;
    any = true;
  }
  return any;
}

export function checkRollups(rows: RollupRow[]): void {
  checkArray(rows, 'rollup rows');
  rows.forEach((r, i) => {
    const at = `rollups[${i}]`;
    if (typeof r !== 'object' || r === null) throw inputError(`${at} must be an object, got ${describe(r)}`);
    if (r.period !== '1h' && r.period !== '1d') throw inputError(`${at}.period ${describe(r.period)} must be '1h' or '1d'`);
    checkTimestamp(r.start, `${at}.start`);
    checkDomain(r.domain, `${at}.domain`);
    checkLabel(r.city, `${at}.city`);
    checkLabel(r.site, `${at}.site`);
    checkLabel(r.device, `${at}.device`);
    checkParamName(r.param, `${at}.param`);
    for (const stat of ['mean', 'min', 'max', 'sum'] as const) checkFinite(r[stat], `${at}.${stat}`);
    if (r.leq !== undefined) checkFinite(r.leq, `${at}.leq`);
    if (!Number.isSafeInteger(r.count) || r.count < 0) throw inputError(`${at}.count must be a non-negative integer, got ${describe(r.count)}`);
  });
}

function clipText(text: string): string {
  return text.length <= DEAD_LETTER_TEXT_MAX ? text : text.slice(0, DEAD_LETTER_TEXT_MAX - TRUNCATION_MARK.length) + TRUNCATION_MARK;
}

function optionalText(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw inputError(`${where} must be a string when present, got ${describe(value)}`);
  return clipText(value);
}

function requiredText(value: unknown, where: string): string {
  if (typeof value !== 'string') throw inputError(`${where} must be a string, got ${describe(value)}`);
  return clipText(value);
}

/**
 * Dead letters hold hostile text by nature, so they are normalised rather than refused: text is
 * clipped to DEAD_LETTER_TEXT_MAX characters and empty optional fields become absent. Only
 * structurally wrong rows (missing receivedAt, non-string text) are refused.
 */
export function normalizeDeadLetters(rows: DeadLetter[]): DeadLetter[] {
  checkArray(rows, 'dead letters');
  return rows.map((d, i) => {
    const at = `deadLetters[${i}]`;
    if (typeof d !== 'object' || d === null) throw inputError(`${at} must be an object, got ${describe(d)}`);
    checkTimestamp(d.receivedAt, `${at}.receivedAt`);
    const reason = requiredText(d.reason, `${at}.reason`);
    if (reason.length === 0) throw inputError(`${at}.reason must not be empty; use a code such as 'payload.malformed_json'`);
    const out: DeadLetter = {
      receivedAt: d.receivedAt,
      topic: requiredText(d.topic, `${at}.topic`),
      reason,
      message: requiredText(d.message, `${at}.message`),
      payload: requiredText(d.payload, `${at}.payload`),
    };
    for (const key of ['city', 'domain', 'device', 'param'] as const) {
      const value = optionalText(d[key], `${at}.${key}`);
      if (value !== undefined) out[key] = value;
    }
    return out;
  });
}

function checkRange(q: { from: unknown; to: unknown }, what: string): void {
  checkTimestampLike(q.from, `${what}.from`);
  checkTimestampLike(q.to, `${what}.to`);
  if ((q.from as number) > (q.to as number)) throw inputError(`${what}.from (${q.from}) is after ${what}.to (${q.to}); from is inclusive, to exclusive`);
}

/** Query bounds may lie outside the storable range (e.g. 0 .. Number.MAX_SAFE_INTEGER); they are clamped. */
function checkTimestampLike(ts: unknown, where: string): void {
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts)) throw inputError(`${where} must be an integer epoch-millisecond timestamp, got ${describe(ts)}`);
}

export function clampTs(ts: number): number {
  return Math.min(MAX_TS_MS, Math.max(MIN_TS_MS, ts));
}

function checkTagFilter(q: TagFilter, what: string): void {
  for (const key of GROUP_TAGS) {
    const value = q[key];
    if (value !== undefined && typeof value !== 'string') throw inputError(`${what}.${key} must be a string when present, got ${describe(value)}`);
  }
}

function checkParamList(params: unknown, where: string, required: boolean): void {
  if (params === undefined && !required) return;
  if (!Array.isArray(params)) throw inputError(`${where} must be an array of parameter names, got ${describe(params)}`);
  if (required && params.length === 0) throw inputError(`${where} is empty; name at least one parameter`);
  params.forEach((p, i) => {
    if (typeof p !== 'string' || p.length === 0) throw inputError(`${where}[${i}] must be a non-empty string, got ${describe(p)}`);
  });
}

function checkLimit(limit: unknown, where: string): void {
  if (limit === undefined) return;
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1) throw inputError(`${where} must be a positive integer, got ${describe(limit)}`);
}

export function checkRawQuery(q: RawQuery): void {
  if (typeof q !== 'object' || q === null) throw inputError('raw query must be an object');
  checkDomain(q.domain, 'query.domain');
  checkRange(q, 'query');
  checkTagFilter(q, 'query');
  checkParamList(q.params, 'query.params', false);
  checkLimit(q.limit, 'query.limit');
}

export function checkAggregateQuery(q: AggregateQuery): void {
  if (typeof q !== 'object' || q === null) throw inputError('aggregate query must be an object');
  checkDomain(q.domain, 'aggregate.domain');
  checkRange(q, 'aggregate');
  checkTagFilter(q, 'aggregate');
  checkParamList(q.params, 'aggregate.params', true);
  if (!AGGREGATE_FNS.includes(q.fn)) throw inputError(`aggregate.fn ${describe(q.fn)} must be one of ${AGGREGATE_FNS.join(', ')}`);
  if (q.fn === 'leq') {
    // an energy mean of anything but a level in dB is meaningless (and 10^(v/10) overflows for large values)
    const other = q.params.find((p) => !isEnergyAveraged(q.domain, p));
    if (other !== undefined) throw inputError(`aggregate.fn 'leq' is the energy mean of sound levels in dB; ${q.domain}.${describe(other)} is not one (ask for 'mean' instead)`);
  }
  if (typeof q.windowMs !== 'number' || !Number.isSafeInteger(q.windowMs) || q.windowMs < 1) {
    throw inputError(`aggregate.windowMs must be a positive integer number of milliseconds, got ${describe(q.windowMs)}`);
  }
  if (!Array.isArray(q.groupBy)) throw inputError(`aggregate.groupBy must be an array of 'city' | 'site' | 'device', got ${describe(q.groupBy)}`);
  q.groupBy.forEach((tag, i) => {
    if (!(GROUP_TAGS as readonly string[]).includes(tag)) throw inputError(`aggregate.groupBy[${i}] ${describe(tag)} must be 'city', 'site' or 'device'`);
  });
}

export function checkLatestQuery(q: TagFilter & { domain?: unknown }): void {
  if (typeof q !== 'object' || q === null) throw inputError('latest query must be an object');
  if (q.domain !== undefined) checkDomain(q.domain, 'latest.domain');
  checkTagFilter(q, 'latest');
}

export function checkRollupQuery(q: RollupQuery): void {
  if (typeof q !== 'object' || q === null) throw inputError('rollup query must be an object');
  if (q.period !== '1h' && q.period !== '1d') throw inputError(`rollups.period ${describe(q.period)} must be '1h' or '1d'`);
  if (q.domain !== undefined) checkDomain(q.domain, 'rollups.domain');
  checkRange(q, 'rollups');
  checkTagFilter(q, 'rollups');
  checkParamList(q.params, 'rollups.params', false);
  if (q.fields !== undefined) {
    if (!Array.isArray(q.fields) || q.fields.length === 0) throw inputError(`rollups.fields must be a non-empty array of ${ROLLUP_FIELDS.join(', ')}, got ${describe(q.fields)}`);
    for (const field of q.fields) {
      if (!(ROLLUP_FIELDS as readonly unknown[]).includes(field)) throw inputError(`rollups.fields: ${describe(field)} is not a rollup statistic; use ${ROLLUP_FIELDS.join(', ')}`);
    }
  }
}

/** NaN in the statistics a query did not ask for, no `leq` unless asked (every adapter answers the same whatever it read) */
export function keepRollupFields(rows: RollupRow[], fields: readonly RollupField[] | undefined): RollupRow[] {
  if (fields === undefined) return rows;
  const drop = ROLLUP_FIELDS.filter((f) => !fields.includes(f));
  if (drop.length === 0) return rows;
  for (const row of rows) {
    for (const f of drop) {
      if (f === 'leq') delete row.leq;
      else row[f] = Number.NaN;
    }
  }
  return rows;
}

export function checkDeadLetterQuery(q: DeadLetterQuery): void {
  if (typeof q !== 'object' || q === null) throw inputError('dead-letter query must be an object');
  for (const key of ['city', 'device', 'reason'] as const) {
    if (q[key] !== undefined && typeof q[key] !== 'string') throw inputError(`deadLetters.${key} must be a string when present, got ${describe(q[key])}`);
  }
  if (q.from !== undefined) checkTimestampLike(q.from, 'deadLetters.from');
  if (q.to !== undefined) checkTimestampLike(q.to, 'deadLetters.to');
  checkLimit(q.limit, 'deadLetters.limit');
}

/** Window start aligned to epoch multiples of the window length (floor, also for negative times), as InfluxQL does. */
export function windowStart(ts: number, windowMs: number): number {
  return ts - (((ts % windowMs) + windowMs) % windowMs);
}

/** queryDeadLetters returns at most this many rows (newest first) when the query sets no limit. */
export const DEAD_LETTER_DEFAULT_LIMIT = 1000;

/** a retention cutoff must be a real time in epoch ms */
export function checkCutoff(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0 || ms > 8.64e15) throw inputError(`retention cutoff must be epoch milliseconds, got ${String(ms)}`);
  return ms;
}

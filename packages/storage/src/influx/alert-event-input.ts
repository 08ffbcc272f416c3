import { ALERT_DOMAINS, isAlertDomain } from '@mueang/core';
import type { AlertEvent, AlertEventQuery } from '../telemetry-store.ts';
import { inputError } from './telemetry-error.ts';
import { MAX_TS_MS, MIN_TS_MS, labelProblem } from './telemetry-input.ts';

/** queryAlertEvents returns at most this many events (newest first) when the query sets no limit. */
export const ALERT_EVENT_DEFAULT_LIMIT = 1000;

const STATES = ['active', 'cleared'];

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value) : String(value);
}

function label(value: unknown, where: string): void {
  const problem = labelProblem(value);
  if (problem) throw inputError(`${where} ${problem}`);
}

function optionalLabel(value: unknown, where: string): void {
  if (value !== null) label(value, where);
}

/** Both adapters accept and refuse exactly the same alert events (TelemetryStoreError 'input.invalid'). */
export function checkAlertEvents(events: AlertEvent[]): void {
  if (!Array.isArray(events)) throw inputError(`alert events must be an array, got ${describe(events)}`);
  events.forEach((e, i) => {
    const at = `alertEvents[${i}]`;
    if (typeof e !== 'object' || e === null) throw inputError(`${at} must be an object, got ${describe(e)}`);
    if (typeof e.ts !== 'number' || !Number.isSafeInteger(e.ts) || e.ts < MIN_TS_MS || e.ts > MAX_TS_MS) {
      throw inputError(`${at}.ts must be an integer epoch-millisecond timestamp in 1677-09-21..2262-04-11, got ${describe(e.ts)}`);
    }
    label(e.alertId, `${at}.alertId`);
    label(e.city, `${at}.city`);
    optionalLabel(e.site, `${at}.site`);
    optionalLabel(e.device, `${at}.device`);
    if (!isAlertDomain(e.domain)) throw inputError(`${at}.domain ${describe(e.domain)} is not a domain; expected one of ${ALERT_DOMAINS.join(', ')}`);
    label(e.ruleId, `${at}.ruleId`);
    label(e.transition, `${at}.transition`);
    label(e.severity, `${at}.severity`);
    if (!STATES.includes(e.state)) throw inputError(`${at}.state ${describe(e.state)} must be 'active' or 'cleared'`);
    if (typeof e.acknowledged !== 'boolean') throw inputError(`${at}.acknowledged must be true or false, got ${describe(e.acknowledged)}`);
    if (!Number.isSafeInteger(e.escalationLevel) || e.escalationLevel < 0) throw inputError(`${at}.escalationLevel must be a whole number >= 0, got ${describe(e.escalationLevel)}`);
    optionalLabel(e.parameter, `${at}.parameter`);
    if (e.value !== null && (typeof e.value !== 'number' || !Number.isFinite(e.value))) throw inputError(`${at}.value must be a finite number or null, got ${describe(e.value)}`);
    optionalLabel(e.standardId, `${at}.standardId`);
  });
}

export function checkAlertEventQuery(q: AlertEventQuery): void {
  if (typeof q !== 'object' || q === null) throw inputError('alert event query must be an object');
  for (const key of ['from', 'to'] as const) {
    if (typeof q[key] !== 'number' || !Number.isSafeInteger(q[key])) throw inputError(`alertEvents.${key} must be an integer epoch-millisecond timestamp, got ${describe(q[key])}`);
  }
  if (q.from > q.to) throw inputError(`alertEvents.from (${q.from}) is after alertEvents.to (${q.to}); from is inclusive, to exclusive`);
  for (const key of ['city', 'device'] as const) {
    if (q[key] !== undefined && typeof q[key] !== 'string') throw inputError(`alertEvents.${key} must be a string when present, got ${describe(q[key])}`);
  }
  if (q.limit !== undefined && (!Number.isSafeInteger(q.limit) || q.limit < 1)) throw inputError(`alertEvents.limit must be a positive integer, got ${describe(q.limit)}`);
}

function byText(a: string | null, b: string | null): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/** newest first, then alertId, then transition (part of the contract: both adapters answer in this order) */
export function compareAlertEvents(a: AlertEvent, b: AlertEvent): number {
  return b.ts - a.ts || byText(a.alertId, b.alertId) || byText(a.transition, b.transition);
}

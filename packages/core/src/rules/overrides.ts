/** Merging per-city (or global) overrides over a rule set, and the consistency checks of rules data. */
import { getParameter } from '../catalog.ts';
import { standardVersions } from '../standards/registry.ts';
import { isDomain } from '../types.ts';
import { ALERT_DOMAINS, ALERT_SEVERITIES, isAlertDomain, isAlertSeverity, type AlertRule, type RuleCondition, type RuleConditionKind, type RuleProblem, type RuleSetOverrides } from './types.ts';

const RULE_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Fields each condition kind has (besides kind and id); an override may change these only. */
export const CONDITION_FIELDS: Readonly<Record<RuleConditionKind, readonly string[]>> = {
  'disk-space': ['forMs', 'severity', 'level', 'maxReportAgeMs'],
  standard: ['forMs', 'severity', 'standardId', 'parameter', 'expectedIntervalMs', 'clearFraction'],
  threshold: ['forMs', 'severity', 'parameter', 'op', 'value', 'clearValue', 'maxSampleAgeMs', 'reference'],
  'aqi-band': ['forMs', 'severity', 'minLevel', 'clearMargin', 'severityByLevel', 'expectedIntervalMs'],
  'no-data': ['forMs', 'severity', 'afterMs'],
  offline: ['forMs', 'severity', 'afterMs'],
  stuck: ['forMs', 'severity', 'parameters', 'minReadings', 'minDurationMs'],
  baseline: ['forMs', 'severity', 'parameter', 'windowMs', 'expectedIntervalMs', 'factor', 'minExcessFraction', 'clearFactor', 'minDays', 'maxDays'],
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/**
 * The rules with the overrides applied, and every problem found (the rules returned are usable only when problems is
 * empty). `where` prefixes the paths in the problems, e.g. 'cities.cnx.'.
 */
export function applyRuleOverrides(base: readonly AlertRule[], overrides: RuleSetOverrides, where = ''): { rules: AlertRule[]; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const rules = base.map(clone);
  const byId = new Map(rules.map((r) => [r.id, r]));
  for (const [ruleId, override] of Object.entries(overrides.rules ?? {})) {
    const path = `${where}rules.${ruleId}`;
    const rule = byId.get(ruleId);
    if (!rule) {
      problems.push({ path, message: `no rule has the id "${ruleId}"; known rules: ${[...byId.keys()].join(', ')}` });
      continue;
    }
    if (override.enabled !== undefined) rule.enabled = override.enabled;
    if (override.severity !== undefined) rule.severity = override.severity;
    if (override.name !== undefined) rule.name = { ...rule.name, ...override.name };
    if (override.forMs !== undefined) rule.forMs = override.forMs;
    if (override.clearAfterQuietMs !== undefined) rule.clearAfterQuietMs = override.clearAfterQuietMs;
    if (override.escalation !== undefined) rule.escalation = override.escalation === null ? null : { ...override.escalation };
    if (override.reminderEveryMs !== undefined) rule.reminderEveryMs = override.reminderEveryMs;
    for (const [conditionId, patch] of Object.entries(override.conditions ?? {})) {
      const conditionPath = `${path}.conditions.${conditionId}`;
      const index = rule.conditions.findIndex((c) => c.id === conditionId);
      const condition = rule.conditions[index];
      if (!condition) {
        problems.push({ path: conditionPath, message: `rule "${ruleId}" has no condition "${conditionId}"; its conditions are ${rule.conditions.map((c) => c.id).join(', ')}` });
        continue;
      }
      const allowed = CONDITION_FIELDS[condition.kind];
      let ok = true;
      for (const key of Object.keys(patch)) {
        if (!allowed.includes(key)) {
          problems.push({ path: `${conditionPath}.${key}`, message: `a ${condition.kind} condition has no field "${key}" that can be changed; use one of ${allowed.join(', ')}` });
          ok = false;
        }
      }
      if (ok) rule.conditions[index] = { ...condition, ...clone(patch) } as RuleCondition;
    }
  }
  for (const [i, added] of (overrides.add ?? []).entries()) {
    const path = `${where}add[${i}]`;
    if (byId.has(added.id)) {
      problems.push({ path: `${path}.id`, message: `a rule "${added.id}" exists already; change it under rules.${added.id} instead, or choose another id` });
      continue;
    }
    const rule = clone(added);
    rules.push(rule);
    byId.set(rule.id, rule);
  }
  problems.push(...checkRules(rules, where));
  return { rules, problems };
}

function positive(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function nonNegative(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function finite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Problems in rules data (empty when sound): run on the defaults by the tests and on every merged configuration. */
export function checkRules(rules: readonly AlertRule[], where = ''): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    const path = `${where}rules.${rule.id}`;
    const add = (field: string, message: string) => problems.push({ path: field ? `${path}.${field}` : path, message });
    if (typeof rule.id !== 'string' || !RULE_ID.test(rule.id)) add('', `rule id ${JSON.stringify(rule.id)} must be 1-64 characters a-z, 0-9, '.', '-', '_'`);
    if (seen.has(rule.id)) add('', 'two rules share this id');
    seen.add(rule.id);
    if (!isObject(rule.name) || typeof rule.name.en !== 'string' || typeof rule.name.th !== 'string' || !rule.name.en || !rule.name.th) add('name', 'needs both { en, th } names');
    if (!Array.isArray(rule.domains) || rule.domains.length === 0 || !rule.domains.every(isAlertDomain)) add('domains', `must list at least one of ${ALERT_DOMAINS.join(', ')}`);
    if (!isAlertSeverity(rule.severity)) add('severity', `must be one of ${ALERT_SEVERITIES.join(', ')}`);
    if (typeof rule.enabled !== 'boolean') add('enabled', 'must be true or false');
    if (!nonNegative(rule.forMs)) add('forMs', 'must be a number of ms, 0 or more');
    if (!nonNegative(rule.clearAfterQuietMs)) add('clearAfterQuietMs', 'must be a number of ms, 0 or more');
    if (rule.escalation !== null && (!isObject(rule.escalation) || !positive(rule.escalation.afterMs) || !Number.isInteger(rule.escalation.maxLevel) || rule.escalation.maxLevel < 1)) {
      add('escalation', 'must be null or { afterMs > 0, maxLevel: a whole number >= 1 }');
    }
    if (rule.reminderEveryMs !== null && !positive(rule.reminderEveryMs)) add('reminderEveryMs', 'must be null or a number of ms above 0');
    if (!Array.isArray(rule.conditions) || rule.conditions.length === 0) {
      add('conditions', 'needs at least one condition');
      continue;
    }
    const conditionIds = new Set<string>();
    for (const condition of rule.conditions) {
      const at = (field: string, message: string) => add(`conditions.${condition.id}${field ? `.${field}` : ''}`, message);
      if (typeof condition.id !== 'string' || !RULE_ID.test(condition.id)) at('', 'condition id must be 1-64 characters a-z, 0-9, ., -, _');
      if (conditionIds.has(condition.id)) at('', 'two conditions of the rule share this id');
      conditionIds.add(condition.id);
      if (condition.forMs !== undefined && !nonNegative(condition.forMs)) at('forMs', 'must be a number of ms, 0 or more');
      if (condition.severity !== undefined && !isAlertSeverity(condition.severity)) at('severity', `must be one of ${ALERT_SEVERITIES.join(', ')}`);
      checkCondition(rule, condition, at);
    }
  }
  return problems;
}

function checkParameter(rule: AlertRule, parameter: unknown, at: (field: string, message: string) => void, field = 'parameter'): void {
  if (typeof parameter !== 'string' || !rule.domains.some((d) => isDomain(d) && getParameter(d, parameter) !== undefined)) {
    at(field, `${JSON.stringify(parameter)} is not a catalog parameter of ${rule.domains.join('/')}`);
  }
}

function checkCondition(rule: AlertRule, c: RuleCondition, at: (field: string, message: string) => void): void {
  switch (c.kind) {
    case 'disk-space':
      if (!rule.domains.includes('system')) at('kind', "a disk-space condition reads the platform's status reports: its rule's domains must include 'system'");
      if (c.level !== 'warning' && c.level !== 'critical') at('level', "must be 'warning' or 'critical'");
      if (!positive(c.maxReportAgeMs)) at('maxReportAgeMs', 'must be a number of ms above 0');
      return;
    case 'standard': {
      const editions = standardVersions(c.standardId);
      if (editions.length === 0) at('standardId', `no standard has the id ${JSON.stringify(c.standardId)}`);
      else if (editions[0]!.parameter !== c.parameter) at('parameter', `standard ${c.standardId} is about ${editions[0]!.parameter}, not ${c.parameter}`);
      checkParameter(rule, c.parameter, at);
      if (!positive(c.expectedIntervalMs)) at('expectedIntervalMs', 'must be a number of ms above 0');
      if (!(finite(c.clearFraction) && c.clearFraction >= 0 && c.clearFraction < 1)) at('clearFraction', 'must be from 0 to below 1');
      return;
    }
    case 'threshold': {
      checkParameter(rule, c.parameter, at);
      if (!['gt', 'gte', 'lt', 'lte'].includes(c.op)) at('op', "must be 'gt', 'gte', 'lt' or 'lte'");
      if (!finite(c.value)) at('value', 'must be a number');
      if (!finite(c.clearValue)) at('clearValue', 'must be a number');
      else if (finite(c.value)) {
        const upper = c.op === 'gt' || c.op === 'gte';
        if (upper && c.clearValue > c.value) at('clearValue', `an upper threshold clears at or below clearValue: ${c.clearValue} must not be above value ${c.value}`);
        if (!upper && c.clearValue < c.value) at('clearValue', `a lower threshold clears at or above clearValue: ${c.clearValue} must not be below value ${c.value}`);
      }
      if (!positive(c.maxSampleAgeMs)) at('maxSampleAgeMs', 'must be a number of ms above 0');
      if (c.reference !== undefined && standardVersions(c.reference.standardId).length === 0) at('reference.standardId', `no standard has the id ${JSON.stringify(c.reference.standardId)}`);
      return;
    }
    case 'aqi-band': {
      if (![2, 3, 4, 5].includes(c.minLevel)) at('minLevel', 'must be 2, 3, 4 or 5');
      if (!nonNegative(c.clearMargin)) at('clearMargin', 'must be 0 or more');
      if (!isObject(c.severityByLevel) || !Object.entries(c.severityByLevel).every(([k, v]) => ['1', '2', '3', '4', '5'].includes(k) && isAlertSeverity(v))) {
        at('severityByLevel', `must map band levels '1'-'5' to ${ALERT_SEVERITIES.join(', ')}`);
      }
      const intervals = c.expectedIntervalMs as unknown;
      if (!isObject(intervals) || !['pm25', 'pm10', 'o3', 'co', 'no2', 'so2'].every((p) => positive(intervals[p]))) {
        at('expectedIntervalMs', 'must give a slot length in ms above 0 for each of pm25, pm10, o3, co, no2, so2');
      }
      return;
    }
    case 'no-data':
    case 'offline':
      if (!positive(c.afterMs)) at('afterMs', 'must be a number of ms above 0');
      return;
    case 'stuck':
      if (!Array.isArray(c.parameters) || c.parameters.length === 0) at('parameters', 'must list at least one parameter');
      else c.parameters.forEach((p, i) => checkParameter(rule, p, at, `parameters[${i}]`));
      if (!(Number.isInteger(c.minReadings) && c.minReadings >= 2)) at('minReadings', 'must be a whole number >= 2');
      if (!nonNegative(c.minDurationMs)) at('minDurationMs', 'must be a number of ms, 0 or more');
      return;
    case 'baseline':
      checkParameter(rule, c.parameter, at);
      for (const field of ['windowMs', 'expectedIntervalMs', 'factor', 'clearFactor'] as const) if (!positive(c[field])) at(field, 'must be a number above 0');
      if (finite(c.factor) && finite(c.clearFactor) && c.clearFactor > c.factor) at('clearFactor', `must not be above factor ${c.factor}`);
      if (!nonNegative(c.minExcessFraction)) at('minExcessFraction', 'must be 0 or more');
      if (!(Number.isInteger(c.minDays) && c.minDays >= 1)) at('minDays', 'must be a whole number >= 1');
      if (!(Number.isInteger(c.maxDays) && c.maxDays >= c.minDays)) at('maxDays', 'must be a whole number >= minDays');
      return;
    default:
      at('kind', `unknown condition kind ${JSON.stringify((c as { kind?: unknown }).kind)}; use one of ${Object.keys(CONDITION_FIELDS).join(', ')}`);
  }
}

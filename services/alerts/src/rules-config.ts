/**
 * Rule configuration: overrides merged over the default rules (for all cities, then per city), validated with zod for
 * shape and with checkRules for meaning, one message per problem with its path. Durations may be written as
 * milliseconds or as "90s", "15m", "2h", "1d".
 */
import {
  ALERT_DOMAINS,
  ALERT_SEVERITIES,
  DEFAULT_RULES,
  applyRuleOverrides,
  conditionLookbackMs,
  conditionParameters,
  type AlertDomain,
  type AlertRule,
  type RuleSetOverrides,
} from '@mueang/core';
import type { RuleOverrideRecord } from '@mueang/storage';
import type { Logger } from 'pino';
import { z } from 'zod';

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** "15m" -> 900000; numbers pass through; undefined for anything else */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const m = DURATION.exec(value.trim());
  return m ? Math.round(Number(m[1]) * (UNIT_MS[m[2] as string] as number)) : undefined;
}

const duration = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined || !(ms >= 0)) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a duration; write milliseconds or e.g. "90s", "15m", "2h", "1d"` });
    return z.NEVER;
  }
  return ms;
});

/** fields ending in "Ms" may be written as durations in condition changes and added rules */
function durationsIn(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(durationsIn);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key.endsWith('Ms') && typeof item === 'string') out[key] = parseDuration(item) ?? item;
    else if (key === 'expectedIntervalMs' && item !== null && typeof item === 'object' && !Array.isArray(item)) {
      // the AQI condition's slot lengths per pollutant
      out[key] = Object.fromEntries(Object.entries(item).map(([k, v]) => [k, typeof v === 'string' ? (parseDuration(v) ?? v) : v]));
    } else out[key] = durationsIn(item);
  }
  return out;
}

const severity = z.enum(ALERT_SEVERITIES, { error: `severity must be one of ${ALERT_SEVERITIES.join(', ')}` });
const bilingual = z.strictObject({ en: z.string().min(1), th: z.string().min(1) });

const escalation = z
  .strictObject({ afterMs: duration, maxLevel: z.number().int().min(1, { error: 'maxLevel is a whole number >= 1' }) }, { error: 'escalation is null or { "afterMs": "1h", "maxLevel": 2 }' })
  .nullable();

export const ruleOverrideSchema = z.strictObject(
  {
    enabled: z.boolean().optional(),
    severity: severity.optional(),
    name: bilingual.partial().optional(),
    forMs: duration.optional(),
    clearAfterQuietMs: duration.optional(),
    escalation: escalation.optional(),
    reminderEveryMs: duration.nullable().optional(),
    conditions: z
      .record(z.string(), z.record(z.string(), z.unknown(), { error: 'a condition change is an object of fields, e.g. { "value": 85 }' }))
      .transform((c) => durationsIn(c) as Record<string, Record<string, unknown>>)
      .optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field(s) ${issue.keys.join(', ')}; a rule override has enabled, severity, name, forMs, clearAfterQuietMs, escalation, reminderEveryMs, conditions`
        : undefined,
  },
);

/** a whole rule (added rules); its conditions are checked by checkRules after the merge */
export const ruleSchema = z.strictObject({
  id: z.string().min(1),
  name: bilingual,
  domains: z.array(z.enum(ALERT_DOMAINS)).min(1),
  severity,
  enabled: z.boolean().default(true),
  conditions: z
    .array(z.looseObject({ id: z.string().min(1), kind: z.string().min(1) }))
    .min(1)
    .transform((c) => durationsIn(c) as AlertRule['conditions']),
  forMs: duration.default(0),
  clearAfterQuietMs: duration.default(0),
  escalation: escalation.default(null),
  reminderEveryMs: duration.nullable().default(null),
  source: z.string().default('city configuration'),
});

const ruleSetSchema = z.strictObject({
  rules: z.record(z.string(), ruleOverrideSchema).optional(),
  add: z.array(ruleSchema).optional(),
});

export const rulesConfigSchema = z.strictObject(
  {
    /** overrides for every city */
    rules: z.record(z.string(), ruleOverrideSchema).optional(),
    add: z.array(ruleSchema).optional(),
    /** overrides per city id, applied after the ones for every city */
    cities: z.record(z.string(), ruleSetSchema).optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}; the rules section has rules, add, cities` : undefined) },
);

export type RulesConfig = z.output<typeof rulesConfigSchema>;

export type RulesParse = { ok: true; value: RulesConfig } | { ok: false; errors: string[] };

function issuePath(path: PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
}

/** Validate a rules section: shape (zod), then the merged rule sets for every city named (checkRules). */
export function parseRulesConfig(input: unknown, where = 'rules'): RulesParse {
  const parsed = rulesConfigSchema.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => `${where}${i.path.length ? `.${issuePath(i.path)}` : ''}: ${i.message}`) };
  const errors: string[] = [];
  const global = applyRuleOverrides(DEFAULT_RULES, { rules: parsed.data.rules ?? {}, add: parsed.data.add ?? [] }, `${where}.`);
  errors.push(...global.problems.map((p) => `${p.path}: ${p.message}`));
  for (const [city, set] of Object.entries(parsed.data.cities ?? {})) {
    const merged = applyRuleOverrides(global.rules, set as RuleSetOverrides, `${where}.cities.${city}.`);
    errors.push(...merged.problems.map((p) => `${p.path}: ${p.message}`));
  }
  return errors.length > 0 ? { ok: false, errors: [...new Set(errors)] } : { ok: true, value: parsed.data };
}

/**
 * The rules in force per city: defaults, then the configuration's overrides for every city, then its overrides for
 * the city, then the city's overrides stored in the StateStore (the API may change those). A stored override that
 * does not validate is logged and left out; it never stops the engine.
 */
export class RuleBook {
  private readonly globalRules: AlertRule[];
  private readonly perCity = new Map<string, AlertRule[]>();
  private dbOverrides = new Map<string, RuleOverrideRecord[]>();
  private readonly lookbacks = new Map<string, number>();

  constructor(
    private readonly config: RulesConfig = {},
    private readonly logger?: Logger,
  ) {
    const merged = applyRuleOverrides(DEFAULT_RULES, { rules: config.rules ?? {}, add: config.add ?? [] });
    // parseRulesConfig has reported these; a config that skipped it falls back to the defaults
    this.globalRules = merged.problems.length === 0 ? merged.rules : DEFAULT_RULES.map((r) => structuredClone(r));
  }

  /** replace the stored per-city overrides */
  setStoredOverrides(records: readonly RuleOverrideRecord[]): void {
    const next = new Map<string, RuleOverrideRecord[]>();
    for (const record of records) next.set(record.cityId, [...(next.get(record.cityId) ?? []), record]);
    const changed = JSON.stringify([...next].sort()) !== JSON.stringify([...this.dbOverrides].sort());
    this.dbOverrides = next;
    if (changed) {
      this.perCity.clear();
      this.lookbacks.clear();
    }
  }

  /** every rule of the city (enabled or not) */
  rulesFor(cityId: string): readonly AlertRule[] {
    let rules = this.perCity.get(cityId);
    if (rules) return rules;
    rules = this.globalRules;
    const fromConfig = this.config.cities?.[cityId];
    if (fromConfig) {
      const merged = applyRuleOverrides(rules, fromConfig as RuleSetOverrides, `cities.${cityId}.`);
      if (merged.problems.length === 0) rules = merged.rules;
    }
    const stored = this.dbOverrides.get(cityId) ?? [];
    if (stored.length > 0) {
      const overrides: RuleSetOverrides = { rules: {} };
      for (const record of stored) {
        const parsed = ruleOverrideSchema.safeParse(record.override);
        if (!parsed.success) {
          this.logger?.error({ cityId, ruleId: record.ruleId, problems: parsed.error.issues.map((i) => `${issuePath(i.path)}: ${i.message}`) }, 'stored rule override is not valid; left out');
          continue;
        }
        overrides.rules![record.ruleId] = parsed.data;
      }
      const merged = applyRuleOverrides(rules, overrides, `stored.${cityId}.`);
      if (merged.problems.length === 0) rules = merged.rules;
      else this.logger?.error({ cityId, problems: merged.problems }, 'stored rule overrides of the city do not validate; using the configured rules');
    }
    this.perCity.set(cityId, rules);
    return rules;
  }

  rule(cityId: string, ruleId: string): AlertRule | undefined {
    return this.rulesFor(cityId).find((r) => r.id === ruleId);
  }

  /** the enabled rules that watch devices of a domain in a city ('system': the platform's own reports) */
  activeRules(cityId: string, domain: AlertDomain): AlertRule[] {
    return this.rulesFor(cityId).filter((r) => r.enabled && r.domains.includes(domain));
  }

  /** every rule known in any configured city (for sample retention) */
  private allRules(): AlertRule[] {
    const all = [...this.globalRules];
    for (const city of new Set([...Object.keys(this.config.cities ?? {}), ...this.dbOverrides.keys()])) all.push(...this.rulesFor(city));
    return all;
  }

  /** how long samples of a parameter must be kept: the longest look-back of a condition reading it */
  lookbackMs(parameter: string): number {
    const known = this.lookbacks.get(parameter);
    if (known !== undefined) return known;
    let longest = 0;
    for (const rule of this.allRules()) {
      for (const condition of rule.conditions) {
        if (conditionParameters(condition).includes(parameter)) longest = Math.max(longest, conditionLookbackMs(condition));
      }
    }
    this.lookbacks.set(parameter, longest);
    return longest;
  }

  /** the longest look-back of any condition (how far back the engine seeds from the TelemetryStore) */
  longestLookbackMs(): number {
    let longest = 0;
    for (const rule of this.allRules()) for (const condition of rule.conditions) longest = Math.max(longest, conditionLookbackMs(condition));
    return longest;
  }

  /** parameters used by consumption baselines, and the most days a baseline looks back */
  baselineNeeds(): { parameters: Set<string>; maxDays: number; expectedIntervalMs: number } {
    const parameters = new Set<string>();
    let maxDays = 0;
    let expectedIntervalMs = 15 * 60_000;
    for (const rule of this.allRules()) {
      for (const c of rule.conditions) {
        if (c.kind !== 'baseline') continue;
        parameters.add(c.parameter);
        maxDays = Math.max(maxDays, c.maxDays);
        expectedIntervalMs = c.expectedIntervalMs;
      }
    }
    return { parameters, maxDays, expectedIntervalMs };
  }
}

/**
 * The alerts configuration file (ALERTS_CONFIG, JSON): rule overrides, notifiers with their recipients and routes,
 * and engine settings. Every problem is reported at once, one line each, with its path and what to do.
 *
 * {
 *   "rules":  { "rules": { "waste.fill.high": { "conditions": { "fill": { "value": 85 } } } }, "cities": { "cnx": { ... } } },
 *   "notify": { "webhook": {...}, "email": {...}, "line": {...}, "mqtt": {...}, "recipients": [...], "routes": [...] },
 *   "engine": { "tickInterval": "15s", "consoleBaseUrl": "https://console.example.go.th", "cities": ["cnx"] }
 * }
 */
import { readFileSync } from 'node:fs';
import { isValidId } from '@mueang/core';
import { z } from 'zod';
import { parseNotifyConfig, type NotifyConfig } from './notify/config.ts';
import { parseDuration, parseRulesConfig, type RulesConfig } from './rules-config.ts';

export interface EngineSettings {
  tickIntervalMs: number;
  evaluationSpacingMs: number;
  consoleBaseUrl: string | null;
  maxSamplesPerSeries?: number;
  cities?: string[];
  /** how often recipients and routes are re-read from the StateStore */
  routingRefreshMs: number;
}

export interface AlertsConfig {
  rules: RulesConfig;
  /** null: no notifiers configured (alerts are still stored, published on MQTT and written for dashboards) */
  notify: NotifyConfig | null;
  engine: EngineSettings;
}

export class AlertsConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Alerts configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'AlertsConfigError';
  }
}

const duration = (what: string) =>
  z.union([z.number(), z.string()]).transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined || !(ms >= 0)) {
      ctx.addIssue({ code: 'custom', message: `${what} ${JSON.stringify(value)} is not a duration; write milliseconds or e.g. "15s", "5m"` });
      return z.NEVER;
    }
    return ms;
  });

const engineSchema = z.strictObject(
  {
    tickInterval: duration('tickInterval').default(15_000),
    evaluationSpacing: duration('evaluationSpacing').default(5_000),
    consoleBaseUrl: z.url({ error: 'consoleBaseUrl must be a URL such as https://console.example.go.th' }).nullable().default(null),
    maxSamplesPerSeries: z.number().int().min(100, { error: 'maxSamplesPerSeries must be at least 100' }).optional(),
    cities: z.array(z.string().refine(isValidId, { error: 'a city id is 1-64 of a-z, 0-9, "-" and "_"' })).min(1).optional(),
    routingRefresh: duration('routingRefresh').default(60_000),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field(s) ${issue.keys.join(', ')}; the engine section has tickInterval, evaluationSpacing, consoleBaseUrl, maxSamplesPerSeries, cities, routingRefresh`
        : undefined,
  },
);

const fileSchema = z.strictObject(
  { rules: z.unknown().optional(), notify: z.unknown().optional(), engine: z.unknown().optional() },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown section(s) ${issue.keys.join(', ')}; the file has rules, notify, engine` : 'the configuration is a JSON object with rules, notify and engine') },
);

function path(p: PropertyKey[]): string {
  return p.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('');
}

/** Validate a parsed configuration object; "env:NAME" strings in the notify section are read from `env`. */
export function parseAlertsConfig(input: unknown, env: Record<string, string | undefined> = process.env): { ok: true; value: AlertsConfig } | { ok: false; errors: string[] } {
  const file = fileSchema.safeParse(input ?? {});
  if (!file.success) return { ok: false, errors: file.error.issues.map((i) => `${i.path.length ? path(i.path).slice(1) : '(file)'}: ${i.message}`) };
  const errors: string[] = [];
  const rules = parseRulesConfig(file.data.rules, 'rules');
  if (!rules.ok) errors.push(...rules.errors);
  let notify: NotifyConfig | null = null;
  if (file.data.notify !== undefined) {
    const parsed = parseNotifyConfig(file.data.notify, env);
    if (parsed.ok) notify = parsed.value;
    else errors.push(...parsed.errors.map((e) => `notify.${e}`));
  }
  const engine = engineSchema.safeParse(file.data.engine ?? {});
  if (!engine.success) errors.push(...engine.error.issues.map((i) => `engine${path(i.path)}: ${i.message}`));
  if (errors.length > 0 || !rules.ok || !engine.success) return { ok: false, errors };
  const e = engine.data;
  return {
    ok: true,
    value: {
      rules: rules.value,
      notify,
      engine: {
        tickIntervalMs: e.tickInterval,
        evaluationSpacingMs: e.evaluationSpacing,
        consoleBaseUrl: e.consoleBaseUrl,
        routingRefreshMs: e.routingRefresh,
        ...(e.maxSamplesPerSeries !== undefined ? { maxSamplesPerSeries: e.maxSamplesPerSeries } : {}),
        ...(e.cities ? { cities: e.cities } : {}),
      },
    },
  };
}

/** Read and validate the file; throws AlertsConfigError listing every problem. No file = the defaults. */
export function loadAlertsConfig(file: string | undefined, env: Record<string, string | undefined> = process.env): AlertsConfig {
  let input: unknown = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new AlertsConfigError([`ALERTS_CONFIG=${file}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check the path`]);
    }
    try {
      input = JSON.parse(text);
    } catch (err) {
      throw new AlertsConfigError([`ALERTS_CONFIG=${file}: not valid JSON (${(err as Error).message})`]);
    }
  }
  const parsed = parseAlertsConfig(input, env);
  if (!parsed.ok) throw new AlertsConfigError(file ? parsed.errors.map((e) => `${file}: ${e}`) : parsed.errors);
  return parsed.value;
}

/**
 * A small typed builder for the raw InfluxQL that Grafana's InfluxDB datasource runs (the foundation SDK has no
 * InfluxDB query builder). Identifiers are always double-quoted and literals single-quoted with the escapes the
 * InfluxQL scanner understands, the same rules as @mueang/storage's adapter, so a measurement, tag or parameter name
 * can never be read as syntax. Grafana's macros and template variables are kept as text for Grafana to fill in.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/dashboard';

/** Grafana replaces this with `time >= <from>ms and time <= <to>ms` (the dashboard's time range). */
export const TIME_FILTER = '$timeFilter';
/** Grafana replaces this with the panel's interval (range / max data points, e.g. `10m`). */
export const INTERVAL = '$__interval';

/** Names of the dashboard template variables every query may filter by. */
export const TEMPLATE_VARIABLES = ['city', 'site', 'device'] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

function escapeQuoted(text: string, quote: '"' | "'"): string {
  let out = '';
  for (const c of text) {
    if (c === '\\') out += '\\\\';
    else if (c === quote) out += `\\${quote}`;
    else if (c === '\n') out += '\\n';
    else out += c;
  }
  return out;
}

/** A quoted identifier: measurement, tag key, field key, alias. */
export function ident(name: string): string {
  if (name.length === 0) throw new RangeError('an InfluxQL identifier must not be empty');
  return `"${escapeQuoted(name, '"')}"`;
}

/** A quoted string literal (a tag value in WHERE). */
export function literal(value: string): string {
  return `'${escapeQuoted(value, "'")}'`;
}

/** A number literal; InfluxQL has no spelling for NaN or infinities. */
export function num(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`an InfluxQL number must be finite, got ${value}`);
  return String(value);
}

/** A regular expression literal matching exactly one of the given values (special characters escaped). */
export function oneOfRegex(values: readonly string[]): string {
  if (values.length === 0) throw new RangeError('oneOfRegex needs at least one value');
  const escaped = values.map((v) => v.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  return `/^(${escaped.join('|')})$/`;
}

/** `"tag" =~ /^$variable$/`: Grafana fills in the selected value, or `(a|b|...)` for several or All. */
export function matchesVariable(tag: string, variable: TemplateVariable): string {
  return `${ident(tag)} =~ /^$${variable}$/`;
}

/** `"tag" = 'value'` */
export function tagEquals(tag: string, value: string): string {
  return `${ident(tag)} = ${literal(value)}`;
}

/** `"field" <op> number` */
export function compare(field: string, op: '>' | '>=' | '<' | '<=' | '=' | '!=', value: number): string {
  return `${ident(field)} ${op} ${num(value)}`;
}

/** A window of the last `duration` ending now (for "current" panels that ignore the dashboard range). */
export function lastDuration(duration: string): string {
  if (!/^\d+(ms|s|m|h|d|w)$/.test(duration)) throw new RangeError(`not an InfluxQL duration: ${duration}`);
  return `time > now() - ${duration}`;
}

/** `fn("field")`, or `fn(expr)` for an expression already built. */
export function call(fn: string, arg: string, ...more: Array<string | number>): string {
  if (!/^[a-z_]+$/.test(fn)) throw new RangeError(`not an InfluxQL function name: ${fn}`);
  return `${fn}(${[arg, ...more.map(String)].join(', ')})`;
}

/** `fn("field")` */
export function agg(fn: string, field: string, ...more: Array<string | number>): string {
  return call(fn, ident(field), ...more);
}

/** `expr AS "alias"` */
export function as(expr: string, alias: string): string {
  return `${expr} AS ${ident(alias)}`;
}

export type Fill = 'none' | 'null' | 'previous' | 'linear' | number;

export interface SelectSpec {
  /** column expressions (use agg/as/ident) */
  fields: string[];
  /** measurement names, or subqueries built with select() (several sources are unioned) */
  from: Array<{ measurement: string; retentionPolicy?: string | undefined } | { subquery: string }>;
  /** conditions joined with AND */
  where?: string[];
  /** GROUP BY time(interval[, offset]) */
  groupByTime?: { interval: string; offset?: string };
  /** GROUP BY tags */
  groupByTags?: string[];
  fill?: Fill;
  orderByTimeDesc?: boolean;
  limit?: number;
}

/** One InfluxQL SELECT statement. */
export function select(spec: SelectSpec): string {
  if (spec.fields.length === 0) throw new RangeError('a SELECT needs at least one field');
  if (spec.from.length === 0) throw new RangeError('a SELECT needs at least one source');
  const sources = spec.from.map((s) => ('measurement' in s ? (s.retentionPolicy ? `${ident(s.retentionPolicy)}.` : '') + ident(s.measurement) : `(${s.subquery})`)).join(', ');
  let text = `SELECT ${spec.fields.join(', ')} FROM ${sources}`;
  if (spec.where && spec.where.length > 0) text += ` WHERE ${spec.where.join(' AND ')}`;
  const groups: string[] = [];
  if (spec.groupByTime) groups.push(spec.groupByTime.offset ? `time(${spec.groupByTime.interval}, ${spec.groupByTime.offset})` : `time(${spec.groupByTime.interval})`);
  for (const tag of spec.groupByTags ?? []) groups.push(ident(tag));
  if (groups.length > 0) text += ` GROUP BY ${groups.join(', ')}`;
  if (spec.fill !== undefined) text += ` fill(${typeof spec.fill === 'number' ? num(spec.fill) : spec.fill})`;
  if (spec.orderByTimeDesc) text += ' ORDER BY time DESC';
  if (spec.limit !== undefined) {
    if (!Number.isSafeInteger(spec.limit) || spec.limit < 1) throw new RangeError(`LIMIT must be a positive integer, got ${spec.limit}`);
    text += ` LIMIT ${spec.limit}`;
  }
  return text;
}

/** `SHOW TAG VALUES [FROM "m"] WITH KEY = "tag" [WHERE ...]`: the query of a template variable. */
export function showTagValues(tag: string, options: { measurement?: string; where?: string[] } = {}): string {
  let text = 'SHOW TAG VALUES';
  if (options.measurement) text += ` FROM ${ident(options.measurement)}`;
  text += ` WITH KEY = ${ident(tag)}`;
  if (options.where && options.where.length > 0) text += ` WHERE ${options.where.join(' AND ')}`;
  return text;
}

export type ResultFormat = 'time_series' | 'table';

/** The target JSON of Grafana's InfluxDB datasource in raw InfluxQL mode. */
export interface InfluxQLTarget extends cog.Dataquery {
  refId: string;
  datasource: DataSourceRef;
  query: string;
  rawQuery: true;
  resultFormat: ResultFormat;
  /** legend name, e.g. `$tag_site` */
  alias?: string;
  hide?: boolean;
}

export interface InfluxQLTargetOptions {
  refId?: string;
  format?: ResultFormat;
  alias?: string;
}

/** A panel target builder for the foundation SDK's `withTarget`. */
export class InfluxQLTargetBuilder implements cog.Builder<InfluxQLTarget> {
  private readonly target: InfluxQLTarget;

  constructor(datasource: DataSourceRef, query: string, options: InfluxQLTargetOptions = {}) {
    this.target = {
      refId: options.refId ?? 'A',
      datasource: { ...datasource },
      query,
      rawQuery: true,
      resultFormat: options.format ?? 'time_series',
      ...(options.alias === undefined ? {} : { alias: options.alias }),
      _implementsDataqueryVariant() {},
    };
  }

  build(): InfluxQLTarget {
    return { ...this.target, datasource: { ...this.target.datasource } };
  }
}

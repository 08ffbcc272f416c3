import { clampTs } from './telemetry-input.ts';

/**
 * InfluxQL quoting. Every identifier is double-quoted and every string literal single-quoted, so
 * that no user text is ever read as syntax. The InfluxQL scanner (influxql/scanner.go ScanString)
 * understands exactly these escapes inside quotes: \\ \" \' \n; a raw newline ends the token with
 * an error, so it is written as \n.
 */
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

/** A quoted identifier: measurement, tag key, field key, database, retention policy, alias. */
export function quoteIdent(name: string): string {
  return `"${escapeQuoted(name, '"')}"`;
}

/** A quoted string literal (tag or field values in WHERE). */
export function quoteLiteral(value: string): string {
  return `'${escapeQuoted(value, "'")}'`;
}

/** An absolute time as an RFC 3339 literal: accepted by InfluxDB 1.x, 2.x and 3 alike. Clamped to InfluxDB's range. */
export function timeLiteral(epochMs: number): string {
  return quoteLiteral(new Date(clampTs(epochMs)).toISOString());
}

/** A duration in milliseconds (GROUP BY time(...)). */
export function durationLiteral(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 1) throw new RangeError(`duration must be a positive integer of ms, got ${ms}`);
  return `${ms}ms`;
}

/** `"tag" = 'value'` */
export function tagEquals(tag: string, value: string): string {
  return `${quoteIdent(tag)} = ${quoteLiteral(value)}`;
}

/** `("tag" = 'a' OR "tag" = 'b')` */
export function tagIn(tag: string, values: readonly string[]): string {
  if (values.length === 0) throw new RangeError('tagIn needs at least one value');
  return `(${values.map((v) => tagEquals(tag, v)).join(' OR ')})`;
}

/** `time >= 'from' AND time < 'to'` (from inclusive, to exclusive). */
export function timeRange(from: number, to: number): string {
  return `time >= ${timeLiteral(from)} AND time < ${timeLiteral(to)}`;
}

/** `"db"."rp"."measurement"` or `"measurement"`. */
export function qualifiedMeasurement(measurement: string, database?: string, retentionPolicy?: string): string {
  if (retentionPolicy && database) return `${quoteIdent(database)}.${quoteIdent(retentionPolicy)}.${quoteIdent(measurement)}`;
  return quoteIdent(measurement);
}

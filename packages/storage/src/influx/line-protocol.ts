import { inputError } from './telemetry-error.ts';

/**
 * InfluxDB line protocol, the subset every version accepts (1.x, 2.x, 3 Core):
 * https://docs.influxdata.com/influxdb/v1/write_protocols/line_protocol_reference/#special-characters
 * - measurement: escape comma and space
 * - tag keys, tag values, field keys: escape comma, equals sign and space
 * - string field values: double-quoted, escape backslash and double quote
 * No element may contain a newline. Backslashes in keys and tag values are refused: 1.x keeps
 * `\\` as two characters and rejects a trailing one, while 2.x reads `\\` as one.
 */

// eslint-disable-next-line no-control-regex
const NEWLINE_OR_CONTROL = /[\u0000-\u001f\u007f]/;

function refuseUnportable(value: string, what: string, allowBackslash: boolean): void {
  if (NEWLINE_OR_CONTROL.test(value)) throw inputError(`${what} ${JSON.stringify(value)} contains a newline or control character, which line protocol cannot carry`);
  if (!allowBackslash && value.includes('\\')) throw inputError(`${what} ${JSON.stringify(value)} contains a backslash, which InfluxDB versions read differently in keys and tag values`);
}

export function escapeMeasurement(name: string): string {
  if (name.length === 0) throw inputError('measurement name must not be empty');
  refuseUnportable(name, 'measurement', false);
  return name.replace(/[, ]/g, (c) => `\\${c}`);
}

/** Tag keys, tag values and field keys share one escaping rule. */
export function escapeKey(key: string, what = 'tag or field key'): string {
  if (key.length === 0) throw inputError(`${what} must not be empty`);
  refuseUnportable(key, what, false);
  return key.replace(/[,= ]/g, (c) => `\\${c}`);
}

export function escapeTagValue(value: string): string {
  return escapeKey(value, 'tag value');
}

/** A string field value, quoted. Newlines are refused: encode them first (see encodeText). */
export function quoteStringField(value: string): string {
  if (value.includes('\n') || value.includes('\r')) throw inputError(`string field value contains a line break, which line protocol does not support; encode it first`);
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A float field value; refuses NaN and infinities (line protocol has no spelling for them). */
export function formatFloat(value: number): string {
  if (!Number.isFinite(value)) throw inputError(`field value ${value} is not a finite number`);
  // String(1e21) is "1e+21", which line protocol accepts as a float; integers need no trailing ".0"
  // because only an "i" suffix makes an integer field.
  return String(value);
}

export function formatInteger(value: number): string {
  if (!Number.isSafeInteger(value)) throw inputError(`integer field value ${value} is not a safe integer`);
  return `${value}i`;
}

export interface LineFields {
  [key: string]: { float: number } | { int: number } | { text: string };
}

/** One line: measurement, tags (sorted by key, as InfluxDB recommends; empty values omitted), fields, timestamp. */
export function formatLine(measurement: string, tags: Record<string, string | undefined>, fields: LineFields, timestamp: number | bigint): string {
  let line = escapeMeasurement(measurement);
  for (const key of Object.keys(tags).sort()) {
    const value = tags[key];
    if (value === undefined || value === '') continue;
    line += `,${escapeKey(key)}=${escapeTagValue(value)}`;
  }
  const parts: string[] = [];
  for (const [key, field] of Object.entries(fields)) {
    const formatted = 'float' in field ? formatFloat(field.float) : 'int' in field ? formatInteger(field.int) : quoteStringField(field.text);
    parts.push(`${escapeKey(key, 'field key')}=${formatted}`);
  }
  if (parts.length === 0) throw inputError(`a line for measurement ${measurement} needs at least one field`);
  return `${line} ${parts.join(',')} ${timestamp}`;
}

/**
 * Reversible encoding for free text that must pass through line protocol (dead-letter fields
 * and tags): `%`, `\` and control characters become %XX, everything else (quotes, commas,
 * spaces, `=`, Thai text) is kept as is. Tags and fields encoded this way are always portable.
 */
export function encodeText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[%\\\u0000-\u001f\u007f]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

export function decodeText(text: string): string {
  return text.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

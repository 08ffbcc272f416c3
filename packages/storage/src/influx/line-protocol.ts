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

/** The series part of a line: measurement and tags (sorted by key, as InfluxDB recommends; empty values omitted). */
export function formatSeries(measurement: string, tags: Record<string, string | undefined>): string {
  let line = escapeMeasurement(measurement);
  for (const key of Object.keys(tags).sort()) {
    const value = tags[key];
    if (value === undefined || value === '') continue;
    line += `,${escapeKey(key)}=${escapeTagValue(value)}`;
  }
  return line;
}

/** One line: measurement, tags (sorted by key, as InfluxDB recommends; empty values omitted), fields, timestamp. */
export function formatLine(measurement: string, tags: Record<string, string | undefined>, fields: LineFields, timestamp: number | bigint): string {
  const line = formatSeries(measurement, tags);
  const parts: string[] = [];
  for (const [key, field] of Object.entries(fields)) {
    const formatted = 'float' in field ? formatFloat(field.float) : 'int' in field ? formatInteger(field.int) : quoteStringField(field.text);
    parts.push(`${escapeKey(key, 'field key')}=${formatted}`);
  }
  if (parts.length === 0) throw inputError(`a line for measurement ${measurement} needs at least one field`);
  return `${line} ${parts.join(',')} ${timestamp}`;
}

/** entries a PointLines cache holds before it starts over */
const MAX_CACHED = 100_000;

export interface LinePoint {
  ts: number;
  domain: string;
  city: string;
  site: string;
  device: string;
  values: Record<string, number>;
}

/**
 * Telemetry points (measurement = domain, tags city, site and device, float fields) as line
 * protocol, the lines formatLine writes, for a store that writes the same series and parameters
 * over and over: each device's escaped series and each parameter's escaped key are built once, and
 * body() writes a whole request body as UTF-8 bytes, without a string per line to join and encode.
 */
export class PointLines {
  /** device -> its series as last seen, with the space after it */
  private readonly series = new Map<string, { domain: string; city: string; site: string; text: string; bytes: Buffer }>();
  /** parameter -> `escaped key=` */
  private readonly keys = new Map<string, { text: string; bytes: Buffer }>();

  line(p: LinePoint): string {
    let fields = '';
    for (const param in p.values) fields += `${fields === '' ? '' : ','}${this.key(param).text}${formatFloat(p.values[param]!)}`;
    if (fields === '') throw inputError(`a line for measurement ${p.domain} needs at least one field`);
    return `${this.seriesOf(p).text}${fields} ${p.ts}`;
  }

  /** the points' lines, one per line, as the UTF-8 body of a write request */
  body(points: readonly LinePoint[]): Buffer {
    let buf = Buffer.allocUnsafe(Math.max(1024, points.length * 256));
    let at = 0;
    const room = (bytes: number) => {
      if (at + bytes <= buf.length) return;
      const grown = Buffer.allocUnsafe(Math.max(buf.length * 2, at + bytes));
      buf.copy(grown, 0, 0, at);
      buf = grown;
    };
    for (let i = 0; i < points.length; i++) {
      const p = points[i]!;
      const series = this.seriesOf(p).bytes;
      room(series.length + 1);
      if (i > 0) buf[at++] = 0x0a;
      at += series.copy(buf, at);
      let first = true;
      for (const param in p.values) {
        const key = this.key(param).bytes;
        const value = formatFloat(p.values[param]!);
        room(key.length + value.length + 1);
        if (!first) buf[at++] = 0x2c;
        first = false;
        at += key.copy(buf, at);
        at += buf.write(value, at, 'latin1');
      }
      if (first) throw inputError(`a line for measurement ${p.domain} needs at least one field`);
      const ts = String(p.ts);
      room(ts.length + 1);
      buf[at++] = 0x20;
      at += buf.write(ts, at, 'latin1');
    }
    return buf.subarray(0, at);
  }

  private seriesOf(p: LinePoint): { text: string; bytes: Buffer } {
    let series = this.series.get(p.device);
    if (series === undefined || series.domain !== p.domain || series.city !== p.city || series.site !== p.site) {
      const text = `${formatSeries(p.domain, { city: p.city, site: p.site, device: p.device })} `;
      series = { domain: p.domain, city: p.city, site: p.site, text, bytes: Buffer.from(text, 'utf8') };
      if (this.series.size >= MAX_CACHED) this.series.clear();
      this.series.set(p.device, series);
    }
    return series;
  }

  private key(param: string): { text: string; bytes: Buffer } {
    let key = this.keys.get(param);
    if (key === undefined) {
      const text = `${escapeKey(param, 'field key')}=`;
      key = { text, bytes: Buffer.from(text, 'utf8') };
      if (this.keys.size >= MAX_CACHED) this.keys.clear();
      this.keys.set(param, key);
    }
    return key;
  }
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

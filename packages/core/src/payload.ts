/**
 * Decoding of telemetry payloads into raw readings (format knowledge only; the catalog, units and
 * plausibility are checked by validate.ts). Formats (DESIGN.md "Payload"):
 *
 * - reading  `{"ts": <epoch ms | ISO 8601>, "values": {...}, "units"?: {"pm25": "mg/m3"}}`, ts optional
 * - batch    `{"readings": [{ts, values, units?}, ...]}`, at most MAX_BATCH_READINGS
 * - SenML    JSON array of records (RFC 8428)
 * - flat     `{"pm25": 23.1, "pm10": 41}` (ThingsBoard style), optionally with `"ts"`
 *
 * Rules chosen here:
 * - Numeric `ts` is epoch milliseconds. A number below 1e11 (before 1973-03-03 as ms) is what a device
 *   sends when it means seconds: it is rejected (`reading.ts_invalid`) with a message saying so, not
 *   guessed at, so that a firmware bug shows up in the dead letters instead of silently mixing
 *   conventions. Above 1e14 (year 5138) it looks like µs/ns and is rejected likewise. Fractions of a
 *   millisecond are rounded.
 * - ISO 8601 strings must carry a zone (`Z` or `+07:00`): a local time would depend on the server's zone.
 * - Envelope keys are a closed set (`ts`, `values`, `units`; `readings`): an unknown key rejects the
 *   reading, because a misspelt `unit` would otherwise let a value in the wrong unit through.
 * - SenML: times are seconds; `bt + t` below 2^28 is relative to the receive time (RFC 8428 §4.5.3),
 *   so a missing time means "now"; records are grouped into readings by resolved time; the parameter
 *   name is the part of `bn + n` after the last ':' or '/' (`urn:dev:id:x:` + `pm25` -> `pm25`);
 *   a field ending in '_' that we do not understand rejects the pack (RFC 8428 §12.3.1).
 *
 * Only the known shapes are walked, with loops, never recursively; JSON.parse itself is not recursive
 * in V8, so deep nesting cannot exhaust the stack.
 */

import { joinPath, showKey, showValue } from './json-path.ts';

export type RejectionCode =
  | 'payload.empty'
  | 'payload.too_large'
  | 'payload.not_utf8'
  | 'payload.malformed_json'
  | 'payload.shape'
  | 'batch.too_many'
  | 'reading.ts_invalid'
  | 'reading.ts_future'
  | 'reading.ts_too_old'
  | 'reading.no_values'
  | 'value.unknown_parameter'
  | 'value.wrong_type'
  | 'value.not_finite'
  | 'value.out_of_range'
  | 'value.unknown_unit'
  | 'value.duplicate'
  | 'options.invalid'
  | 'decode.internal_error';

export interface Rejection {
  /** machine-readable reason, e.g. 'payload.malformed_json', 'value.out_of_range' */
  code: RejectionCode;
  /** what was wrong, where (JSON path like readings[3].values.pm25), what to do */
  message: string;
  /** JSON path of the offending part ('' for the whole payload) */
  path?: string;
  /** the parameter concerned, when a single value was rejected */
  param?: string;
  /** index of the reading (batch position, or SenML time group) */
  readingIndex?: number;
}

export const DEFAULT_MAX_BYTES = 262_144;
export const MAX_BATCH_READINGS = 10_000;
/** epoch numbers below this are seconds sent where milliseconds are expected (1e11 ms = 1973-03-03) */
export const SECONDS_LIKE_BELOW = 1e11;
/** epoch numbers above this are micro- or nanoseconds (1e14 ms = year 5138) */
export const SUBMILLI_LIKE_ABOVE = 1e14;
/** SenML: times below 2^28 s are relative to now (RFC 8428 §4.5.3) */
const SENML_RELATIVE_BELOW = 268_435_456;

export interface RawValue {
  /** parameter name as sent (SenML: after the base-name prefix) */
  name: string;
  /** the value as sent (SenML: v plus bv, or vb, vs, vd, s plus bs) */
  value: unknown;
  /** the declared unit as sent; undefined when none was declared */
  unit: unknown;
  /** JSON path of the value */
  path: string;
  /** JSON path of the unit declaration */
  unitPath: string;
}

export interface RawReading {
  /** batch position or SenML time group (0 for a single reading) */
  readingIndex: number;
  /** JSON path of the reading ('' for a single reading, 'readings[3]', SenML: its first record '[0]') */
  path: string;
  /** epoch ms */
  ts: number;
  /** true when the time is the server's receive time (none given, or SenML time relative to now) */
  serverTime: boolean;
  /** JSON path of the time ('' when none was given) */
  tsPath: string;
  values: RawValue[];
}

export interface PayloadOptions {
  /** epoch ms: the time of readings without one */
  receivedAt: number;
  /** default DEFAULT_MAX_BYTES */
  maxBytes?: number;
}

export type PayloadFormat = 'reading' | 'batch' | 'senml' | 'flat';

export interface DecodedPayload {
  /** undefined when the payload was rejected before its shape was known */
  format: PayloadFormat | undefined;
  readings: RawReading[];
  rejections: Rejection[];
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
// date, 'T' (or space), hh:mm[:ss[.fraction]], zone; fields are range-checked after matching
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;
const ISO_MAX_LENGTH = 40;
/** days in the 400-year Gregorian cycle: shifts years 0-99, which Date.UTC would read as 1900-1999 */
const GREGORIAN_CYCLE_MS = 146_097 * 86_400_000;
const READING_KEYS = 'ts, values, units';

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function at(path: string): string {
  return path === '' ? 'payload' : path;
}

class Decoder {
  readonly readings: RawReading[] = [];
  readonly rejections: Rejection[] = [];
  format: PayloadFormat | undefined;

  constructor(readonly receivedAt: number) {}

  reject(code: RejectionCode, path: string, message: string, readingIndex?: number): void {
    const rejection: Rejection = { code, message: `${at(path)}: ${message}`, path };
    if (readingIndex !== undefined) rejection.readingIndex = readingIndex;
    this.rejections.push(rejection);
  }

  text(payload: Uint8Array | string, maxBytes: number): string | undefined {
    let text: string;
    if (typeof payload === 'string') {
      // UTF-8 takes at least one byte per UTF-16 code unit: a string this long is too large already
      if (payload.length > maxBytes) return this.tooLarge(`more than ${maxBytes}`, maxBytes);
      const bytes = utf8Length(payload);
      if (bytes > maxBytes) return this.tooLarge(String(bytes), maxBytes);
      text = payload;
    } else if (payload instanceof Uint8Array) {
      if (payload.byteLength > maxBytes) return this.tooLarge(String(payload.byteLength), maxBytes);
      try {
        text = UTF8.decode(payload);
      } catch {
        this.reject('payload.not_utf8', '', 'is not UTF-8 text; send JSON encoded as UTF-8 (binary formats are not supported)');
        return undefined;
      }
    } else {
      this.reject('payload.shape', '', `expected bytes or a string, got ${typeName(payload)}`);
      return undefined;
    }
    if (isBlank(text)) {
      this.reject('payload.empty', '', 'is empty; send a JSON object such as {"ts": 1717200000000, "values": {"pm25": 23.1}}');
      return undefined;
    }
    return text;
  }

  private tooLarge(size: string, maxBytes: number): undefined {
    this.reject('payload.too_large', '', `is ${size} bytes, over the limit of ${maxBytes}; split it into several messages`);
    return undefined;
  }

  parse(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      this.reject('payload.malformed_json', '', `is not valid JSON (${detail.length > 160 ? `${detail.slice(0, 160)}…` : detail}); check quoting, commas and brackets`);
      return undefined;
    }
  }

  root(root: unknown): void {
    if (Array.isArray(root)) {
      this.format = 'senml';
      this.senml(root);
    } else if (isPlainObject(root)) {
      if (Object.hasOwn(root, 'readings')) {
        this.format = 'batch';
        this.batch(root);
      } else if (Object.hasOwn(root, 'values')) {
        this.format = 'reading';
        this.reading(root, '', 0);
      } else {
        this.format = 'flat';
        this.flat(root);
      }
    } else {
      this.reject(
        'payload.shape',
        '',
        `is ${typeName(root)}; expected {"ts", "values"}, {"readings": [...]}, a SenML array or a flat object of numbers`,
      );
    }
  }

  private batch(root: Record<string, unknown>): void {
    for (const key in root) {
      if (key !== 'readings') {
        this.reject('payload.shape', joinPath('', key), 'unknown key next to "readings"; a batch holds only "readings" (put ts, values and units in each reading)');
        return;
      }
    }
    const list = root.readings;
    if (!Array.isArray(list)) {
      this.reject('payload.shape', 'readings', `must be an array of {ts, values} objects, got ${typeName(list)}`);
      return;
    }
    if (list.length === 0) {
      this.reject('reading.no_values', 'readings', 'is empty; send at least one reading');
      return;
    }
    if (list.length > MAX_BATCH_READINGS) {
      this.reject('batch.too_many', 'readings', `has ${list.length} readings, over the limit of ${MAX_BATCH_READINGS}; send them in several messages`);
      return;
    }
    for (let i = 0; i < list.length; i++) {
      const item: unknown = list[i];
      const path = `readings[${i}]`;
      if (!isPlainObject(item)) {
        this.reject('payload.shape', path, `must be an object {ts, values}, got ${typeName(item)}`, i);
        continue;
      }
      this.reading(item, path, i);
    }
  }

  private reading(item: Record<string, unknown>, path: string, index: number): void {
    for (const key in item) {
      if (key !== 'ts' && key !== 'values' && key !== 'units') {
        this.reject('payload.shape', joinPath(path, key), `unknown key in a reading; allowed keys are ${READING_KEYS}`, index);
        return;
      }
    }
    const values = item.values;
    const valuesPath = joinPath(path, 'values');
    if (values === undefined) {
      this.reject('payload.shape', path, 'has no "values"; send {"ts": ..., "values": {"param": number}}', index);
      return;
    }
    if (!isPlainObject(values)) {
      this.reject('payload.shape', valuesPath, `must be an object of parameter -> value, got ${typeName(values)}`, index);
      return;
    }
    const units = item.units;
    const unitsPath = joinPath(path, 'units');
    if (units !== undefined && !isPlainObject(units)) {
      this.reject('payload.shape', unitsPath, `must be an object of parameter -> unit, got ${typeName(units)}`, index);
      return;
    }
    const tsPath = joinPath(path, 'ts');
    let ts = this.receivedAt;
    const serverTime = item.ts === undefined;
    if (!serverTime) {
      const parsed = this.jsonTime(item.ts, tsPath, index);
      if (parsed === undefined) return;
      ts = parsed;
    }
    const raw: RawValue[] = [];
    for (const name in values) {
      const declared = units !== undefined && Object.hasOwn(units, name) ? units[name] : undefined;
      raw.push({ name, value: values[name], unit: declared, path: joinPath(valuesPath, name), unitPath: joinPath(unitsPath, name) });
    }
    if (raw.length === 0) {
      this.reject('reading.no_values', valuesPath, 'is empty; send at least one parameter', index);
      return;
    }
    this.readings.push({ readingIndex: index, path, ts, serverTime, tsPath: serverTime ? '' : tsPath, values: raw });
  }

  private flat(root: Record<string, unknown>): void {
    if (Object.hasOwn(root, 'units')) {
      this.reject('payload.shape', 'units', 'is only allowed next to "values": send {"ts": ..., "values": {...}, "units": {...}}', 0);
      return;
    }
    let ts = this.receivedAt;
    const serverTime = root.ts === undefined;
    if (!serverTime) {
      const parsed = this.jsonTime(root.ts, 'ts', 0);
      if (parsed === undefined) return;
      ts = parsed;
    }
    const raw: RawValue[] = [];
    for (const name in root) {
      if (name === 'ts') continue;
      raw.push({ name, value: root[name], unit: undefined, path: joinPath('', name), unitPath: '' });
    }
    if (raw.length === 0) {
      this.reject('reading.no_values', '', 'has no values; send {"ts": ..., "values": {"param": number}} or {"param": number}', 0);
      return;
    }
    this.readings.push({ readingIndex: 0, path: '', ts, serverTime, tsPath: serverTime ? '' : 'ts', values: raw });
  }

  /** epoch ms from a JSON `ts` (number in ms, or ISO 8601 with a zone); undefined after a rejection */
  private jsonTime(value: unknown, path: string, index: number): number | undefined {
    if (typeof value === 'number') {
      if (!Number.isFinite(value) || value < 0) {
        this.reject('reading.ts_invalid', path, `${value} is not a time; send epoch milliseconds or an ISO 8601 string`, index);
        return undefined;
      }
      if (value < SECONDS_LIKE_BELOW) {
        this.reject(
          'reading.ts_invalid',
          path,
          `${value} looks like seconds since 1970, but ts is epoch milliseconds; multiply by 1000 (or send an ISO 8601 string)`,
          index,
        );
        return undefined;
      }
      if (value > SUBMILLI_LIKE_ABOVE) {
        this.reject('reading.ts_invalid', path, `${value} looks like micro- or nanoseconds; ts is epoch milliseconds`, index);
        return undefined;
      }
      return Math.round(value);
    }
    if (typeof value === 'string') {
      const ms = parseIsoTimestamp(value);
      if (ms === undefined) {
        this.reject(
          'reading.ts_invalid',
          path,
          `${showKey(value)} is not an ISO 8601 time with a zone; send e.g. "2025-02-10T13:00:00+07:00" or "2025-02-10T06:00:00Z", or epoch milliseconds`,
          index,
        );
      }
      return ms;
    }
    this.reject('reading.ts_invalid', path, `is ${typeName(value)}; send epoch milliseconds (number) or an ISO 8601 string, or leave ts out to use the receive time`, index);
    return undefined;
  }

  private senml(records: unknown[]): void {
    if (records.length === 0) {
      this.reject('reading.no_values', '', 'is an empty SenML pack; send at least one record');
      return;
    }
    // must-understand fields (RFC 8428 §12.3.1) and the version apply to the whole pack
    for (let i = 0; i < records.length; i++) {
      const record: unknown = records[i];
      if (!isPlainObject(record)) continue;
      for (const key in record) {
        if (key.endsWith('_')) {
          this.reject('payload.shape', joinPath(`[${i}]`, key), 'is a must-understand SenML field (ends in "_") that this platform does not support; the pack is rejected');
          return;
        }
      }
      const bver = record.bver;
      if (bver !== undefined && !(typeof bver === 'number' && Number.isInteger(bver) && bver > 0)) {
        this.reject('payload.shape', `[${i}].bver`, `must be a positive integer, got ${showValue(bver)}`);
        return;
      }
    }

    const groups = new Map<number, RawReading>();
    let bn = '';
    let bt = 0;
    let btPath = '';
    let bu: unknown = undefined;
    let buPath = '';
    let bv = 0;
    let bs = 0;
    for (let i = 0; i < records.length; i++) {
      const record: unknown = records[i];
      const path = `[${i}]`;
      if (!isPlainObject(record)) {
        this.reject('payload.shape', path, `must be a SenML record object, got ${typeName(record)}`);
        continue;
      }
      const baseError = senmlBaseError(record);
      if (baseError !== undefined) {
        this.reject('payload.shape', `${path}.${baseError.field}`, baseError.message);
        continue;
      }
      if (record.bn !== undefined) bn = record.bn as string;
      if (record.bt !== undefined) {
        bt = record.bt as number;
        btPath = `${path}.bt`;
      }
      if (record.bu !== undefined) {
        bu = record.bu;
        buPath = `${path}.bu`;
      }
      if (record.bv !== undefined) bv = record.bv as number;
      if (record.bs !== undefined) bs = record.bs as number;

      let valueFields = 0;
      let value: unknown = undefined;
      let valuePath = '';
      if (record.v !== undefined) {
        valueFields++;
        value = typeof record.v === 'number' ? bv + record.v : record.v;
        valuePath = `${path}.v`;
      }
      if (record.vb !== undefined) {
        valueFields++;
        value = record.vb;
        valuePath = `${path}.vb`;
      }
      if (record.vs !== undefined) {
        valueFields++;
        value = record.vs;
        valuePath = `${path}.vs`;
      }
      if (record.vd !== undefined) {
        valueFields++;
        value = record.vd;
        valuePath = `${path}.vd`;
      }
      if (valueFields === 0 && record.s !== undefined) {
        value = typeof record.s === 'number' ? bs + record.s : record.s;
        valuePath = `${path}.s`;
        valueFields = 1;
      }
      if (valueFields === 0) {
        // a record carrying only base fields (bn, bt, bver, ...) is a header, not a measurement
        if (record.n === undefined) continue;
        this.reject('payload.shape', path, 'has a name but no value; give it one of v, vb or s');
        continue;
      }
      if (valueFields > 1) {
        this.reject('payload.shape', path, 'has more than one of v, vb, vs, vd; a SenML record carries exactly one value');
        continue;
      }
      const n = record.n;
      if (n !== undefined && typeof n !== 'string') {
        this.reject('payload.shape', `${path}.n`, `must be a string, got ${typeName(n)}`);
        continue;
      }
      const name = senmlParameter(bn, n ?? '');
      if (name === '') {
        this.reject('payload.shape', path, `has no parameter name (bn + n = ${showKey(bn + (n ?? ''))}); set n to the parameter, e.g. "pm25"`);
        continue;
      }
      const t = record.t;
      if (t !== undefined && typeof t !== 'number') {
        this.reject('reading.ts_invalid', `${path}.t`, `must be a number of seconds, got ${typeName(t)}`);
        continue;
      }
      const seconds = bt + (t ?? 0);
      let ts: number;
      let serverTime: boolean;
      if (!Number.isFinite(seconds)) {
        this.reject('reading.ts_invalid', path, `bt + t = ${seconds} is not a time; SenML times are seconds since 1970`);
        continue;
      }
      if (seconds >= SENML_RELATIVE_BELOW) {
        if (seconds > SECONDS_LIKE_BELOW) {
          this.reject('reading.ts_invalid', path, `bt + t = ${seconds} looks like milliseconds; SenML times are seconds (divide by 1000)`);
          continue;
        }
        ts = Math.round(seconds * 1000);
        serverTime = false;
      } else {
        ts = this.receivedAt + Math.round(seconds * 1000);
        serverTime = true;
      }
      // the half keeps receive-time groups apart from device-time groups of the same millisecond
      const key = serverTime ? ts + 0.5 : ts;
      let reading = groups.get(key);
      if (!reading) {
        if (groups.size === MAX_BATCH_READINGS) {
          // the whole pack is refused: one rejection for it instead of the records seen so far
          this.rejections.length = 0;
          this.reject('batch.too_many', '', `SenML pack has more than ${MAX_BATCH_READINGS} distinct times; send it in several messages`);
          return;
        }
        reading = { readingIndex: groups.size, path, ts, serverTime, tsPath: record.t !== undefined ? `${path}.t` : btPath, values: [] };
        groups.set(key, reading);
      }
      const unit = record.u !== undefined ? record.u : bu;
      reading.values.push({ name, value, unit, path: valuePath, unitPath: record.u !== undefined ? `${path}.u` : buPath });
    }
    for (const reading of groups.values()) this.readings.push(reading);
  }
}

const SENML_BASE_FIELDS: ReadonlyArray<readonly [string, 'string' | 'number']> = [
  ['bn', 'string'],
  ['bt', 'number'],
  ['bu', 'string'],
  ['bv', 'number'],
  ['bs', 'number'],
];

function senmlBaseError(record: Record<string, unknown>): { field: string; message: string } | undefined {
  for (const [field, type] of SENML_BASE_FIELDS) {
    const value = record[field];
    if (value === undefined) continue;
    if (typeof value !== type || (type === 'number' && !Number.isFinite(value as number))) {
      return { field, message: `must be a ${type === 'number' ? 'finite number' : 'string'}, got ${showValue(value)}` };
    }
  }
  return undefined;
}

/** the part of bn + n after the last ':' or '/' (bn 'urn:dev:id:x:' + n 'pm25' -> 'pm25') */
function senmlParameter(bn: string, n: string): string {
  const full = bn + n;
  let start = 0;
  for (let i = full.length - 1; i >= 0; i--) {
    const ch = full.charCodeAt(i);
    if (ch === 58 /* : */ || ch === 47 /* / */) {
      start = i + 1;
      break;
    }
  }
  return start === 0 ? full : full.slice(start);
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch !== 32 && ch !== 9 && ch !== 10 && ch !== 13) return false;
  }
  return true;
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch < 0x80) bytes += 1;
    else if (ch < 0x800) bytes += 2;
    else if (ch >= 0xd800 && ch <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Epoch ms of an ISO 8601 / RFC 3339 date-time with a zone ('2025-02-10T13:00:00+07:00',
 * '2025-02-10T06:00:00.123Z'), or undefined. Parsed by hand: Date.parse accepts other,
 * implementation-defined forms and reads zone-less times in the server's zone.
 */
export function parseIsoTimestamp(text: string): number | undefined {
  if (text.length > ISO_MAX_LENGTH) return undefined;
  const m = ISO_8601.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const fraction = m[7] === undefined ? 0 : Math.round(Number(`0.${m[7]}`) * 1000);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  // second 60: a leap second, read as the next second like Date does
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const offsetHours = Number(m[10]);
    const offsetMins = Number(m[11]);
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const utc =
    year < 100
      ? Date.UTC(year + 400, month - 1, day, hour, minute, second, fraction) - GREGORIAN_CYCLE_MS
      : Date.UTC(year, month - 1, day, hour, minute, second, fraction);
  return utc - offsetMinutes * 60_000;
}

/**
 * Decode a payload into raw readings. Never throws for any payload; every part it cannot use
 * yields one Rejection.
 */
export function decodePayload(payload: Uint8Array | string, opts: PayloadOptions): DecodedPayload {
  const decoder = new Decoder(opts.receivedAt);
  const text = decoder.text(payload, opts.maxBytes ?? DEFAULT_MAX_BYTES);
  if (text !== undefined) {
    const root = decoder.parse(text);
    if (decoder.rejections.length === 0) decoder.root(root);
  }
  return { format: decoder.format, readings: decoder.readings, rejections: decoder.rejections };
}

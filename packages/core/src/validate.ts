import { CATALOG, type ParameterSpec } from './catalog.ts';
import { joinPath, showKey, showValue } from './json-path.ts';
import { DEFAULT_MAX_BYTES, decodePayload, type RawValue, type Rejection, type RejectionCode } from './payload.ts';
import { DOMAINS, isDomain, type Domain } from './types.ts';
import { convert, normalizeUnit } from './units.ts';

/**
 * The single entry point of ingest: payload bytes in, readings in canonical units and one
 * Rejection per rejected part out. Partial acceptance: a bad value is dropped alone, a bad reading
 * of a batch is dropped alone, a reading left without values is not emitted. Never throws.
 */

export interface DecodeOptions {
  /** epoch ms */
  receivedAt: number;
  /** default 262144 */
  maxBytes?: number;
  /** default 5 min: readings further in the future are rejected */
  maxFutureMs?: number;
  /** default 400 days: older readings rejected (backfill needs ~a year) */
  maxAgeMs?: number;
}

export interface DecodedReading {
  /** epoch ms */
  ts: number;
  /** parameter -> value in the catalog's canonical unit (booleans as 0/1) */
  values: Record<string, number>;
  /** true when ts is the server's receive time (the payload gave none, or a SenML time relative to now) */
  serverTime: boolean;
}

export interface DecodeResult {
  readings: DecodedReading[];
  rejections: Rejection[];
}

export const DEFAULT_MAX_FUTURE_MS = 5 * 60_000;
export const DEFAULT_MAX_AGE_MS = 400 * 86_400_000;

interface Compiled {
  spec: ParameterSpec;
  accepted: ReadonlySet<string>;
  /** for messages: 'µg/m³, mg/m³' */
  acceptedList: string;
}

const COMPILED = new Map<Domain, Map<string, Compiled>>();
/** folded spelling (lower case, letters and digits only) -> catalog name, per domain; only for hints */
const HINTS = new Map<Domain, Map<string, string>>();
const KNOWN_LISTS = new Map<Domain, string>();
/** common names for catalog parameters (FIWARE spellings, abbreviations), folded; only for hints */
const HINT_ALIASES: Readonly<Record<string, string>> = {
  relativehumidity: 'humidity',
  rh: 'humidity',
  do: 'dissolvedOxygen',
  o2: 'dissolvedOxygen',
  temp: 'temperature',
  ec: 'conductivity',
  cargoweight: 'weight',
  power: 'activePower',
  energy: 'totalActiveEnergyImport',
  pf: 'powerFactor',
  filllevel: 'fillingLevel',
  level: 'waterLevel',
};

function fold(name: string): string {
  let out = '';
  for (let i = 0; i < name.length && i < 64; i++) {
    const ch = name[i]!.toLowerCase();
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) out += ch;
  }
  return out;
}

for (const domain of DOMAINS) {
  const compiled = new Map<string, Compiled>();
  const hints = new Map<string, string>();
  for (const spec of CATALOG) {
    if (!spec.domains.includes(domain)) continue;
    const accepted = new Set<string>();
    for (const u of spec.acceptedUnits) {
      const symbol = normalizeUnit(u);
      if (symbol === undefined) throw new Error(`catalog: ${spec.name} accepts unknown unit "${u}"`);
      accepted.add(symbol);
    }
    compiled.set(spec.name, { spec, accepted, acceptedList: spec.acceptedUnits.map((u) => (u === '' ? '(none)' : u)).join(', ') });
    hints.set(fold(spec.name), spec.name);
  }
  for (const [alias, name] of Object.entries(HINT_ALIASES)) if (compiled.has(name)) hints.set(alias, name);
  COMPILED.set(domain, compiled);
  HINTS.set(domain, hints);
  KNOWN_LISTS.set(domain, [...compiled.keys()].join(', '));
}

function withUnit(value: number, unit: string): string {
  return unit === '' ? String(value) : `${value} ${unit}`;
}

function showTime(ts: number): string {
  return Math.abs(ts) <= 8.64e15 ? new Date(ts).toISOString() : String(ts);
}

function showDuration(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 172_800_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} days`;
}

class Validator {
  readonly readings: DecodedReading[] = [];

  constructor(
    readonly domain: Domain,
    readonly params: Map<string, Compiled>,
    readonly rejections: Rejection[],
  ) {}

  reject(code: RejectionCode, path: string, message: string, readingIndex: number, param?: string): void {
    const rejection: Rejection = { code, message: `${path === '' ? 'payload' : path}: ${message}`, path, readingIndex };
    if (param !== undefined) rejection.param = param;
    this.rejections.push(rejection);
  }

  /** the value in the canonical unit, or undefined after a rejection */
  value(raw: RawValue, readingIndex: number): number | undefined {
    const compiled = this.params.get(raw.name);
    if (compiled === undefined) {
      this.reject('value.unknown_parameter', raw.path, this.unknownParameter(raw.name), readingIndex, raw.name.length <= 64 ? raw.name : undefined);
      return undefined;
    }
    const spec = compiled.spec;
    const name = spec.name;
    let value: number;
    const sent = raw.value;
    if (spec.kind === 'boolean') {
      if (sent === true || sent === 1) value = 1;
      else if (sent === false || sent === 0) value = 0;
      else {
        this.reject('value.wrong_type', raw.path, `${name} is true/false (or 1/0), got ${showValue(sent)}`, readingIndex, name);
        return undefined;
      }
    } else if (typeof sent === 'number') {
      if (!Number.isFinite(sent)) {
        this.reject('value.not_finite', raw.path, `${name} is ${sent}, not a finite number; send a measured value or leave ${name} out`, readingIndex, name);
        return undefined;
      }
      value = sent;
    } else {
      const hint =
        typeof sent === 'string' && sent.trim() !== '' && Number.isFinite(Number(sent))
          ? `send ${sent.trim()} as a JSON number, without quotes`
          : sent === null
            ? `leave ${name} out when there is no measurement`
            : `send a JSON number in ${compiled.acceptedList}`;
      this.reject('value.wrong_type', raw.path, `${name} must be a number, got ${describeSent(sent)}; ${hint}`, readingIndex, name);
      return undefined;
    }

    if (raw.unit !== undefined) {
      if (typeof raw.unit !== 'string') {
        this.reject('value.unknown_unit', raw.unitPath, `the unit of ${name} must be a string such as "${spec.unit}", got ${showValue(raw.unit)}`, readingIndex, name);
        return undefined;
      }
      const symbol = normalizeUnit(raw.unit);
      if (symbol === undefined || !compiled.accepted.has(symbol)) {
        const problem = symbol === undefined ? 'is not a unit this platform knows' : `does not apply to ${name}`;
        this.reject('value.unknown_unit', raw.unitPath, `${showKey(raw.unit)} ${problem}; declare one of ${compiled.acceptedList}, or no unit to mean ${spec.unit === '' ? 'true/false' : spec.unit}`, readingIndex, name);
        return undefined;
      }
      if (symbol !== spec.unit) {
        const converted = convert(value, symbol, spec.unit, name);
        if (!Number.isFinite(converted)) {
          this.reject('value.not_finite', raw.path, `${withUnit(value, symbol)} is ${converted} in ${spec.unit}; send a measured value`, readingIndex, name);
          return undefined;
        }
        if (converted < spec.range.min || converted > spec.range.max) {
          this.outOfRange(raw.path, spec, converted, ` (sent as ${withUnit(value, symbol)})`, readingIndex);
          return undefined;
        }
        return converted + 0;
      }
    }
    if (value < spec.range.min || value > spec.range.max) {
      this.outOfRange(raw.path, spec, value, '', readingIndex);
      return undefined;
    }
    // + 0 turns -0 into 0
    return value + 0;
  }

  private outOfRange(path: string, spec: ParameterSpec, value: number, sentAs: string, readingIndex: number): void {
    this.reject(
      'value.out_of_range',
      path,
      `${spec.name} ${withUnit(value, spec.unit)}${sentAs} is outside the plausible range ${spec.range.min} to ${withUnit(spec.range.max, spec.unit)}; check the sensor, its calibration and the unit sent`,
      readingIndex,
      spec.name,
    );
  }

  private unknownParameter(name: string): string {
    const hint = HINTS.get(this.domain)?.get(fold(name));
    let elsewhere: Domain | undefined;
    for (const domain of DOMAINS) {
      if (domain !== this.domain && COMPILED.get(domain)?.has(name)) {
        elsewhere = domain;
        break;
      }
    }
    const where = elsewhere ? `; it is a${elsewhere === 'air' || elsewhere === 'energy' ? 'n' : ''} ${elsewhere} parameter, but this device sends ${this.domain} telemetry` : '';
    const suggestion = hint !== undefined ? `; did you mean "${hint}"?` : '';
    return `${showKey(name)} is not a${this.domain === 'air' || this.domain === 'energy' ? 'n' : ''} ${this.domain} parameter${where}${suggestion} Known ${this.domain} parameters (case-sensitive): ${KNOWN_LISTS.get(this.domain)}`;
  }
}

function describeSent(value: unknown): string {
  if (typeof value === 'string') return `the string ${showKey(value)}`;
  return showValue(value);
}

function optionsProblem(domain: unknown, opts: DecodeOptions): string | undefined {
  if (!isDomain(domain)) return `domain ${showValue(domain)} is not one of ${DOMAINS.join(', ')}`;
  if (typeof opts !== 'object' || opts === null) return 'options must be an object with receivedAt';
  if (typeof opts.receivedAt !== 'number' || !Number.isFinite(opts.receivedAt)) return `receivedAt must be epoch milliseconds, got ${showValue(opts.receivedAt)}`;
  // called once per message: no arrays built to check three options
  return limitProblem('maxBytes', opts.maxBytes) ?? limitProblem('maxFutureMs', opts.maxFutureMs) ?? limitProblem('maxAgeMs', opts.maxAgeMs);
}

function limitProblem(name: string, value: unknown): string | undefined {
  if (value !== undefined && !(typeof value === 'number' && value >= 0 && !Number.isNaN(value))) return `${name} must be a number >= 0, got ${showValue(value)}`;
  return undefined;
}

function decode(domain: Domain, payload: Uint8Array | string, opts: DecodeOptions): DecodeResult {
  const problem = optionsProblem(domain, opts);
  if (problem !== undefined) {
    return { readings: [], rejections: [{ code: 'options.invalid', message: `decodeTelemetry called wrongly: ${problem}`, path: '' }] };
  }
  const receivedAt = opts.receivedAt;
  const decoded = decodePayload(payload, { receivedAt, maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES });
  const latest = receivedAt + (opts.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS);
  const earliest = receivedAt - (opts.maxAgeMs ?? DEFAULT_MAX_AGE_MS);
  const validator = new Validator(domain, COMPILED.get(domain)!, decoded.rejections);

  for (const raw of decoded.readings) {
    const index = raw.readingIndex;
    const tsPath = raw.tsPath !== '' ? raw.tsPath : joinPath(raw.path, 'ts');
    if (raw.ts > latest) {
      validator.reject(
        'reading.ts_future',
        tsPath,
        `${showTime(raw.ts)} is ${showDuration(raw.ts - receivedAt)} ahead of the server clock (${showTime(receivedAt)}; at most ${showDuration(latest - receivedAt)} allowed); fix the device clock (NTP) or leave ts out`,
        index,
      );
      continue;
    }
    if (raw.ts < earliest) {
      validator.reject(
        'reading.ts_too_old',
        tsPath,
        `${showTime(raw.ts)} is ${showDuration(receivedAt - raw.ts)} old, older than the ${showDuration(receivedAt - earliest)} accepted; check the device clock, or import old data through a backfill with a larger maxAgeMs`,
        index,
      );
      continue;
    }
    const values: Record<string, number> = {};
    let count = 0;
    for (const rawValue of raw.values) {
      const value = validator.value(rawValue, index);
      if (value === undefined) continue;
      const name = rawValue.name;
      if (values[name] !== undefined) {
        validator.reject('value.duplicate', rawValue.path, `${name} appears twice at the same time; the first value is kept, send each parameter once per reading`, index, name);
        continue;
      }
      values[name] = value;
      count++;
    }
    if (count > 0) validator.readings.push({ ts: raw.ts, values, serverTime: raw.serverTime });
  }
  return { readings: validator.readings, rejections: validator.rejections };
}

/**
 * Decode and validate one telemetry payload of a device of `domain`. Never throws: whatever the
 * input, the result holds the valid readings (canonical units) and one Rejection per rejected part.
 */
export function decodeTelemetry(domain: Domain, payload: Uint8Array | string, opts: DecodeOptions): DecodeResult {
  try {
    return decode(domain, payload, opts);
  } catch (err) {
    // a bug, not bad input: the payload goes to the dead letters whole, with the error to report
    const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return {
      readings: [],
      rejections: [{ code: 'decode.internal_error', message: `payload: the decoder failed (${detail.slice(0, 200)}); this is a bug, please report it with the payload`, path: '' }],
    };
  }
}

import { getParameter, type Domain, type RejectionCode } from '@mueang/core';
import { SimInputError, show } from './errors.ts';
import { Rng } from './rng.ts';
import type { SimDevice } from './types.ts';

/**
 * Injected faults. Each fault is chosen per scheduled reading by a rate (chance) or a schedule
 * (every n-th reading of a device), changes what the device sends (or whether it sends), and is
 * recorded with what ingest should make of it, so a test can check the dead letters.
 */
export const FAULT_KINDS = ['dropout', 'spike', 'stuck', 'out_of_range', 'malformed', 'bad_credentials'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const MALFORMED_VARIANTS = ['broken_json', 'wrong_type', 'unknown_param', 'nan_string', 'future_ts'] as const;
export type MalformedVariant = (typeof MALFORMED_VARIANTS)[number];

export interface FaultSpec {
  kind: FaultKind;
  /** chance per scheduled reading that the fault starts (0-1) */
  rate?: number;
  /** or: every n-th reading of each device (devices are staggered) */
  every?: number;
  /** dropout and stuck: how many readings the fault lasts (default 5) */
  readings?: number;
  /** malformed: which variants to pick from (default all) */
  variants?: MalformedVariant[];
  /** only these devices (default all) */
  devices?: string[];
}

/** what ingest should make of a fault */
export type ExpectedOutcome =
  /** a dead letter with this reason code (for one parameter when `param` is set) */
  | { outcome: 'dead_letter'; code: RejectionCode; param?: string }
  /** stored like any reading (spike, stuck: plausible values only analytics can catch) */
  | { outcome: 'accepted' }
  /** nothing arrives (dropout) */
  | { outcome: 'silence' }
  /** the broker refuses the connection (CONNACK 4 or 5) */
  | { outcome: 'connection_refused' };

export interface InjectedFault {
  kind: FaultKind;
  variant?: MalformedVariant;
  deviceId: string;
  /** sim time of the reading concerned */
  ts: number;
  /** the parameter changed, when one was */
  param?: string;
  /** the value sent for that parameter (spike, stuck, out of range) */
  value?: unknown;
  topic?: string;
  /** the payload as sent (malformed) */
  payload?: string;
  expected: ExpectedOutcome;
  /** set by the runner: the broker acknowledged the message (PUBACK), or refused the impostor's login */
  acked?: boolean;
  /** bad_credentials: what the broker did with the wrong secret */
  observed?: 'refused' | 'accepted' | 'error';
}

/**
 * Dead-letter reason codes of decodeTelemetry (@mueang/core) that each fault must cause.
 * Kept in one place so that a change in the decoder's codes is one edit here.
 */
export const EXPECTED_CODES = {
  brokenJson: 'payload.malformed_json',
  wrongType: 'value.wrong_type',
  unknownParam: 'value.unknown_parameter',
  // "NaN" arrives as a string, not as a number that is not finite
  nanString: 'value.wrong_type',
  futureTs: 'reading.ts_future',
  outOfRange: 'value.out_of_range',
} as const satisfies Record<string, RejectionCode>;

/** what the runner does with one scheduled reading */
export type FaultAction =
  | { type: 'normal' }
  /** send these canonical values instead (spike, stuck) */
  | { type: 'values'; values: Record<string, number>; fault: InjectedFault }
  /** send these values, one of them implausible: the parameter is rejected, the rest stored */
  | { type: 'out_of_range'; values: Record<string, unknown>; rejected: string; fault: InjectedFault }
  /** send this payload (malformed); `accepted` are the values ingest should still store */
  | { type: 'raw'; payload: string; accepted: Record<string, number> | null; fault: InjectedFault }
  | { type: 'skip'; fault: InjectedFault | null }
  /** send normally, and also attempt a connection with a wrong secret */
  | { type: 'bad_login'; fault: InjectedFault };

/** the parameter a fault touches first in each domain, and the spike factor range */
const PRIMARY: Record<Domain, string> = { air: 'pm25', water: 'dissolvedOxygen', energy: 'activePower', waste: 'fillingLevel' };
const SPIKY: Record<Domain, string[]> = {
  air: ['pm25', 'pm10', 'no2', 'co'],
  water: ['turbidity', 'conductivity', 'bod'],
  energy: ['activePower', 'current'],
  waste: ['temperature', 'weight'],
};
/** values far outside any plausible range, by parameter (negative where the quantity cannot be) */
const IMPLAUSIBLE: Record<Domain, Array<[string, number]>> = {
  air: [['pm25', -25], ['pm10', 99_999], ['humidity', 180], ['temperature', 95]],
  water: [['pH', 15.5], ['dissolvedOxygen', -3], ['temperature', 120]],
  energy: [['voltage', 9_999], ['powerFactor', 1.8]],
  waste: [['fillingLevel', 250], ['weight', -40]],
};
const FUTURE_MS = 3 * 24 * 3_600_000;

export function validateFaults(specs: unknown): FaultSpec[] {
  if (!Array.isArray(specs)) throw new SimInputError('faults', `expected a list of fault specs, got ${show(specs)}`);
  return specs.map((raw, i) => {
    const field = `faults[${i}]`;
    const s = raw as Partial<FaultSpec> | null;
    if (typeof s !== 'object' || s === null) throw new SimInputError(field, `expected { kind, rate | every }, got ${show(raw)}`);
    if (!FAULT_KINDS.includes(s.kind as FaultKind)) {
      throw new SimInputError(`${field}.kind`, `${show(s.kind)} is not a fault; use one of ${FAULT_KINDS.join(', ')}`);
    }
    if (s.rate === undefined && s.every === undefined) throw new SimInputError(field, `give a rate (0-1) or every (n-th reading) for ${s.kind}`);
    if (s.rate !== undefined && (typeof s.rate !== 'number' || !(s.rate >= 0 && s.rate <= 1))) {
      throw new SimInputError(`${field}.rate`, `expected a chance from 0 to 1, got ${show(s.rate)}`);
    }
    if (s.every !== undefined && (!Number.isInteger(s.every) || s.every < 1)) {
      throw new SimInputError(`${field}.every`, `expected a whole number of readings (1 or more), got ${show(s.every)}`);
    }
    if (s.readings !== undefined && (!Number.isInteger(s.readings) || s.readings < 1)) {
      throw new SimInputError(`${field}.readings`, `expected a whole number of readings (1 or more), got ${show(s.readings)}`);
    }
    if (s.variants !== undefined) {
      if (!Array.isArray(s.variants) || s.variants.length === 0 || s.variants.some((v) => !MALFORMED_VARIANTS.includes(v))) {
        throw new SimInputError(`${field}.variants`, `expected some of ${MALFORMED_VARIANTS.join(', ')}, got ${show(s.variants)}`);
      }
    }
    if (s.devices !== undefined && (!Array.isArray(s.devices) || s.devices.some((d) => typeof d !== 'string'))) {
      throw new SimInputError(`${field}.devices`, `expected a list of device ids, got ${show(s.devices)}`);
    }
    return { ...s } as FaultSpec;
  });
}

interface DeviceFaultState {
  count: number;
  /** position of the device in the fleet, staggers `every` schedules */
  offset: number;
  dropoutLeft: number;
  stuckLeft: number;
  stuck: { param: string; value: number } | null;
  rng: Rng;
}

/**
 * Decides per scheduled reading which fault (if any) hits it. Its randomness is separate from
 * the patterns', so turning faults on does not change the clean values.
 */
export class FaultInjector {
  private readonly specs: FaultSpec[];
  private readonly devices = new Map<string, DeviceFaultState>();

  constructor(
    specs: FaultSpec[],
    private readonly seed: number,
  ) {
    this.specs = validateFaults(specs);
  }

  get enabled(): boolean {
    return this.specs.length > 0;
  }

  private stateOf(device: SimDevice): DeviceFaultState {
    let s = this.devices.get(device.id);
    if (!s) {
      s = { count: 0, offset: this.devices.size, dropoutLeft: 0, stuckLeft: 0, stuck: null, rng: new Rng(`${this.seed}/faults/${device.id}`) };
      this.devices.set(device.id, s);
    }
    return s;
  }

  /** the fault for this reading; `values` are the device's clean canonical values at ts */
  decide(device: SimDevice, ts: number, values: Record<string, number>, topic: string): FaultAction {
    if (!this.enabled) return { type: 'normal' };
    const s = this.stateOf(device);
    s.count++;
    if (s.dropoutLeft > 0) {
      s.dropoutLeft--;
      return { type: 'skip', fault: null };
    }
    if (s.stuckLeft > 0 && s.stuck && s.stuck.param in values) {
      s.stuckLeft--;
      const stuckValues = { ...values, [s.stuck.param]: s.stuck.value };
      return { type: 'values', values: stuckValues, fault: this.fault(device, 'stuck', ts, topic, { param: s.stuck.param, value: s.stuck.value, expected: { outcome: 'accepted' } }) };
    }
    for (const spec of this.specs) {
      if (spec.devices && !spec.devices.includes(device.id)) continue;
      const due = spec.every !== undefined ? (s.count + s.offset) % spec.every === 0 : s.rng.chance(spec.rate ?? 0);
      if (due) return this.inject(spec, device, s, ts, values, topic);
    }
    return { type: 'normal' };
  }

  private inject(spec: FaultSpec, device: SimDevice, s: DeviceFaultState, ts: number, values: Record<string, number>, topic: string): FaultAction {
    switch (spec.kind) {
      case 'dropout': {
        s.dropoutLeft = (spec.readings ?? 5) - 1;
        return { type: 'skip', fault: this.fault(device, 'dropout', ts, topic, { expected: { outcome: 'silence' } }) };
      }
      case 'stuck': {
        const param = PRIMARY[device.domain];
        const value = values[param];
        if (value === undefined) return { type: 'normal' };
        s.stuck = { param, value };
        s.stuckLeft = (spec.readings ?? 5) - 1;
        return { type: 'values', values, fault: this.fault(device, 'stuck', ts, topic, { param, value, expected: { outcome: 'accepted' } }) };
      }
      case 'spike': {
        const candidates = SPIKY[device.domain].filter((p) => values[p] !== undefined);
        if (candidates.length === 0) return { type: 'normal' };
        const param = s.rng.pick(candidates);
        // a spike is implausible to a person, not to the range check: it must still be stored
        const ceiling = (getParameter(device.domain, param)?.range.max ?? Infinity) * 0.9;
        const value = roundLike(Math.min(ceiling, values[param]! * s.rng.range(3, 6)), values[param]!);
        return { type: 'values', values: { ...values, [param]: value }, fault: this.fault(device, 'spike', ts, topic, { param, value, expected: { outcome: 'accepted' } }) };
      }
      case 'out_of_range': {
        const [param, value] = s.rng.pick(IMPLAUSIBLE[device.domain]);
        const sent: Record<string, unknown> = { ...values, [param]: value };
        const fault = this.fault(device, 'out_of_range', ts, topic, { param, value, expected: { outcome: 'dead_letter', code: EXPECTED_CODES.outOfRange, param } });
        return { type: 'out_of_range', values: sent, rejected: param, fault };
      }
      case 'malformed':
        return this.malformed(spec, device, s, ts, values, topic);
      case 'bad_credentials':
        return { type: 'bad_login', fault: this.fault(device, 'bad_credentials', ts, topic, { expected: { outcome: 'connection_refused' } }) };
    }
  }

  private malformed(spec: FaultSpec, device: SimDevice, s: DeviceFaultState, ts: number, values: Record<string, number>, topic: string): FaultAction {
    const variant = s.rng.pick(spec.variants ?? MALFORMED_VARIANTS);
    const param = PRIMARY[device.domain];
    const rest = withoutParam(values, param);
    let payload: string;
    let accepted: Record<string, number> | null = null;
    let expected: ExpectedOutcome;
    switch (variant) {
      case 'broken_json': {
        const whole = JSON.stringify({ ts, values });
        payload = whole.slice(0, Math.max(5, Math.floor(whole.length * 0.6)));
        expected = { outcome: 'dead_letter', code: EXPECTED_CODES.brokenJson };
        break;
      }
      case 'wrong_type':
        payload = JSON.stringify({ ts, values: { ...rest, [param]: { reading: values[param] } } });
        accepted = rest;
        expected = { outcome: 'dead_letter', code: EXPECTED_CODES.wrongType, param };
        break;
      case 'nan_string':
        payload = JSON.stringify({ ts, values: { ...rest, [param]: 'NaN' } });
        accepted = rest;
        expected = { outcome: 'dead_letter', code: EXPECTED_CODES.nanString, param };
        break;
      case 'unknown_param':
        payload = JSON.stringify({ ts, values: { ...values, radiation: 0.12 } });
        accepted = values;
        expected = { outcome: 'dead_letter', code: EXPECTED_CODES.unknownParam, param: 'radiation' };
        break;
      case 'future_ts':
        payload = JSON.stringify({ ts: ts + FUTURE_MS, values });
        expected = { outcome: 'dead_letter', code: EXPECTED_CODES.futureTs };
        break;
    }
    return { type: 'raw', payload, accepted, fault: this.fault(device, 'malformed', ts, topic, { variant, payload, expected, ...(expected.outcome === 'dead_letter' && expected.param ? { param: expected.param } : {}) }) };
  }

  private fault(device: SimDevice, kind: FaultKind, ts: number, topic: string, extra: Partial<InjectedFault> & { expected: ExpectedOutcome }): InjectedFault {
    return { kind, deviceId: device.id, ts, topic, ...extra };
  }
}

function withoutParam(values: Record<string, number>, param: string): Record<string, number> {
  const { [param]: _removed, ...rest } = values;
  return rest;
}

/** keep the number of decimals of the original value */
function roundLike(value: number, like: number): number {
  const decimals = (String(like).split('.')[1] ?? '').length;
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** parse 'stuck,spike:0.05,malformed:every=20,dropout:0.01:readings=10' (CLI form) */
export function parseFaultList(text: string): FaultSpec[] {
  const specs: FaultSpec[] = [];
  for (const item of text.split(',').map((x) => x.trim()).filter(Boolean)) {
    const [kind, ...options] = item.split(':');
    const spec: Partial<FaultSpec> & Record<string, unknown> = { kind: kind as FaultKind };
    for (const option of options) {
      const [key, value] = option.includes('=') ? option.split('=', 2) : ['rate', option];
      const n = Number(value);
      if (key === 'rate' || key === 'every' || key === 'readings') {
        if (value === undefined || value === '' || !Number.isFinite(n)) throw new SimInputError(`--faults ${item}`, `${key} must be a number, got ${show(value)}`);
        spec[key] = n;
      } else if (key === 'variants') {
        spec.variants = (value ?? '').split('+') as MalformedVariant[];
      } else {
        throw new SimInputError(`--faults ${item}`, `unknown option ${show(key)}; use rate, every, readings or variants (malformed)`);
      }
    }
    if (spec.rate === undefined && spec.every === undefined) spec.rate = DEFAULT_RATES[spec.kind as FaultKind] ?? 0.02;
    specs.push(spec as FaultSpec);
  }
  return validateFaults(specs);
}

const DEFAULT_RATES: Record<FaultKind, number> = {
  dropout: 0.01,
  spike: 0.02,
  stuck: 0.01,
  out_of_range: 0.02,
  malformed: 0.02,
  bad_credentials: 0.005,
};

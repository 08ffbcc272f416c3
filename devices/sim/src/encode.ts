import { convert, getParameter } from '@mueang/core';
import type { SimDevice } from './types.ts';

/**
 * Payloads as devices send them (DESIGN.md): {"ts", "values"} JSON, the batch form
 * {"readings": [...]}, or SenML (RFC 8428). A device that declares another unit for a parameter
 * sends the value converted into it; `stored` is what ingest should keep after converting back,
 * computed with the same convert() ingest uses, so an end-to-end comparison can be exact.
 */

export interface Encoded {
  payload: string;
  /** per reading: the values ingest should store (canonical units; only finite numbers) */
  stored: Array<{ ts: number; values: Record<string, number> }>;
}

/** 9 significant digits: enough for a kWh counter with decimals, short enough to read */
function tidy(value: number): number {
  return Number(value.toPrecision(9));
}

interface Field {
  name: string;
  /** value as sent (declared unit when the device declares one) */
  sent: unknown;
  unit: string | undefined;
  /** value ingest should store, when the sent value is a valid number */
  stored: number | undefined;
}

function fields(device: SimDevice, values: Record<string, unknown>): Field[] {
  return Object.entries(values).map(([name, value]) => {
    // flags (lidOpen) travel as JSON true/false and are stored as 1/0
    if (getParameter(device.domain, name)?.kind === 'boolean' && (value === 0 || value === 1)) return { name, sent: value === 1, unit: undefined, stored: value };
    const unit = device.encoding.units[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) return { name, sent: value, unit: undefined, stored: undefined };
    if (unit === undefined) return { name, sent: value, unit: undefined, stored: value };
    const canonical = getParameter(device.domain, name)?.unit;
    if (canonical === undefined) return { name, sent: value, unit: undefined, stored: value };
    const sent = tidy(convert(value, canonical, unit, name));
    return { name, sent, unit, stored: convert(sent, unit, canonical, name) };
  });
}

function storedOf(fs: Field[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of fs) if (f.stored !== undefined) out[f.name] = f.stored;
  return out;
}

function jsonReading(ts: number, fs: Field[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const units: Record<string, string> = {};
  for (const f of fs) {
    values[f.name] = f.sent;
    if (f.unit !== undefined) units[f.name] = f.unit;
  }
  return Object.keys(units).length > 0 ? { ts, values, units } : { ts, values };
}

/** SenML records of one reading; the first reading of a pack carries the base name and time */
function senmlRecords(device: SimDevice, fs: Field[], base: { ts: number } | null, relativeSeconds: number): Array<Record<string, unknown>> {
  return fs.map((f, i) => {
    const record: Record<string, unknown> = {};
    if (base && i === 0) {
      record.bn = `${device.id}:`;
      record.bt = base.ts / 1000;
    }
    if (relativeSeconds !== 0) record.t = relativeSeconds;
    record.n = f.name;
    if (f.unit !== undefined) record.u = f.unit;
    if (typeof f.sent === 'boolean') record.vb = f.sent;
    else record.v = f.sent;
    return record;
  });
}

/** one reading; `values` may hold deliberately bad values (faults) */
export function encodeReading(device: SimDevice, ts: number, values: Record<string, unknown>): Encoded {
  const fs = fields(device, values);
  const payload = device.encoding.format === 'senml' ? JSON.stringify(senmlRecords(device, fs, { ts }, 0)) : JSON.stringify(jsonReading(ts, fs));
  return { payload, stored: [{ ts, values: storedOf(fs) }] };
}

/** several readings in one message (backfill, buffered devices) */
export function encodeBatch(device: SimDevice, readings: Array<{ ts: number; values: Record<string, unknown> }>): Encoded {
  const stored: Encoded['stored'] = [];
  if (device.encoding.format === 'senml') {
    const records: Array<Record<string, unknown>> = [];
    readings.forEach((r, i) => {
      const fs = fields(device, r.values);
      stored.push({ ts: r.ts, values: storedOf(fs) });
      // times after the first reading are relative to the base time bt
      records.push(...senmlRecords(device, fs, i === 0 ? { ts: r.ts } : null, (r.ts - readings[0]!.ts) / 1000));
    });
    return { payload: JSON.stringify(records), stored };
  }
  const out = readings.map((r) => {
    const fs = fields(device, r.values);
    stored.push({ ts: r.ts, values: storedOf(fs) });
    return jsonReading(r.ts, fs);
  });
  return { payload: JSON.stringify({ readings: out }), stored };
}

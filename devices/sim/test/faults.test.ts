import { decodeTelemetry } from '@mueang/core';
import { describe, expect, it } from 'vitest';
import { buildFleet, DEMO_FLEET_SPEC, deviceValues, encodeReading, FaultInjector, MALFORMED_VARIANTS, newPatternState, parseFaultList, Rng, SimInputError, type FaultAction } from '../src/index.ts';

const fleet = buildFleet(DEMO_FLEET_SPEC);
const now = Date.now();

/** run the injector over every device for `n` readings and collect what it decided */
function decisions(spec: Parameters<typeof parseFaultList>[0], n = 30): Array<{ action: FaultAction; domain: string; ts: number; clean: Record<string, number> }> {
  const injector = new FaultInjector(parseFaultList(spec), fleet.seed);
  const out = [];
  for (const device of fleet.devices) {
    const state = newPatternState();
    const rng = new Rng(device.id);
    for (let i = 0; i < n; i++) {
      const ts = now - (n - i) * 60_000;
      const clean = deviceValues(device, ts, state, rng);
      out.push({ action: injector.decide(device, ts, clean, `t/${device.id}`), domain: device.domain, ts, clean, device });
    }
  }
  return out;
}

describe('faults', () => {
  it('malformed payloads fail decodeTelemetry with the recorded code, and keep what they say is still good', () => {
    const seen = new Set<string>();
    for (const { action, domain } of decisions('malformed:every=3')) {
      if (action.type !== 'raw') continue;
      const fault = action.fault;
      seen.add(fault.variant!);
      expect(fault.payload).toBe(action.payload);
      expect(fault.expected.outcome).toBe('dead_letter');
      const result = decodeTelemetry(domain as 'air', action.payload, { receivedAt: now });
      const expected = fault.expected as { code: string; param?: string };
      expect(result.rejections.map((r) => ({ code: r.code, param: r.param }))).toEqual([{ code: expected.code, param: expected.param }]);
      expect(result.readings.map((r) => r.values)).toEqual(action.accepted ? [action.accepted] : []);
    }
    expect([...seen].sort()).toEqual([...MALFORMED_VARIANTS].sort());
  });

  it('out-of-range values are rejected for that parameter only', () => {
    let count = 0;
    for (const { action, ts } of decisions('out_of_range:every=4')) {
      if (action.type !== 'out_of_range') continue;
      count++;
      const device = fleet.devices.find((d) => d.id === action.fault.deviceId)!;
      const encoded = encodeReading(device, ts, action.values);
      const result = decodeTelemetry(device.domain, encoded.payload, { receivedAt: now });
      expect(result.rejections.map((r) => [r.code, r.param])).toEqual([['value.out_of_range', action.rejected]]);
      expect(result.readings).toHaveLength(1);
      expect(result.readings[0]!.values[action.rejected]).toBeUndefined();
      expect(Object.keys(result.readings[0]!.values).length).toBe(Object.keys(action.values).length - 1);
    }
    expect(count).toBeGreaterThan(fleet.devices.length);
  });

  it('spikes and stuck values are plausible (stored), stuck repeats one value, dropouts send nothing', () => {
    const spikes = decisions('spike:every=5');
    let spikeCount = 0;
    for (const { action, clean, ts } of spikes) {
      if (action.type !== 'values') continue;
      spikeCount++;
      const param = action.fault.param!;
      expect(action.values[param]).toBeGreaterThan(clean[param]!);
      const device = fleet.devices.find((d) => d.id === action.fault.deviceId)!;
      const result = decodeTelemetry(device.domain, encodeReading(device, ts, action.values).payload, { receivedAt: now });
      expect(result.rejections).toEqual([]);
    }
    expect(spikeCount).toBeGreaterThan(0);

    const stuck = decisions('stuck:every=10:readings=4').filter((d) => d.action.type === 'values');
    const byDevice = new Map<string, number[]>();
    for (const d of stuck) {
      const a = d.action as Extract<FaultAction, { type: 'values' }>;
      const list = byDevice.get(a.fault.deviceId) ?? [];
      list.push(a.values[a.fault.param!]!);
      byDevice.set(a.fault.deviceId, list);
    }
    for (const values of byDevice.values()) expect(new Set(values.slice(0, 4)).size).toBe(1);

    // each dropout silences 3 readings in a row (the last one may run past the end of the series)
    const n = 30;
    const dropouts = decisions('dropout:every=10:readings=3', n);
    let starts = 0;
    for (let d = 0; d < fleet.devices.length; d++) {
      const skips = dropouts.slice(d * n, (d + 1) * n).map((x) => x.action.type === 'skip');
      const runs = skips.join('').split('false').filter(Boolean).map((r) => r.split('true').length - 1);
      starts += runs.length;
      runs.slice(0, -1).forEach((length) => expect(length).toBe(3));
      if (skips.at(-1) !== true && runs.length > 0) expect(runs.at(-1)).toBe(3);
    }
    expect(starts).toBeGreaterThanOrEqual(2 * fleet.devices.length);
  });

  it('are reproducible for a seed', () => {
    const a = decisions('malformed:0.1,spike:0.1,dropout:0.05').map((d) => d.action);
    const b = decisions('malformed:0.1,spike:0.1,dropout:0.05').map((d) => d.action);
    expect(b).toEqual(a);
  });

  it('reject a bad fault list with a clear message', () => {
    expect(() => parseFaultList('lightning')).toThrow(SimInputError);
    expect(() => parseFaultList('lightning')).toThrow(/"lightning" is not a fault; use one of dropout, spike/);
    expect(() => parseFaultList('spike:2')).toThrow(/rate: expected a chance from 0 to 1/);
    expect(() => parseFaultList('spike:every=0')).toThrow(/every: expected a whole number/);
    expect(() => parseFaultList('malformed:variants=bogus')).toThrow(/variants: expected some of broken_json/);
    expect(() => parseFaultList('spike:often=1')).toThrow(/unknown option "often"/);
    expect(parseFaultList('stuck,spike:0.05,malformed:every=20')).toEqual([
      { kind: 'stuck', rate: 0.01 },
      { kind: 'spike', rate: 0.05 },
      { kind: 'malformed', every: 20 },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { decodeTelemetry, parseIsoTimestamp, type DecodeResult } from '../src/index.ts';

const NOW = Date.UTC(2025, 1, 10, 6, 0, 0); // 2025-02-10T06:00:00Z
const opts = { receivedAt: NOW };

function ok(result: DecodeResult): DecodeResult {
  expect(result.rejections).toEqual([]);
  return result;
}

describe('{ts, values} reading', () => {
  it('takes an epoch-ms ts and the values as sent in canonical units', () => {
    const ts = NOW - 60_000;
    const r = ok(decodeTelemetry('air', JSON.stringify({ ts, values: { pm25: 23.1, pm10: 41 } }), opts));
    expect(r.readings).toEqual([{ ts, values: { pm25: 23.1, pm10: 41 }, serverTime: false }]);
  });

  it('takes an ISO 8601 ts with a zone', () => {
    const r = ok(decodeTelemetry('air', '{"ts":"2025-02-10T12:30:00+07:00","values":{"pm25":10}}', opts));
    expect(r.readings[0]!.ts).toBe(Date.UTC(2025, 1, 10, 5, 30));
  });

  it('uses the receive time when ts is missing and says so', () => {
    const r = ok(decodeTelemetry('water', '{"values":{"pH":7.2}}', opts));
    expect(r.readings).toEqual([{ ts: NOW, values: { pH: 7.2 }, serverTime: true }]);
  });

  it('converts declared units once, to the canonical unit', () => {
    const payload = { ts: NOW, values: { pm25: 0.0231, no2: 188.18, co: 1000, temperature: 77 }, units: { pm25: 'mg/m3', no2: 'ug/m3', co: 'ppb', temperature: '°F' } };
    const r = ok(decodeTelemetry('air', JSON.stringify(payload), opts));
    const v = r.readings[0]!.values;
    expect(v.pm25).toBeCloseTo(23.1, 9);
    expect(v.no2).toBeCloseTo(100, 2);
    expect(v.co).toBe(1);
    expect(v.temperature).toBeCloseTo(25, 9);
  });

  it('accepts bytes (Buffer / Uint8Array) as well as strings, with a UTF-8 BOM', () => {
    const bytes = new TextEncoder().encode('\ufeff{"values":{"noise":55.5}}');
    const r = ok(decodeTelemetry('air', bytes, opts));
    expect(r.readings[0]!.values).toEqual({ noise: 55.5 });
    const buffer = Buffer.from('{"values":{"noise":60}}');
    expect(ok(decodeTelemetry('air', buffer, opts)).readings[0]!.values).toEqual({ noise: 60 });
  });

  it('stores booleans as 0/1 and FIWARE fractions as percent', () => {
    const r = ok(decodeTelemetry('waste', '{"values":{"lidOpen":true,"fillingLevel":0.85},"units":{"fillingLevel":"ratio"}}', opts));
    expect(r.readings[0]!.values).toEqual({ lidOpen: 1, fillingLevel: 85 });
    const r2 = ok(decodeTelemetry('waste', '{"values":{"lidOpen":0}}', opts));
    expect(r2.readings[0]!.values).toEqual({ lidOpen: 0 });
  });
});

describe('batch {readings: [...]}', () => {
  it('decodes every reading in order', () => {
    const readings = [0, 1, 2].map((i) => ({ ts: NOW - (3 - i) * 3_600_000, values: { activePower: 10 + i, voltage: 230 } }));
    const r = ok(decodeTelemetry('energy', JSON.stringify({ readings }), opts));
    expect(r.readings.map((x) => x.ts)).toEqual(readings.map((x) => x.ts));
    expect(r.readings[2]!.values).toEqual({ activePower: 12, voltage: 230 });
  });

  it('takes per-reading units and per-reading server time', () => {
    const r = ok(decodeTelemetry('energy', '{"readings":[{"values":{"activePower":1500},"units":{"activePower":"W"}},{"ts":"2025-02-10T05:00:00Z","values":{"activePower":2}}]}', opts));
    expect(r.readings).toEqual([
      { ts: NOW, values: { activePower: 1.5 }, serverTime: true },
      { ts: Date.UTC(2025, 1, 10, 5), values: { activePower: 2 }, serverTime: false },
    ]);
  });

  it('accepts 10,000 readings (a buffered day at 10 s) within the size limit', () => {
    const readings = Array.from({ length: 10_000 }, (_, i) => ({ ts: NOW - i * 10_000, values: { noise: 50 } }));
    const payload = JSON.stringify({ readings });
    const r = ok(decodeTelemetry('air', payload, { ...opts, maxBytes: payload.length }));
    expect(r.readings).toHaveLength(10_000);
  });
});

describe('SenML (RFC 8428)', () => {
  const bt = NOW / 1000;

  it('resolves base name, base time, relative times and units, and groups records by time', () => {
    const pack = [
      { bn: 'urn:dev:id:cnx-01:', bt, bu: 'ug/m3', n: 'pm25', v: 12.5 },
      { n: 'pm10', v: 30 },
      { n: 'temperature', u: 'Cel', v: 31 },
      { n: 'pm25', t: -60, v: 11 },
      { n: 'pm10', t: -60, v: 29 },
    ];
    const r = ok(decodeTelemetry('air', JSON.stringify(pack), opts));
    expect(r.readings).toEqual([
      { ts: NOW, values: { pm25: 12.5, pm10: 30, temperature: 31 }, serverTime: false },
      { ts: NOW - 60_000, values: { pm25: 11, pm10: 29 }, serverTime: false },
    ]);
  });

  it('takes fractional seconds to the millisecond', () => {
    const r = ok(decodeTelemetry('air', JSON.stringify([{ bn: 'd1/', bt: bt - 0.25, n: 'noise', v: 50 }]), opts));
    expect(r.readings[0]!.ts).toBe(NOW - 250);
  });

  it('uses the receive time when the record has no time, and times below 2^28 s as relative to now', () => {
    const r = ok(decodeTelemetry('water', '[{"n":"pH","v":7.1},{"n":"pH","t":-30,"v":7.0}]', opts));
    expect(r.readings).toEqual([
      { ts: NOW, values: { pH: 7.1 }, serverTime: true },
      { ts: NOW - 30_000, values: { pH: 7.0 }, serverTime: true },
    ]);
  });

  it('takes the name from the base name alone, bv/bs, vb, and SenML unit names', () => {
    const pack = [
      { bn: 'urn:dev:id:bin-7:fillingLevel', bt, v: 0.4, u: '/' },
      { bn: 'bin-7:', n: 'lidOpen', vb: false },
      { n: 'weight', bv: 100, v: 20.5, u: 'kg' },
      { n: 'temperature', u: 'Cel', bs: 0, s: 35 },
    ];
    const r = ok(decodeTelemetry('waste', JSON.stringify(pack), opts));
    expect(r.readings).toEqual([{ ts: NOW, values: { fillingLevel: 40, lidOpen: 0, weight: 120.5, temperature: 35 }, serverTime: false }]);
  });

  it('skips header records that carry only base fields', () => {
    const r = ok(decodeTelemetry('energy', JSON.stringify([{ bn: 'meter-1:', bt, bver: 10 }, { n: 'activePower', u: 'W', v: 2500 }]), opts));
    expect(r.readings[0]!.values).toEqual({ activePower: 2.5 });
  });

  it('decodes the payloads the simulator builds (bn "<id>:", bt in seconds, relative t)', () => {
    const t0 = NOW - 120_000;
    const pack = [
      { bn: 'air-bkk-02:', bt: t0 / 1000, n: 'pm25', v: 18.4 },
      { n: 'co', u: 'ppb', v: 450 },
      { t: 60, n: 'pm25', v: 19.1 },
      { t: 60, n: 'co', u: 'ppb', v: 470 },
    ];
    const r = ok(decodeTelemetry('air', JSON.stringify(pack), opts));
    expect(r.readings).toEqual([
      { ts: t0, values: { pm25: 18.4, co: 0.45 }, serverTime: false },
      { ts: t0 + 60_000, values: { pm25: 19.1, co: 0.47 }, serverTime: false },
    ]);
  });
});

describe('flat ThingsBoard style', () => {
  it('reads every key as a parameter with server time', () => {
    const r = ok(decodeTelemetry('air', '{"pm25": 23.1, "pm10": 41}', opts));
    expect(r.readings).toEqual([{ ts: NOW, values: { pm25: 23.1, pm10: 41 }, serverTime: true }]);
  });

  it('takes a ts key as the time', () => {
    const r = ok(decodeTelemetry('water', JSON.stringify({ ts: NOW - 5000, pH: 6.9, dissolvedOxygen: 5.5 }), opts));
    expect(r.readings).toEqual([{ ts: NOW - 5000, values: { pH: 6.9, dissolvedOxygen: 5.5 }, serverTime: false }]);
  });
});

describe('parseIsoTimestamp', () => {
  it.each([
    ['2025-02-10T06:00:00Z', Date.UTC(2025, 1, 10, 6)],
    ['2025-02-10T13:00:00+07:00', Date.UTC(2025, 1, 10, 6)],
    ['2025-02-10T13:00:00+0700', Date.UTC(2025, 1, 10, 6)],
    ['2025-02-10 06:00Z', Date.UTC(2025, 1, 10, 6)],
    ['2025-02-10T06:00:00.123456Z', Date.UTC(2025, 1, 10, 6, 0, 0, 123)],
    ['2025-02-09T23:00:00-07:00', Date.UTC(2025, 1, 10, 6)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['0050-01-01T00:00:00Z', -60_589_296_000_000],
  ])('%s', (text, ms) => {
    expect(parseIsoTimestamp(text)).toBe(ms);
  });

  it.each(['2025-02-10T06:00:00', '2025-02-10', '2025-13-01T00:00:00Z', '2025-02-30T00:00:00Z', '2023-02-29T00:00:00Z', '2025-02-10T24:00:00Z', 'Feb 10 2025 06:00 GMT', '2025-02-10T06:00:00+25:00', ''])(
    'rejects %s',
    (text) => {
      expect(parseIsoTimestamp(text)).toBeUndefined();
    },
  );
});

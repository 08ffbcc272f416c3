import { describe, expect, it } from 'vitest';
import { decodeTelemetry, type Domain, type Rejection } from '../src/index.ts';

const NOW = Date.UTC(2025, 1, 10, 6, 0, 0);
const opts = { receivedAt: NOW };
const DAY = 86_400_000;

function rejectionsOf(domain: Domain, payload: string | Uint8Array, options: Partial<typeof opts> & Record<string, unknown> = {}): Rejection[] {
  return decodeTelemetry(domain, payload, { ...opts, ...options }).rejections;
}

/** exactly one rejection, with this code; returns it for further checks */
function single(domain: Domain, payload: string | Uint8Array, code: string, options: Record<string, unknown> = {}): Rejection {
  const result = decodeTelemetry(domain, payload, { ...opts, ...options });
  expect(result.rejections.map((r) => r.code)).toEqual([code]);
  const rejection = result.rejections[0]!;
  expect(rejection.message.length).toBeGreaterThan(20);
  return rejection;
}

describe('payload-level rejections', () => {
  it('payload.empty', () => {
    expect(single('air', '', 'payload.empty').path).toBe('');
    single('air', '  \n\t ', 'payload.empty');
    single('air', new Uint8Array(0), 'payload.empty');
  });

  it('payload.too_large (bytes and strings, counted as UTF-8)', () => {
    const big = JSON.stringify({ values: { pm25: 1 }, pad: 'x'.repeat(300_000) });
    expect(single('air', big, 'payload.too_large').message).toContain('262144');
    single('air', Buffer.from(big), 'payload.too_large');
    // 100 Thai characters are 100 UTF-16 units but 300 UTF-8 bytes
    const thai = JSON.stringify({ values: { pm25: 1 }, note: 'ก'.repeat(100) });
    single('air', thai, 'payload.too_large', { maxBytes: 250 });
  });

  it('payload.not_utf8', () => {
    const r = single('air', new Uint8Array([0x7b, 0xff, 0xfe, 0x00, 0x7d]), 'payload.not_utf8');
    expect(r.message).toMatch(/UTF-8/);
  });

  it('payload.malformed_json says what the parser saw', () => {
    const r = single('air', '{"ts": 1, "values": {"pm25": 23.1', 'payload.malformed_json');
    expect(r.message).toMatch(/not valid JSON/);
    single('air', "{'values': {'pm25': 1}}", 'payload.malformed_json');
    single('air', 'NaN', 'payload.malformed_json');
  });

  it('payload.shape for JSON that is no known format', () => {
    for (const p of ['42', '"pm25"', 'null', 'true']) single('air', p, 'payload.shape');
    expect(single('air', '{"readings": {"ts": 1}}', 'payload.shape').path).toBe('readings');
    expect(single('air', '{"values": [1, 2]}', 'payload.shape').path).toBe('values');
    expect(single('air', '{"values": {"pm25": 1}, "unit": {"pm25": "mg/m3"}}', 'payload.shape').message).toMatch(/unit.*allowed keys are ts, values, units/);
    expect(single('air', '{"readings": [{"values": {"pm25": 1}}], "units": {"pm25": "mg/m3"}}', 'payload.shape').path).toBe('units');
    expect(single('air', '{"pm25": 0.03, "units": {"pm25": "mg/m3"}}', 'payload.shape').path).toBe('units');
    expect(single('air', '{"ts": 1739167200000, "units": {}, "values": {"pm25": 1}, "x": 1}', 'payload.shape').path).toBe('x');
    expect(single('air', '[{"n": "pm25", "v": 1, "x_": 1}]', 'payload.shape').path).toBe('[0].x_');
  });

  it('batch.too_many', () => {
    const readings = Array.from({ length: 10_001 }, () => ({ values: { noise: 50 } }));
    const r = single('air', JSON.stringify({ readings }), 'batch.too_many', { maxBytes: 1e7 });
    expect(r.message).toMatch(/10001.*10000/);
    const pack = Array.from({ length: 10_001 }, (_, i) => ({ t: -i, n: 'noise', v: 50 }));
    single('air', JSON.stringify(pack), 'batch.too_many', { maxBytes: 1e7 });
  });

  it('options.invalid for a wrong call, never an exception', () => {
    expect(decodeTelemetry('air', '{"pm25":1}', { receivedAt: Number.NaN }).rejections[0]!.code).toBe('options.invalid');
    expect(decodeTelemetry('mars' as Domain, '{"pm25":1}', opts).rejections[0]!.code).toBe('options.invalid');
    expect(decodeTelemetry('air', '{"pm25":1}', { receivedAt: NOW, maxBytes: -1 }).rejections[0]!.code).toBe('options.invalid');
  });
});

describe('reading-level rejections', () => {
  it('reading.ts_invalid: epoch seconds where milliseconds are expected (rejected, not guessed)', () => {
    const r = single('air', JSON.stringify({ ts: Math.floor(NOW / 1000), values: { pm25: 1 } }), 'reading.ts_invalid');
    expect(r.path).toBe('ts');
    expect(r.message).toMatch(/seconds.*multiply by 1000/);
  });

  it('reading.ts_invalid: other bad times', () => {
    single('air', '{"ts": "yesterday", "values": {"pm25": 1}}', 'reading.ts_invalid');
    single('air', '{"ts": "2025-02-10T06:00:00", "values": {"pm25": 1}}', 'reading.ts_invalid'); // no zone
    single('air', '{"ts": -5, "values": {"pm25": 1}}', 'reading.ts_invalid');
    single('air', '{"ts": 1e400, "values": {"pm25": 1}}', 'reading.ts_invalid');
    single('air', '{"ts": null, "values": {"pm25": 1}}', 'reading.ts_invalid');
    expect(single('air', JSON.stringify({ ts: NOW * 1000, values: { pm25: 1 } }), 'reading.ts_invalid').message).toMatch(/micro/);
    expect(single('air', JSON.stringify([{ bt: NOW, n: 'pm25', v: 1 }]), 'reading.ts_invalid').message).toMatch(/milliseconds/);
    single('air', '[{"n": "pm25", "t": "now", "v": 1}]', 'reading.ts_invalid');
  });

  it('reading.ts_future beyond maxFutureMs (default 5 min)', () => {
    single('air', JSON.stringify({ ts: NOW + 6 * 60_000, values: { pm25: 1 } }), 'reading.ts_future');
    expect(rejectionsOf('air', JSON.stringify({ ts: NOW + 4 * 60_000, values: { pm25: 1 } }))).toEqual([]);
    single('air', JSON.stringify({ ts: NOW + 2000, values: { pm25: 1 } }), 'reading.ts_future', { maxFutureMs: 1000 });
    single('air', JSON.stringify([{ t: 3600, n: 'pm25', v: 1 }]), 'reading.ts_future');
  });

  it('reading.ts_too_old beyond maxAgeMs (default 400 days)', () => {
    const r = single('air', JSON.stringify({ ts: NOW - 401 * DAY, values: { pm25: 1 } }), 'reading.ts_too_old');
    expect(r.message).toMatch(/401 days/);
    expect(rejectionsOf('air', JSON.stringify({ ts: NOW - 399 * DAY, values: { pm25: 1 } }))).toEqual([]);
    single('air', JSON.stringify({ ts: NOW - 2 * DAY, values: { pm25: 1 } }), 'reading.ts_too_old', { maxAgeMs: DAY });
  });

  it('reading.no_values', () => {
    single('air', '{"ts": 1739167200000, "values": {}}', 'reading.no_values');
    single('air', '{}', 'reading.no_values');
    single('air', '{"readings": []}', 'reading.no_values');
    single('air', '[]', 'reading.no_values');
  });
});

describe('value-level rejections', () => {
  it('value.unknown_parameter with a hint and the known names', () => {
    const r = single('air', '{"values": {"PM2.5": 20}}', 'value.unknown_parameter');
    expect(r.param).toBe('PM2.5');
    expect(r.path).toBe('values["PM2.5"]');
    expect(r.message).toContain('did you mean "pm25"');
    expect(r.message).toContain('pm10');
    expect(single('water', '{"values": {"pm25": 20}}', 'value.unknown_parameter').message).toMatch(/air parameter/);
    expect(single('air', '{"values": {"relativeHumidity": 0.6}}', 'value.unknown_parameter').message).toContain('"humidity"');
  });

  it('value.wrong_type', () => {
    expect(single('air', '{"values": {"pm25": "23.1"}}', 'value.wrong_type').message).toMatch(/without quotes/);
    single('air', '{"values": {"pm25": "NaN"}}', 'value.wrong_type');
    single('air', '{"values": {"pm25": null}}', 'value.wrong_type');
    single('air', '{"values": {"pm25": true}}', 'value.wrong_type');
    single('air', '{"values": {"pm25": {"value": 3}}}', 'value.wrong_type');
    single('waste', '{"values": {"lidOpen": 2}}', 'value.wrong_type');
    single('waste', '{"values": {"lidOpen": "open"}}', 'value.wrong_type');
    expect(single('air', '[{"n": "pm25", "vs": "high"}]', 'value.wrong_type').path).toBe('[0].vs');
  });

  it('value.not_finite', () => {
    expect(single('air', '{"values": {"pm25": 1e400}}', 'value.not_finite').param).toBe('pm25');
    single('air', '{"values": {"pm25": -1e999}}', 'value.not_finite');
    // finite as sent, infinite once converted
    single('air', '{"values": {"pm25": 1e307}, "units": {"pm25": "mg/m3"}}', 'value.not_finite');
  });

  it('value.out_of_range against the plausible range, after unit conversion', () => {
    const r = single('air', '{"values": {"pm25": 1200}}', 'value.out_of_range');
    expect(r.message).toMatch(/1200 µg\/m³.*0 to 1000 µg\/m³/);
    single('air', '{"values": {"pm25": -1}}', 'value.out_of_range');
    single('water', '{"values": {"pH": 15.5}}', 'value.out_of_range');
    single('energy', '{"values": {"powerFactor": 1.8}}', 'value.out_of_range');
    // 1.2 mg/m³ is 1200 µg/m³
    expect(single('air', '{"values": {"pm25": 1.2}, "units": {"pm25": "mg/m3"}}', 'value.out_of_range').message).toMatch(/sent as 1.2 mg\/m³/);
    // a FIWARE fraction sent without its unit reads as percent: 85 % is fine, but 250 % is not
    single('waste', '{"values": {"fillingLevel": 250}}', 'value.out_of_range');
  });

  it('value.unknown_unit: unknown, not applicable, or not a string', () => {
    expect(single('air', '{"values": {"pm25": 1}, "units": {"pm25": "grains/ft3"}}', 'value.unknown_unit').path).toBe('units.pm25');
    expect(single('air', '{"values": {"pm25": 1}, "units": {"pm25": "kg"}}', 'value.unknown_unit').message).toMatch(/does not apply to pm25.*µg\/m³, mg\/m³/);
    single('air', '{"values": {"pm25": 1}, "units": {"pm25": 3}}', 'value.unknown_unit');
    expect(single('air', '[{"n": "temperature", "u": "furlong", "v": 1}]', 'value.unknown_unit').path).toBe('[0].u');
  });

  it('value.duplicate within one SenML time', () => {
    const result = decodeTelemetry('air', '[{"n": "pm25", "v": 1}, {"n": "pm25", "v": 2}]', opts);
    expect(result.rejections.map((r) => r.code)).toEqual(['value.duplicate']);
    expect(result.readings[0]!.values).toEqual({ pm25: 1 });
  });
});

describe('partial acceptance', () => {
  it('a bad value is rejected alone; the rest of the reading is kept', () => {
    const payload = { ts: NOW, values: { pm25: 1200, pm10: 41, humidity: 'wet', so2: 3, foo: 1 } };
    const result = decodeTelemetry('air', JSON.stringify(payload), opts);
    expect(result.readings).toEqual([{ ts: NOW, values: { pm10: 41, so2: 3 }, serverTime: false }]);
    expect(result.rejections.map((r) => [r.code, r.param, r.path])).toEqual([
      ['value.out_of_range', 'pm25', 'values.pm25'],
      ['value.wrong_type', 'humidity', 'values.humidity'],
      ['value.unknown_parameter', 'foo', 'values.foo'],
    ]);
  });

  it('a bad reading in a batch is rejected alone; the others are kept', () => {
    const readings = [
      { ts: NOW - 3000, values: { noise: 50 } },
      { ts: NOW + DAY, values: { noise: 51 } },
      'not a reading',
      { ts: NOW - 1000, values: { noise: 52, pm25: -3 } },
      { ts: NOW - 500, values: { pm25: -3 } },
    ];
    const result = decodeTelemetry('air', JSON.stringify({ readings }), opts);
    expect(result.readings.map((r) => r.values)).toEqual([{ noise: 50 }, { noise: 52 }]);
    expect(result.rejections.map((r) => [r.code, r.readingIndex, r.path])).toEqual([
      ['payload.shape', 2, 'readings[2]'],
      ['reading.ts_future', 1, 'readings[1].ts'],
      ['value.out_of_range', 3, 'readings[3].values.pm25'],
      ['value.out_of_range', 4, 'readings[4].values.pm25'],
    ]);
  });

  it('a bad SenML record is rejected alone', () => {
    const pack = [{ bn: 'd:', n: 'pm25', v: 10 }, 5, { n: 'pm10', bt: 'x', v: 1 }, { n: 'pm10', v: 20 }, { n: 'noise', v: 400 }];
    const result = decodeTelemetry('air', JSON.stringify(pack), opts);
    expect(result.readings).toEqual([{ ts: NOW, values: { pm25: 10, pm10: 20 }, serverTime: true }]);
    expect(result.rejections.map((r) => [r.code, r.path])).toEqual([
      ['payload.shape', '[1]'],
      ['payload.shape', '[2].bt'],
      ['value.out_of_range', '[4].v'],
    ]);
  });

  it('nothing valid is lost and nothing invalid is silent: one rejection per rejected value', () => {
    const values: Record<string, unknown> = {};
    const names = ['pm25', 'pm10', 'o3', 'no2', 'so2', 'co', 'temperature', 'humidity', 'noise'];
    names.forEach((n, i) => (values[n] = i % 2 === 0 ? 5 : 'bad'));
    const result = decodeTelemetry('air', JSON.stringify({ values }), opts);
    const kept = Object.keys(result.readings[0]!.values);
    const rejected = result.rejections.map((r) => r.param);
    expect([...kept, ...rejected].sort()).toEqual([...names].sort());
  });
});

import { describe, expect, it } from 'vitest';
import { TelemetryStoreError } from '@mueang/storage';
import { decodeText, encodeText, escapeKey, escapeMeasurement, escapeTagValue, formatFloat, formatLine, PointLines, quoteStringField } from '../../src/influx/line-protocol.ts';
import { durationLiteral, qualifiedMeasurement, quoteIdent, quoteLiteral, tagIn, timeLiteral, timeRange } from '../../src/influx/influxql.ts';
import { deadLetterTimestamps } from '../../src/influx/influx-store.ts';
import { httpError, mergeChunks } from '../../src/influx/http.ts';
import { checkPoints, windowStart } from '../../src/influx/telemetry-input.ts';

const HOSTILE = ['a"b', "a'b", 'a,b', 'a b', 'a=b', 'a\\b', 'a\nb', "'; DROP DATABASE x; --", 'กรุงเทพ ไทย'];

function refused(fn: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(TelemetryStoreError);
  expect((caught as TelemetryStoreError).code).toBe('input.invalid');
  expect((caught as Error).message).toMatch(message);
}

describe('line protocol escaping', () => {
  it('escapes commas and spaces in measurements', () => {
    expect(escapeMeasurement('air')).toBe('air');
    expect(escapeMeasurement('my air,x')).toBe('my\\ air\\,x');
    expect(escapeMeasurement('a=b"c')).toBe('a=b"c');
  });

  it('escapes commas, equals signs and spaces in keys and tag values; keeps quotes and Thai text', () => {
    expect(escapeTagValue('a,b=c d')).toBe('a\\,b\\=c\\ d');
    expect(escapeTagValue(`O'Brien "x"`)).toBe(`O'Brien\\ "x"`);
    expect(escapeTagValue("'; DROP DATABASE x; --")).toBe("';\\ DROP\\ DATABASE\\ x;\\ --");
    expect(escapeTagValue('กรุงเทพ ไทย')).toBe('กรุงเทพ\\ ไทย');
    expect(escapeKey('pm2.5 value=x')).toBe('pm2.5\\ value\\=x');
  });

  it('refuses what tags and keys cannot carry: newlines, control characters, backslashes, empty', () => {
    refused(() => escapeTagValue('a\nb'), /tag value "a\\nb" contains a newline/);
    refused(() => escapeTagValue('a\tb'), /control character/);
    refused(() => escapeTagValue('a\\b'), /backslash/);
    refused(() => escapeTagValue('trailing\\'), /backslash/);
    refused(() => escapeKey(''), /must not be empty/);
    refused(() => escapeMeasurement('a\nb'), /newline/);
  });

  it('quotes string fields, escaping backslashes and double quotes; refuses raw line breaks', () => {
    expect(quoteStringField('plain')).toBe('"plain"');
    expect(quoteStringField('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteStringField('back\\slash\\')).toBe('"back\\\\slash\\\\"');
    expect(quoteStringField("a,b=c d'; DROP DATABASE x; --")).toBe(`"a,b=c d'; DROP DATABASE x; --"`);
    refused(() => quoteStringField('a\nb'), /line break/);
    refused(() => quoteStringField('a\rb'), /line break/);
  });

  it('formats floats without losing digits and refuses NaN and infinities', () => {
    for (const v of [0.1 + 0.2, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, -40.5, 42]) expect(Number(formatFloat(v))).toBe(v);
    expect(formatFloat(42)).toBe('42');
    refused(() => formatFloat(Number.NaN), /not a finite number/);
    refused(() => formatFloat(-Infinity), /not a finite number/);
  });

  it('builds a line with sorted tags, skipping empty ones, and typed fields', () => {
    const line = formatLine('air', { site: 's 1', city: 'bkk', device: 'd,1', empty: '', absent: undefined }, { pm25: { float: 1.5 }, n: { int: 3 }, note: { text: 'x "y"' } }, 1000);
    expect(line).toBe('air,city=bkk,device=d\\,1,site=s\\ 1 pm25=1.5,n=3i,note="x \\"y\\"" 1000');
    refused(() => formatLine('air', {}, {}, 1), /at least one field/);
  });

  it('writes telemetry points as formatLine does, also when a device moves to another site or city', () => {
    const lines = new PointLines();
    type Point = { ts: number; domain: string; city: string; site: string; device: string; values: Record<string, number> };
    const asFormatLine = (p: Point) => {
      const fields: Record<string, { float: number }> = {};
      for (const [k, v] of Object.entries(p.values)) fields[k] = { float: v };
      return formatLine(p.domain, { city: p.city, site: p.site, device: p.device }, fields, p.ts);
    };
    const points: Point[] = [
      { ts: 1000, domain: 'air', city: 'bkk', site: 's 1', device: 'd,1', values: { pm25: 1.5, 'pm2.5 x=y': -0, no2: 1e21 } },
      { ts: 2000, domain: 'air', city: 'bkk', site: 's 1', device: 'd,1', values: { pm25: 2 } },
      { ts: 3000, domain: 'air', city: 'bkk', site: 'other site', device: 'd,1', values: { pm25: 3 } },
      { ts: 4000, domain: 'air', city: 'cnx', site: 'other site', device: 'd,1', values: { pm25: 4 } },
      { ts: 5000, domain: 'water', city: 'cnx', site: 'other site', device: 'd,1', values: { ph: 7.1, '1': 5 } },
      { ts: 6000, domain: 'air', city: 'กรุงเทพ', site: 'x=y', device: 'd2', values: { pm25: 0.1 + 0.2 } },
    ];
    for (const p of points) expect(lines.line(p)).toBe(asFormatLine(p));
    // a request body: the same lines, UTF-8, one per line (also past its first size estimate)
    const wide: Point = { ts: 7000, domain: 'energy', city: 'กรุงเทพ', site: 'ไซต์ 1', device: 'd3', values: {} };
    for (let i = 0; i < 40; i++) wide.values[`parameter_with_a_long_name_${i}`] = -1.2345678901234567e-200 * i;
    const all = [...points, wide, ...points];
    expect(lines.body(all).toString('utf8')).toBe(all.map(asFormatLine).join('\n'));
    expect(lines.body([]).length).toBe(0);
    expect(lines.line(points[2]!)).toBe('air,city=bkk,device=d\\,1,site=other\\ site pm25=3 3000');
    refused(() => lines.line({ ...points[0]!, values: { pm25: Number.NaN } }), /not a finite number/);
    refused(() => lines.line({ ...points[0]!, values: {} }), /at least one field/);
    refused(() => lines.body([points[0]!, { ...points[0]!, values: {} }]), /at least one field/);
    refused(() => lines.body([{ ...points[0]!, values: { pm25: Infinity } }]), /not a finite number/);
    refused(() => lines.line({ ...points[0]!, values: { 'a\nb': 1 } }), /field key "a\\nb" contains a newline/);
  });

  it('checks telemetry points quickly without letting anything through that the detailed check refuses', () => {
    const ok = { ts: 1000, domain: 'air' as const, city: 'time', site: 's', device: 'd', values: { pm25: 1 } };
    checkPoints([ok, ok]);
    // labels and names seen valid do not vouch for another role or another field
    refused(() => checkPoints([ok, { ...ok, values: { time: 1 } }]), /points\[1\]\.values key "time" is a reserved name/);
    refused(() => checkPoints([ok, { ...ok, values: { pm25: 1, d: Number.NaN } }]), /points\[1\]\.values\.d must be a finite number/);
    refused(() => checkPoints([ok, { ...ok, ts: 2 ** 53 }]), /points\[1\]\.ts must be an integer/);
    refused(() => checkPoints([ok, { ...ok, ts: 9_223_372_036_855 }]), /outside the storable range/);
    refused(() => checkPoints([ok, { ...ok, site: 'a\\b' }]), /points\[1\]\.site .*backslash/);
    refused(() => checkPoints([ok, Object.create({ inherited: 1 }) as typeof ok]), /points\[1\]\.ts must be an integer/);
    refused(() => checkPoints([ok, { ...ok, values: Object.create({ pm25: 1 }) as Record<string, number> }]), /points\[1\]\.values is empty/);
  });

  it('encodes free text reversibly so that dead letters pass any line-protocol part', () => {
    for (const text of [...HOSTILE, '100% %0A literal', '\u0000\u0007\u007f\r\n\t', 'trailing\\', '']) {
      const encoded = encodeText(text);
      expect(encoded).not.toMatch(/[\\\n\r\u0000-\u001f\u007f]/);
      expect(decodeText(encoded)).toBe(text);
      expect(() => escapeTagValue(encoded || 'x')).not.toThrow();
    }
    expect(encodeText('a\nb%c\\')).toBe('a%0Ab%25c%5C');
  });
});

describe('InfluxQL escaping', () => {
  it('double-quotes identifiers, escaping backslash, quote and newline', () => {
    expect(quoteIdent('air')).toBe('"air"');
    expect(quoteIdent('tag')).toBe('"tag"');
    expect(quoteIdent('a"b')).toBe('"a\\"b"');
    expect(quoteIdent('a\\b')).toBe('"a\\\\b"');
    expect(quoteIdent('a\nb')).toBe('"a\\nb"');
    expect(quoteIdent("it's")).toBe(`"it's"`);
  });

  it('single-quotes literals so that no input can end the string', () => {
    expect(quoteLiteral("'; DROP DATABASE x; --")).toBe("'\\'; DROP DATABASE x; --'");
    expect(quoteLiteral("\\'")).toBe("'\\\\\\''");
    expect(quoteLiteral('a\nb')).toBe("'a\\nb'");
    expect(quoteLiteral('say "hi"')).toBe(`'say "hi"'`);
    expect(quoteLiteral('กรุงเทพ')).toBe("'กรุงเทพ'");
    for (const text of HOSTILE) {
      const quoted = quoteLiteral(text);
      // the only unescaped quotes are the delimiters
      expect(quoted.slice(1, -1).replace(/\\\\/g, '').replace(/\\'/g, '')).not.toContain("'");
      expect(quoted).not.toContain('\n');
    }
  });

  it('writes times as RFC 3339 literals clamped to InfluxDB range, and durations in ms', () => {
    expect(timeLiteral(0)).toBe("'1970-01-01T00:00:00.000Z'");
    expect(timeLiteral(-1500)).toBe("'1969-12-31T23:59:58.500Z'");
    expect(timeLiteral(Number.MAX_SAFE_INTEGER)).toBe("'2262-04-11T23:47:16.854Z'");
    expect(timeRange(1000, 2000)).toBe("time >= '1970-01-01T00:00:01.000Z' AND time < '1970-01-01T00:00:02.000Z'");
    expect(durationLiteral(3_600_000)).toBe('3600000ms');
    expect(() => durationLiteral(0)).toThrow(RangeError);
  });

  it('builds OR lists and qualified measurement names from quoted parts', () => {
    expect(tagIn('param', ['pm25', "x' OR '1'='1"])).toBe(`("param" = 'pm25' OR "param" = 'x\\' OR \\'1\\'=\\'1')`);
    expect(qualifiedMeasurement('air', 'db"x', 'rp')).toBe('"db\\"x"."rp"."air"');
    expect(qualifiedMeasurement('air', 'db')).toBe('"air"');
  });
});

describe('helpers', () => {
  it('gives dead letters of the same millisecond distinct nanosecond times that truncate back to it', () => {
    const times = deadLetterTimestamps([5, 5, 5, 7, -3, -3], () => 0.999999);
    expect(new Set(times.map(String)).size).toBe(6);
    // epoch=ms truncates toward zero
    expect(times.map((ns) => Number(ns / 1_000_000n))).toEqual([5, 5, 5, 7, -3, -3]);
  });

  it('merges chunked query responses per statement and series', () => {
    const body = [
      '{"results":[{"statement_id":0,"series":[{"name":"air","tags":{"device":"a"},"columns":["time","v"],"values":[[1,1],[2,2]],"partial":true}],"partial":true}]}',
      '{"results":[{"statement_id":0,"series":[{"name":"air","tags":{"device":"a"},"columns":["time","v"],"values":[[3,3]]}]}]}',
      '{"results":[{"statement_id":1,"series":[{"name":"air","tags":{"device":"b"},"columns":["time","v"],"values":[[4,4]]}]}]}',
      '',
    ].join('\n');
    const merged = mergeChunks(body, ['s0', 's1']);
    expect(merged[0]?.series).toEqual([{ name: 'air', tags: { device: 'a' }, columns: ['time', 'v'], values: [[1, 1], [2, 2], [3, 3]] }]);
    expect(merged[1]?.series[0]?.values).toEqual([[4, 4]]);
    expect(() => mergeChunks('{"results":[{"statement_id":0,"error":"boom"}]}', ['SELECT x'])).toThrow(/refused statement 1 \(SELECT x\): boom/);
    expect(() => mergeChunks('<html>', ['q'])).toThrow(/not JSON/);
  });

  it('classifies HTTP statuses: 5xx/429 retryable, 4xx permanent', () => {
    expect([httpError(503, '', 'w').retryable, httpError(429, '', 'w').retryable, httpError(400, '{"error":"bad"}', 'w').retryable]).toEqual([true, true, false]);
    expect(httpError(400, '{"error":"unable to parse"}', 'a write').message).toBe(
      'InfluxDB answered HTTP 400 to a write: unable to parse (the request or its data is invalid; retrying will not help)',
    );
  });

  it('aligns windows to epoch by floor', () => {
    expect([windowStart(1500, 1000), windowStart(-1, 1000), windowStart(-1000, 1000), windowStart(0, 7)]).toEqual([1000, -1000, -1000, 0]);
  });
});

import { StateStoreError, TelemetryStoreError } from '@mueang/storage';
import type { FastifyError } from 'fastify';
import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../src/data/csv.ts';
import { combineRollups, aggregateSource } from '../src/data/aggregate.ts';
import { expectedSlots } from '../src/data/completeness.ts';
import { parseInstant, resolveRange } from '../src/data/query-params.ts';
import { ApiError, toApiError, validationProblem } from '../src/errors.ts';

describe('ApiError and the problem mapping', () => {
  it('builds RFC 9457 problems with a type URI, title and field errors', () => {
    const err = ApiError.invalidParameter('query.from', 'must be before query.to');
    expect(err.toProblem('/v1/x')).toEqual({
      type: 'https://mueang.dev/problems/invalid-parameter',
      title: 'Invalid parameter',
      status: 400,
      detail: 'query.from: must be before query.to',
      instance: '/v1/x',
      errors: [{ path: 'query.from', message: 'must be before query.to' }],
    });
    expect(new ApiError(409, 'taken', { type: 'urn:example:taken' }).type).toBe('urn:example:taken');
  });

  it('names every failing field of a schema validation error', () => {
    const error = Object.assign(new Error('x'), {
      validationContext: 'body',
      validation: [
        { instancePath: '', keyword: 'required', params: { missingProperty: 'name' }, message: "must have required property 'name'" },
        { instancePath: '/location/lat', keyword: 'maximum', params: { limit: 90 }, message: 'must be <= 90' },
        { instancePath: '', keyword: 'additionalProperties', params: { additionalProperty: 'colour' }, message: 'must NOT have additional properties' },
      ],
    }) as unknown as FastifyError;
    const problem = validationProblem(error).toProblem();
    expect(problem.errors).toEqual([
      { path: 'body.name', message: 'is required' },
      { path: 'body.location.lat', message: 'must be <= 90' },
      { path: 'body.colour', message: 'is not a known field; remove it' },
    ]);
    expect(problem.detail).toMatch(/^Invalid body: body\.name is required; body\.location\.lat must be <= 90; body\.colour is not a known field/);
  });

  it('maps store errors to 4xx/503 and hides unexpected ones behind an opaque 500', () => {
    expect(toApiError(new StateStoreError('input.invalid', 'lat/lon: give both')).status).toBe(400);
    expect(toApiError(new StateStoreError('device.site_city_mismatch', 'x')).status).toBe(409);
    const down = toApiError(new StateStoreError('connection.failed', 'connect ECONNREFUSED 10.0.0.5:5432 password=hunter2'));
    expect(down.status).toBe(503);
    expect(down.detail).not.toContain('hunter2');
    expect(toApiError(new TelemetryStoreError('backend.timeout', 'slow', true)).status).toBe(503);
    const bug = toApiError(new TypeError("Cannot read properties of undefined (reading 'secretHash')"));
    expect(bug.status).toBe(500);
    expect(bug.detail).not.toContain('secretHash');
  });
});

describe('CSV (RFC 4180)', () => {
  it('quotes fields with commas, quotes and line breaks, and neutralises spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('-1+1')).toBe("'-1+1");
    expect(csvField(-1.5)).toBe('-1.5');
    expect(csvField(undefined)).toBe('');
    expect(toCsv(['a', 'b'], [[1, 'x,y']])).toBe('a,b\r\n1,"x,y"\r\n');
  });
});

describe('query parameters', () => {
  it('reads ISO date-times with offsets, Bangkok dates and epoch milliseconds', () => {
    expect(parseInstant('2025-03-10T12:00:00+07:00', 'q')).toBe(Date.UTC(2025, 2, 10, 5));
    expect(parseInstant('2025-03-10', 'q')).toBe(Date.UTC(2025, 2, 9, 17));
    expect(parseInstant('1741582800000', 'q')).toBe(1_741_582_800_000);
    expect(() => parseInstant('2025-03-10T12:00:00', 'query.to')).toThrow(/query\.to: use an ISO 8601 date-time with an offset/);
    expect(() => parseInstant('2025-13-01', 'q')).toThrow(/not a calendar date/);
  });

  it('defaults and bounds ranges', () => {
    const now = Date.UTC(2025, 2, 10);
    expect(resolveRange({}, { defaultSpanMs: 3_600_000, maxSpanMs: 86_400_000 }, now)).toEqual({ from: now - 3_600_000, to: now });
    expect(() => resolveRange({ from: '2025-01-01' }, { defaultSpanMs: 1, maxSpanMs: 86_400_000 }, now)).toThrow(/at most 1 day per request/);
  });
});

describe('aggregation helpers', () => {
  it('combines rollups exactly: mean = Σsum / Σcount, min of mins, max of maxes', () => {
    const base = { period: '1h' as const, start: 0, city: 'c', domain: 'air' as const, param: 'pm25' };
    const rows = combineRollups(
      [
        { ...base, site: 's1', device: 'd1', mean: 10, min: 5, max: 15, count: 2, sum: 20 },
        { ...base, site: 's1', device: 'd2', mean: 40, min: 30, max: 50, count: 4, sum: 160 },
      ],
      'mean',
      'site',
    );
    expect(rows).toEqual([{ start: 0, tags: { site: 's1' }, values: { pm25: 30 } }]);
    expect(combineRollups([{ ...base, site: 's1', device: 'd1', mean: 1, min: 1, max: 1, count: 3, sum: 3 }], 'count', 'none')[0]?.values).toEqual({ pm25: 3 });
  });

  it('chooses rollups for daily windows and for hourly windows over long ranges', () => {
    expect(aggregateSource('1d', 3_600_000)).toBe('rollup-1d');
    expect(aggregateSource('1h', 3 * 86_400_000)).toBe('rollup-1h');
    expect(aggregateSource('1h', 86_400_000)).toBe('raw');
    expect(aggregateSource('5m', 30 * 86_400_000)).toBe('raw');
  });

  it('counts the expected slots overlapping a range', () => {
    expect(expectedSlots(0, 3_600_000, 900_000)).toBe(4);
    expect(expectedSlots(1, 3_600_000, 900_000)).toBe(4);
    expect(expectedSlots(450_000, 3_600_000 + 450_000, 900_000)).toBe(5);
  });
});

describe('nullable body fields', () => {
  it('turns two-branch unions with null into type lists, so Ajv coercion cannot turn null into 0 or ""', async () => {
    const { typeListNullables } = await import('../src/schemas/nullable.ts');
    const schema = {
      type: 'object',
      properties: {
        lat: { anyOf: [{ type: 'number', minimum: -90 }, { type: 'null' }], description: 'latitude' },
        name: { anyOf: [{ type: 'null' }, { type: 'string', maxLength: 5 }] },
        either: { anyOf: [{ type: 'object' }, { type: 'null' }] },
      },
    };
    expect(typeListNullables(schema)).toEqual({
      type: 'object',
      properties: {
        lat: { type: ['number', 'null'], minimum: -90, description: 'latitude' },
        name: { type: ['string', 'null'], maxLength: 5 },
        either: { anyOf: [{ type: 'object' }, { type: 'null' }] },
      },
    });
  });
});

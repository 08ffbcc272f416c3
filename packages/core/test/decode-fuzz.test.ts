import { describe, expect, it } from 'vitest';
import { decodeTelemetry, DOMAINS, getParameter, type DecodeResult, type Domain } from '../src/index.ts';

const NOW = Date.UTC(2025, 1, 10, 6, 0, 0);

/** small deterministic PRNG (mulberry32) so that a failure can be replayed */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY_STRINGS = ['NaN', 'Infinity', '-Infinity', '1e400', '', ' ', '0x10', '23.1', '__proto__', 'constructor', 'toString', '\u0000', '\ud800', 'ก', '😀'];
const NASTY_NUMBERS = [0, -0, 1, -1, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER, 1e11, 1e14, 268_435_456, NOW, NOW / 1000, NOW * 1000, 0.5];
const KEYS = ['ts', 'values', 'units', 'readings', 'pm25', 'pH', 'lidOpen', 'fillingLevel', 'activePower', 'temperature', 'bn', 'bt', 'bu', 'bv', 'n', 'v', 'vb', 'vs', 's', 't', 'u', '__proto__', 'constructor', 'x_'];
const UNITS = ['ug/m3', 'mg/m3', 'ppm', 'ppb', 'Cel', '°F', '%', 'ratio', '/', 'W', 'kWh', 'kg', 'furlong', ''];

/** a random JSON text built without recursion (a work stack), leaning towards the shapes the decoder knows */
function randomJson(next: () => number, maxNodes: number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const scalar = (): unknown => {
    const r = next();
    if (r < 0.3) return pick(NASTY_NUMBERS);
    if (r < 0.45) return next() * 2000 - 500;
    if (r < 0.6) return pick(NASTY_STRINGS);
    if (r < 0.7) return pick(UNITS);
    if (r < 0.8) return next() < 0.5;
    if (r < 0.9) return null;
    return new Date(NOW - next() * 1e10).toISOString();
  };
  const root: { v: unknown } = { v: undefined };
  const stack: Array<{ set: (v: unknown) => void; depth: number }> = [{ set: (v) => (root.v = v), depth: 0 }];
  let nodes = 0;
  while (stack.length > 0) {
    const slot = stack.pop()!;
    nodes++;
    const r = next();
    if (nodes > maxNodes || slot.depth > 6 || r < 0.45) {
      slot.set(scalar());
    } else if (r < 0.7) {
      const arr: unknown[] = [];
      slot.set(arr);
      const n = Math.floor(next() * 5);
      for (let i = 0; i < n; i++) stack.push({ set: (v) => arr.push(v), depth: slot.depth + 1 });
    } else {
      const obj: Record<string, unknown> = {};
      slot.set(obj);
      const n = Math.floor(next() * 6);
      for (let i = 0; i < n; i++) {
        const key = pick(KEYS);
        // defineProperty so that "__proto__" becomes an own key, as JSON.parse makes it
        stack.push({ set: (v) => Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true }), depth: slot.depth + 1 });
      }
    }
  }
  return JSON.stringify(root.v) ?? 'null';
}

/** the invariants every result must satisfy, whatever the input */
function checkResult(domain: Domain, result: DecodeResult): void {
  expect(Array.isArray(result.readings)).toBe(true);
  expect(Array.isArray(result.rejections)).toBe(true);
  for (const rejection of result.rejections) {
    expect(rejection.code).not.toBe('decode.internal_error');
    expect(typeof rejection.code).toBe('string');
    expect(typeof rejection.message).toBe('string');
    expect(rejection.message.length).toBeLessThan(2000);
  }
  for (const reading of result.readings) {
    expect(Number.isFinite(reading.ts)).toBe(true);
    const names = Object.keys(reading.values);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const spec = getParameter(domain, name);
      expect(spec, name).toBeDefined();
      const value = reading.values[name]!;
      expect(Number.isFinite(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(spec!.range.min);
      expect(value).toBeLessThanOrEqual(spec!.range.max);
    }
  }
}

function decodeChecked(domain: Domain, payload: string | Uint8Array, maxBytes?: number): DecodeResult {
  let result: DecodeResult | undefined;
  expect(() => {
    result = decodeTelemetry(domain, payload, maxBytes === undefined ? { receivedAt: NOW } : { receivedAt: NOW, maxBytes });
  }).not.toThrow();
  checkResult(domain, result!);
  return result!;
}

describe('decodeTelemetry never throws', () => {
  it('random bytes', () => {
    const next = rng(1);
    for (let i = 0; i < 2000; i++) {
      const bytes = new Uint8Array(Math.floor(next() * 64));
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(next() * 256);
      decodeChecked(DOMAINS[i % 4]!, bytes);
    }
  });

  it('random JSON in and around the known shapes', () => {
    const next = rng(2);
    let readings = 0;
    let rejections = 0;
    for (let i = 0; i < 3000; i++) {
      const domain = DOMAINS[i % 4]!;
      const result = decodeChecked(domain, randomJson(next, 60));
      readings += result.readings.length;
      rejections += result.rejections.length;
    }
    // the generator must reach the value checks, not only shape errors
    expect(readings).toBeGreaterThan(0);
    expect(rejections).toBeGreaterThan(1000);
  });

  it('random JSON wrapped in each envelope', () => {
    const next = rng(3);
    for (let i = 0; i < 1500; i++) {
      const inner = randomJson(next, 20);
      const domain = DOMAINS[i % 4]!;
      for (const payload of [`{"values":${inner}}`, `{"ts":${inner},"values":{"pm25":1,"pH":7}}`, `{"values":{"pm25":1},"units":${inner}}`, `{"readings":[${inner},${inner}]}`, `[${inner}]`, `[{"bn":${inner},"n":"pm25","v":1}]`]) {
        decodeChecked(domain, payload);
      }
    }
  });

  it('huge numbers, NaN-like strings and __proto__ keys', () => {
    const payloads = [
      '{"values":{"pm25":1e999999,"pm10":-1e999999,"o3":5e-324}}',
      '{"values":{"pm25":"NaN","pm10":"Infinity","co":"-0"}}',
      '{"__proto__":{"pm25":1},"values":{"pm25":2}}',
      '{"values":{"__proto__":5,"constructor":1,"toString":2,"hasOwnProperty":3,"pm25":4}}',
      '{"values":{"pm25":4},"units":{"__proto__":"mg/m3","pm25":"__proto__"}}',
      '{"__proto__":5}',
      '{"ts":"__proto__","values":{"pm25":1}}',
      '[{"bn":"__proto__","n":"__proto__","v":1},{"n":"constructor","vb":true}]',
      '[{"n":"constructor","v":1},{"n":"__proto__","v":1},{"n":"toString","u":"constructor","v":1}]',
      '{"readings":[{"__proto__":{"values":{"pm25":1}}}]}',
      '{"values":{"pm25":123456789012345678901234567890}}',
      '{"ts":1e308,"values":{"pm25":1}}',
      '[{"bt":1e308,"n":"pm25","v":1},{"bt":-1e308,"n":"pm25","v":1},{"bt":0,"t":1e308,"n":"pm25","v":1}]',
      '[{"bv":1e308,"n":"pm25","v":1e308},{"bs":-1e308,"n":"pm25","s":-1e308}]',
    ];
    for (const domain of DOMAINS) for (const payload of payloads) decodeChecked(domain, payload);
    const proto = decodeChecked('air', '{"values":{"__proto__":5,"pm25":4}}');
    expect(proto.readings[0]!.values).toEqual({ pm25: 4 });
    expect(Object.getPrototypeOf(proto.readings[0]!.values)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).pm25).toBeUndefined();
  });

  it('deep nesting (arrays and objects, up to the size limit)', () => {
    const depth = 120_000;
    for (const payload of [
      '['.repeat(depth) + ']'.repeat(depth),
      '{"values":' + '['.repeat(depth) + ']'.repeat(depth) + '}',
      '{"values":{"pm25":' + '{"a":'.repeat(depth / 4) + '1' + '}'.repeat(depth / 4) + '}}',
      '{"readings":[' + '['.repeat(depth) + ']'.repeat(depth) + ']}',
      '['.repeat(depth), // unterminated
    ]) {
      decodeChecked('air', payload);
    }
  });

  it('10 MB strings, within and beyond the size limit', () => {
    const big = 'x'.repeat(10 * 1024 * 1024);
    expect(decodeChecked('air', big).rejections[0]!.code).toBe('payload.too_large');
    expect(decodeChecked('air', Buffer.from(big)).rejections[0]!.code).toBe('payload.too_large');
    const maxBytes = 11 * 1024 * 1024;
    const messages = [
      `{"values":{"pm25":"${big}"}}`,
      `{"values":{"${big}":1}}`,
      `{"ts":"${big}","values":{"pm25":1}}`,
      `{"values":{"pm25":1},"units":{"pm25":"${big}"}}`,
      `[{"bn":"${big}","n":"pm25","v":1}]`,
      `{"${big}":1}`,
    ];
    for (const payload of messages) {
      const result = decodeChecked('air', payload, maxBytes);
      for (const rejection of result.rejections) expect(rejection.message.length).toBeLessThan(2000);
    }
  });
});

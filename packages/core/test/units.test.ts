import { describe, expect, it } from 'vitest';
import { canConvert, convert, MOLECULAR_WEIGHTS, normalizeUnit, UnitError } from '../src/index.ts';

describe('normalizeUnit', () => {
  it.each([
    ['ug/m3', 'µg/m³'],
    ['µg/m3', 'µg/m³'],
    ['\u00b5g/m\u00b3', 'µg/m³'], // micro sign
    ['\u03bcg/m\u00b3', 'µg/m³'], // Greek small mu
    ['ug/m^3', 'µg/m³'],
    ['GQ', 'µg/m³'],
    ['mg/m3', 'mg/m³'],
    ['degC', '°C'],
    ['Cel', '°C'],
    ['\u2103', '°C'],
    ['°F', '°F'],
    ['K', 'K'],
    ['W', 'W'],
    ['kW', 'kW'],
    ['MW', 'MW'],
    ['Wh', 'Wh'],
    ['kWh', 'kWh'],
    ['MWh', 'MWh'],
    ['mS/cm', 'mS/cm'],
    ['uS/cm', 'µS/cm'],
    ['cm', 'cm'],
    ['mm', 'mm'],
    ['g', 'g'],
    ['t', 't'],
    ['%', '%'],
    ['%RH', '%'],
    ['1', '1'],
    ['ratio', '1'],
    ['/', '1'],
    ['ppm', 'ppm'],
    ['ppb', 'ppb'],
    [' ppb ', 'ppb'],
    ['PPB', 'ppb'],
    ['kwh', 'kWh'],
    ['dB', 'dBA'],
  ])('%s -> %s', (spelling, symbol) => {
    expect(normalizeUnit(spelling)).toBe(symbol);
  });

  it('keeps milli and mega apart: case decides, a caseless guess is refused', () => {
    expect(normalizeUnit('mW')).toBe('mW');
    expect(normalizeUnit('MW')).toBe('MW');
    expect(normalizeUnit('mw')).toBeUndefined();
    expect(normalizeUnit('mWh')).toBe('mWh');
    expect(normalizeUnit('Mwh')).toBeUndefined();
  });

  it('returns undefined for unknown or absurd spellings', () => {
    expect(normalizeUnit('furlongs/fortnight')).toBeUndefined();
    expect(normalizeUnit('x'.repeat(10_000))).toBeUndefined();
    expect(normalizeUnit('__proto__')).toBeUndefined();
    expect(normalizeUnit('constructor')).toBeUndefined();
  });
});

describe('convert', () => {
  it('ppm <-> ppb', () => {
    expect(convert(1, 'ppm', 'ppb', 'co')).toBe(1000);
    expect(convert(1, 'ppm', 'ppb')).toBe(1000);
    expect(convert(170, 'ppb', 'ppm')).toBeCloseTo(0.17, 12);
  });

  it('ppb <-> µg/m³ with the molecular weight at 25 °C (µg/m³ = ppb × MW / 24.45)', () => {
    expect(convert(100, 'ppb', 'µg/m³', 'no2')).toBeCloseTo(188.18, 2);
    expect(convert(188.18, 'ug/m3', 'ppb', 'no2')).toBeCloseTo(100, 2);
    expect(convert(70, 'ppb', 'µg/m³', 'o3')).toBeCloseTo((70 * 48.0) / 24.45, 10);
    expect(convert(120, 'ppb', 'µg/m³', 'so2')).toBeCloseTo(314.5, 1);
    // reference note: CO 30 ppm is 34.37 mg/m³ by 24.45 L/mol
    expect(convert(30, 'ppm', 'mg/m³', 'co')).toBeCloseTo(34.37, 2);
    expect(convert(34.37, 'mg/m3', 'ppm', 'co')).toBeCloseTo(30, 2);
    expect(Object.keys(MOLECULAR_WEIGHTS).sort()).toEqual(['co', 'no2', 'o3', 'so2']);
  });

  it('mass concentrations and mixing ratios round-trip', () => {
    for (const gas of ['co', 'no2', 'o3', 'so2']) {
      const there = convert(42, 'ppb', 'mg/m³', gas);
      expect(convert(there, 'mg/m³', 'ppb', gas)).toBeCloseTo(42, 9);
    }
  });

  it('temperatures', () => {
    expect(convert(212, '°F', '°C')).toBeCloseTo(100, 10);
    expect(convert(32, 'degF', 'Cel')).toBeCloseTo(0, 10);
    expect(convert(300, 'K', '°C')).toBeCloseTo(26.85, 10);
    expect(convert(-40, '°C', '°F')).toBeCloseTo(-40, 10);
    expect(convert(0, '°C', 'K')).toBeCloseTo(273.15, 10);
  });

  it('power, energy, length, mass, conductivity, fractions', () => {
    expect(convert(1500, 'W', 'kW')).toBe(1.5);
    expect(convert(2.5, 'MW', 'kW')).toBe(2500);
    expect(convert(1, 'MWh', 'kWh')).toBe(1000);
    expect(convert(1234, 'Wh', 'kWh')).toBe(1.234);
    expect(convert(250, 'cm', 'm')).toBe(2.5);
    expect(convert(1250, 'mm', 'm')).toBe(1.25);
    expect(convert(500, 'g', 'kg')).toBe(0.5);
    expect(convert(1.2, 't', 'kg')).toBe(1200);
    expect(convert(1.5, 'mS/cm', 'µS/cm')).toBe(1500);
    expect(convert(0.05, 'S/m', 'uS/cm')).toBe(500);
    expect(convert(0.5, 'ratio', '%')).toBe(50);
    expect(convert(0.73, '/', '%')).toBeCloseTo(73, 12);
    expect(convert(65, '%RH', '1')).toBeCloseTo(0.65, 12);
    expect(convert(3, 'µg/m³', 'µg/m³')).toBe(3);
  });

  it('throws a typed UnitError for unknown units', () => {
    const err = catchError(() => convert(1, 'furlong', 'm'));
    expect(err).toBeInstanceOf(UnitError);
    expect((err as UnitError).code).toBe('unit.unknown');
    expect((err as UnitError).unit).toBe('furlong');
    expect((err as UnitError).message).toContain('furlong');
  });

  it('throws for incompatible quantities', () => {
    const err = catchError(() => convert(1, 'kg', 'kW'));
    expect((err as UnitError).code).toBe('unit.incompatible');
    expect((err as UnitError).message).toMatch(/kg.*kW/);
  });

  it('needs a known gas to cross between ppb and µg/m³', () => {
    expect((catchError(() => convert(1, 'ppb', 'µg/m³')) as UnitError).code).toBe('unit.needs_gas');
    expect((catchError(() => convert(1, 'ppb', 'µg/m³', 'pm25')) as UnitError).code).toBe('unit.needs_gas');
    expect((catchError(() => convert(1, 'ppb', 'µg/m³', '__proto__')) as UnitError).code).toBe('unit.needs_gas');
  });

  it('canConvert agrees with convert', () => {
    expect(canConvert('ppb', 'µg/m³', 'no2')).toBe(true);
    expect(canConvert('ppb', 'µg/m³')).toBe(false);
    expect(canConvert('kg', 'kW')).toBe(false);
    expect(canConvert('W', 'kW')).toBe(true);
    expect(canConvert('nope', 'kW')).toBe(false);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

import { describe, expect, it } from 'vitest';
import { canConvert, CATALOG, DOMAINS, getParameter, normalizeUnit, parametersOf } from '../src/index.ts';

const EXPECTED: Record<string, Record<string, string>> = {
  air: { pm25: 'µg/m³', pm10: 'µg/m³', o3: 'ppb', no2: 'ppb', so2: 'ppb', co: 'ppm', temperature: '°C', humidity: '%', noise: 'dBA' },
  water: { pH: 'pH', dissolvedOxygen: 'mg/L', bod: 'mg/L', turbidity: 'NTU', conductivity: 'µS/cm', temperature: '°C', waterLevel: 'm' },
  energy: {
    activePower: 'kW',
    totalActiveEnergyImport: 'kWh',
    voltage: 'V',
    current: 'A',
    powerFactor: '1',
    solarPower: 'kW',
    solarEnergyGenerated: 'kWh',
  },
  waste: { fillingLevel: '%', temperature: '°C', weight: 'kg', lidOpen: '' },
};

describe('catalog', () => {
  it('holds exactly the parameters of each domain with their canonical units', () => {
    for (const domain of DOMAINS) {
      const units = Object.fromEntries(parametersOf(domain).map((p) => [p.name, p.unit]));
      expect(units).toEqual(EXPECTED[domain]);
    }
  });

  it('getParameter finds by domain and exact name', () => {
    expect(getParameter('air', 'pm25')?.range).toEqual({ min: 0, max: 1000 });
    expect(getParameter('water', 'pm25')).toBeUndefined();
    expect(getParameter('air', 'PM25')).toBeUndefined();
    expect(getParameter('air', '__proto__')).toBeUndefined();
    expect(getParameter('air', 'constructor')).toBeUndefined();
  });

  it('temperature appears in air, water and waste; waste allows fire temperatures', () => {
    expect(getParameter('air', 'temperature')).toBe(getParameter('water', 'temperature'));
    expect(getParameter('air', 'temperature')!.range.max).toBeLessThan(100);
    expect(getParameter('waste', 'temperature')!.range.max).toBeGreaterThanOrEqual(200);
  });

  it('has physically sensible ranges', () => {
    expect(getParameter('water', 'pH')!.range).toEqual({ min: 0, max: 14 });
    expect(getParameter('water', 'dissolvedOxygen')!.range).toEqual({ min: 0, max: 25 });
    expect(getParameter('air', 'humidity')!.range).toEqual({ min: 0, max: 100 });
    expect(getParameter('energy', 'voltage')!.range).toEqual({ min: 0, max: 500 });
    expect(getParameter('energy', 'powerFactor')!.range).toEqual({ min: -1, max: 1 });
    for (const spec of CATALOG) expect(spec.range.min, spec.name).toBeLessThan(spec.range.max);
  });

  it('marks counters and booleans', () => {
    const counters = CATALOG.filter((p) => p.counter).map((p) => p.name);
    expect(counters.sort()).toEqual(['solarEnergyGenerated', 'totalActiveEnergyImport']);
    expect(CATALOG.filter((p) => p.kind === 'boolean').map((p) => p.name)).toEqual(['lidOpen']);
  });

  it('accepts FIWARE fractions for fillingLevel', () => {
    const spec = getParameter('waste', 'fillingLevel')!;
    expect(spec.acceptedUnits).toContain('1');
    expect(normalizeUnit('ratio')).toBe('1');
  });

  it('every spec is complete, bilingual and its units convert to the canonical one', () => {
    for (const spec of CATALOG) {
      expect(spec.label.en.length, spec.name).toBeGreaterThan(0);
      expect(spec.label.th, spec.name).toMatch(/[\u0E00-\u0E7F]/);
      expect(spec.acceptedUnits, spec.name).toContain(spec.unit);
      expect(Number.isInteger(spec.decimals) && spec.decimals >= 0).toBe(true);
      for (const unit of spec.acceptedUnits) {
        expect(normalizeUnit(unit), `${spec.name}: ${unit}`).toBe(unit);
        expect(canConvert(unit, spec.unit, spec.name), `${spec.name}: ${unit} -> ${spec.unit}`).toBe(true);
      }
    }
  });

  it('cannot be changed at run time', () => {
    const spec = getParameter('air', 'pm25')!;
    expect(() => {
      (spec.range as { max: number }).max = 5;
    }).toThrow(TypeError);
    expect(Object.isFrozen(CATALOG)).toBe(true);
  });
});

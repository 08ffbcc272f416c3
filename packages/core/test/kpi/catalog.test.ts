import { describe, expect, it } from 'vitest';
import {
  DEFAULT_KPI_DEFINITIONS,
  DIMENSIONS,
  KPI_IDS,
  STANDARDS,
  applyCatalogOverrides,
  checkCatalogOverrides,
  defaultKpiCatalog,
  periodDays,
  referencePeriod,
} from '../../src/index.ts';

describe('default KPI catalog', () => {
  it('has one definition per computable KPI, with weights, methods and known standard ids', () => {
    expect(DEFAULT_KPI_DEFINITIONS.map((k) => k.id)).toEqual([...KPI_IDS]);
    const ids = new Set(STANDARDS.map((s) => s.id));
    for (const k of DEFAULT_KPI_DEFINITIONS) {
      expect(k.weight, k.id).toBeGreaterThan(0);
      expect(k.method.en.length, k.id).toBeGreaterThan(40);
      expect(k.method.th.length, k.id).toBeGreaterThan(20);
      expect(DIMENSIONS).toContain(k.dimension);
      for (const id of k.standardIds) expect(ids.has(id), `${k.id} names ${id}`).toBe(true);
      if (k.baseline !== null && k.target !== null) {
        expect(k.direction === 'higher' ? k.baseline < k.target : k.baseline > k.target, k.id).toBe(true);
      }
    }
    // Smart Environment and Smart Energy weights each add up to 100
    for (const dim of ['environment', 'energy']) {
      expect(DEFAULT_KPI_DEFINITIONS.filter((k) => k.dimension === dim).reduce((n, k) => n + k.weight, 0)).toBe(100);
    }
  });
});

describe('catalog overrides', () => {
  it('accepts and applies a valid document without touching the defaults', () => {
    const doc = { inputs: { population: 125_000, reportingIntervalSeconds: { water: 900 } }, kpis: { 'air.aqi-days': { target: 95, weight: 20, method: { en: 'Our method', th: 'วิธีของเรา' } }, 'energy.per-capita': { enabled: false } } };
    const checked = checkCatalogOverrides(doc);
    expect(checked).toEqual({ ok: true, overrides: doc });
    const catalog = applyCatalogOverrides(defaultKpiCatalog(), checked.ok ? checked.overrides : {});
    expect(catalog.inputs.population).toBe(125_000);
    expect(catalog.inputs.reportingIntervalSeconds).toEqual({ air: 60, water: 900, energy: 60, waste: 300 });
    expect(catalog.kpis.find((k) => k.id === 'air.aqi-days')).toMatchObject({ target: 95, weight: 20, baseline: 60, method: { en: 'Our method' } });
    expect(catalog.kpis.find((k) => k.id === 'energy.per-capita')?.enabled).toBe(false);
    expect(defaultKpiCatalog().kpis.find((k) => k.id === 'air.aqi-days')?.target).toBe(90);
    expect(defaultKpiCatalog().inputs.population).toBeNull();
  });

  it('names every problem with its path', () => {
    const checked = checkCatalogOverrides({
      inputs: { population: -3, reportingIntervalSeconds: { air: 0, sea: 60 }, colour: 'red' },
      kpis: { 'air.nope': {}, 'air.aqi-days': { weight: 0, direction: 'up', method: { en: 'x' } }, 'noise.days-within-standard': { baseline: 95 } },
      extra: true,
    });
    expect(checked.ok).toBe(false);
    const paths = checked.ok ? [] : checked.issues.map((i) => i.path);
    expect(paths.sort()).toEqual(
      [
        'extra',
        'inputs.population',
        'inputs.reportingIntervalSeconds.air',
        'inputs.reportingIntervalSeconds.sea',
        'inputs.colour',
        'kpis.air.nope',
        'kpis.air.aqi-days.weight',
        'kpis.air.aqi-days.direction',
        'kpis.air.aqi-days.method',
        // baseline 95 above the default target 90 of a "higher" KPI
        'kpis.noise.days-within-standard',
      ].sort(),
    );
    expect(checkCatalogOverrides([]).ok).toBe(false);
    expect(checkCatalogOverrides({}).ok).toBe(true);
  });
});

describe('periods', () => {
  it('lists the Asia/Bangkok days of an inclusive period', () => {
    const p = periodDays({ from: '2024-02-28', to: '2024-03-01' });
    expect(p.ok && p.days.map((d) => [d.date, new Date(d.start).toISOString()])).toEqual([
      ['2024-02-28', '2024-02-27T17:00:00.000Z'],
      ['2024-02-29', '2024-02-28T17:00:00.000Z'],
      ['2024-03-01', '2024-02-29T17:00:00.000Z'],
    ]);
  });

  it('says what is wrong with a bad period', () => {
    expect(periodDays({ from: '2024-02-30', to: '2024-03-01' })).toMatchObject({ ok: false, field: 'from' });
    expect(periodDays({ from: '2024-03-02', to: '2024-03-01' })).toMatchObject({ ok: false, field: 'to', message: expect.stringMatching(/before it starts/) });
    expect(periodDays({ from: '2020-01-01', to: '2023-12-31' })).toMatchObject({ ok: false, message: expect.stringMatching(/three years/) });
  });

  it('takes the energy reference one year earlier, 29 February becoming 28 February', () => {
    expect(referencePeriod({ from: '2024-01-01', to: '2024-02-29' })).toEqual({ from: '2023-01-01', to: '2023-02-28' });
  });
});

import { describe, expect, it } from 'vitest';
import { certificationRules, kpiScore, meetsTarget, missingToPass, overallScore, scoreDimensions, type KpiValue } from '../../src/index.ts';

function value(over: Partial<KpiValue> & Pick<KpiValue, 'id' | 'dimension' | 'score'>): KpiValue {
  return {
    group: 'air',
    name: { en: over.id, th: over.id },
    unit: '%',
    direction: 'higher',
    baseline: 50,
    target: 90,
    weight: 10,
    method: { en: '', th: '' },
    enabled: true,
    status: 'ok',
    value: 0,
    met: false,
    completeness: 1,
    standards: [],
    notes: [],
    details: {},
    ...over,
  };
}

describe('kpiScore', () => {
  it('is the progress from baseline to target, clamped to 0-100', () => {
    const higher = { direction: 'higher' as const, baseline: 50, target: 90 };
    expect(kpiScore(higher, 70)).toBe(50);
    expect(kpiScore(higher, 90)).toBe(100);
    expect(kpiScore(higher, 95)).toBe(100);
    expect(kpiScore(higher, 40)).toBe(0);
    const lower = { direction: 'lower' as const, baseline: 240, target: 60 };
    expect(kpiScore(lower, 90)).toBe(83.3);
    expect(kpiScore(lower, 60)).toBe(100);
    expect(kpiScore(lower, 300)).toBe(0);
  });

  it('scores 0 without a value or a target, and all-or-nothing without a baseline', () => {
    expect(kpiScore({ direction: 'higher', baseline: 50, target: 90 }, null)).toBe(0);
    expect(kpiScore({ direction: 'higher', baseline: 50, target: null }, 80)).toBe(0);
    expect(kpiScore({ direction: 'lower', baseline: null, target: 100 }, 99)).toBe(100);
    expect(kpiScore({ direction: 'lower', baseline: null, target: 100 }, 101)).toBe(0);
    expect(meetsTarget({ direction: 'lower', target: -10 }, -10)).toBe(true);
    expect(meetsTarget({ direction: 'higher', target: 90 }, 89.99)).toBe(false);
  });
});

describe('certification scoring', () => {
  it('passes with Smart Environment and a second dimension at 70 % or more and 80 % overall', () => {
    const kpis = [
      value({ id: 'air.pm25-station-days', dimension: 'environment', score: 100, weight: 3 }),
      value({ id: 'air.aqi-days', dimension: 'environment', score: 50, weight: 1 }),
      value({ id: 'energy.renewable-share', dimension: 'energy', score: 75, weight: 1 }),
      value({ id: 'energy.peak-demand', dimension: 'energy', score: 0, weight: 5, enabled: false }),
    ];
    const dims = scoreDimensions(kpis);
    // environment (3·100 + 1·50) / 4 = 87.5; energy: the disabled KPI does not count
    expect(dims.map((d) => [d.id, d.score, d.passed])).toEqual([
      ['environment', 87.5, true],
      ['energy', 75, true],
    ]);
    const overall = overallScore(dims);
    expect(overall).toEqual({ score: 81.3, passThreshold: 80, passed: true });
    expect(certificationRules(dims, overall).every((r) => r.passed)).toBe(true);
    expect(missingToPass(kpis, dims, overall)).toEqual([]);
  });

  it('fails without Smart Environment however good the other dimensions are', () => {
    const kpis = [value({ id: 'energy.renewable-share', dimension: 'energy', score: 100 })];
    const dims = scoreDimensions(kpis);
    const overall = overallScore(dims);
    const rules = certificationRules(dims, overall);
    expect(rules.find((r) => r.id === 'environment-mandatory')?.passed).toBe(false);
    expect(rules.find((r) => r.id === 'minimum-dimensions')?.passed).toBe(false);
    expect(rules.find((r) => r.id === 'overall-threshold')?.passed).toBe(true);
    expect(missingToPass(kpis, dims, overall).map((m) => m.kind)).toEqual(['environment-missing', 'too-few-dimensions']);
  });

  it('lists insufficient-data KPIs of a failing dimension first by what they would add', () => {
    const kpis = [
      value({ id: 'air.pm25-station-days', dimension: 'environment', score: 100, weight: 2 }),
      value({ id: 'water.samples-within-class', dimension: 'environment', score: 0, weight: 1, status: 'insufficient_data', value: null, notes: [{ en: 'Only 10 % of the samples.', th: 'x' }] }),
      value({ id: 'noise.days-within-standard', dimension: 'environment', score: 0, weight: 2, value: 50 }),
      value({ id: 'energy.renewable-share', dimension: 'energy', score: 100 }),
    ];
    const dims = scoreDimensions(kpis);
    // environment: 2·100 / 5 = 40
    expect(dims[0]?.score).toBe(40);
    const missing = missingToPass(kpis, dims, overallScore(dims));
    const kpiItems = missing.filter((m) => m.kpiId);
    expect(kpiItems.map((m) => [m.kpiId, m.kind, m.gainPoints])).toEqual([
      ['noise.days-within-standard', 'below-target', 40],
      ['water.samples-within-class', 'insufficient-data', 20],
    ]);
    expect(kpiItems[1]?.message.en).toMatch(/insufficient data\. Only 10 %/);
  });
});

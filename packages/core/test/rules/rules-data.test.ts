import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RULES,
  RULE_CHOICES,
  applyRuleOverrides,
  checkRules,
  standardVersions,
  type StandardCondition,
  type ThresholdCondition,
} from '../../src/index.ts';
import { DAY, HOUR, rule } from './helpers.ts';

describe('default rules', () => {
  it('are consistent data', () => {
    expect(checkRules(DEFAULT_RULES)).toEqual([]);
  });

  it('judge each standard on its own window: PM 24 h, O3/CO 8 h, NO2/SO2 1 h, noise Leq 24 h', () => {
    const windows: Record<string, number | 'instant'> = {};
    for (const r of DEFAULT_RULES) {
      const c = r.conditions[0];
      if (c?.kind !== 'standard') continue;
      const averaging = standardVersions((c as StandardCondition).standardId)[0]!.averaging;
      windows[r.id] = averaging.kind === 'instant' ? 'instant' : averaging.periodMs!;
    }
    expect(windows).toEqual({
      'air.pm25.24h': DAY,
      'air.pm10.24h': DAY,
      'air.o3.8h': 8 * HOUR,
      'air.o3.1h': HOUR,
      'air.co.8h': 8 * HOUR,
      'air.co.1h': HOUR,
      'air.no2.1h': HOUR,
      'air.so2.1h': HOUR,
      'air.so2.24h': DAY,
      'air.noise.leq.24h': DAY,
      'air.noise.lmax': 'instant',
    });
  });

  it('take the water limits from the standards data, never typed again', () => {
    const doLow = rule('water.do.low').conditions[0] as ThresholdCondition;
    expect(doLow.value).toBe(standardVersions('th-sw-do-class4')[0]!.limit.min);
    const [phLow, phHigh] = rule('water.ph.range').conditions as ThresholdCondition[];
    expect([phLow!.value, phHigh!.value]).toEqual([standardVersions('th-sw-ph-class4')[0]!.limit.min, standardVersions('th-sw-ph-class4')[0]!.limit.max]);
  });

  it('document every operational choice', () => {
    expect(RULE_CHOICES.map((c) => c.id)).toEqual(
      expect.arrayContaining(['standard-hysteresis', 'insufficient-data', 'aqi-band', 'offline', 'stuck', 'waste', 'water', 'voltage', 'consumption-baseline']),
    );
  });
});

describe('applyRuleOverrides', () => {
  it('changes a condition of one rule and leaves the defaults untouched', () => {
    const { rules, problems } = applyRuleOverrides(DEFAULT_RULES, { rules: { 'waste.fill.high': { severity: 'major', conditions: { fill: { value: 85, clearValue: 65 } } }, 'air.noise.lmax': { enabled: false } } });
    expect(problems).toEqual([]);
    const fill = rules.find((r) => r.id === 'waste.fill.high')!;
    expect(fill.severity).toBe('major');
    expect(fill.conditions[0]).toMatchObject({ value: 85, clearValue: 65, parameter: 'fillingLevel' });
    expect(rules.find((r) => r.id === 'air.noise.lmax')!.enabled).toBe(false);
    expect((rule('waste.fill.high').conditions[0] as ThresholdCondition).value).toBe(80);
  });

  it('adds whole new rules (a city-specific threshold)', () => {
    const { rules, problems } = applyRuleOverrides(DEFAULT_RULES, {
      add: [
        {
          ...rule('waste.fill.high'),
          id: 'water.level.flood',
          name: { en: 'Flood level', th: 'ระดับน้ำท่วม' },
          domains: ['water'],
          conditions: [{ id: 'level', kind: 'threshold', parameter: 'waterLevel', op: 'gt', value: 4.2, clearValue: 3.9, maxSampleAgeMs: HOUR }],
        },
      ],
    });
    expect(problems).toEqual([]);
    expect(rules.map((r) => r.id)).toContain('water.level.flood');
  });

  it('reports every problem with its path and what to do', () => {
    const { problems } = applyRuleOverrides(
      DEFAULT_RULES,
      {
        rules: {
          'no.such.rule': { enabled: false },
          'waste.fill.high': { conditions: { fill: { value: 50, clearValue: 70, colour: 'red' } } },
          'water.ph.range': { conditions: { middle: { value: 7 } }, escalation: { afterMs: 0, maxLevel: 1 } },
          'ops.device.offline': { conditions: { offline: { afterMs: -5 } } },
        },
        add: [{ ...rule('air.pm25.24h') }],
      },
      'cities.cnx.',
    );
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p.message]));
    expect(byPath['cities.cnx.rules.no.such.rule']).toMatch(/no rule has the id "no.such.rule"; known rules: air.pm25.24h/);
    expect(byPath['cities.cnx.rules.waste.fill.high.conditions.fill.colour']).toMatch(/a threshold condition has no field "colour"/);
    expect(byPath['cities.cnx.rules.water.ph.range.conditions.middle']).toMatch(/has no condition "middle"; its conditions are low, high/);
    expect(byPath['cities.cnx.rules.water.ph.range.escalation']).toMatch(/afterMs > 0/);
    expect(byPath['cities.cnx.rules.ops.device.offline.conditions.offline.afterMs']).toMatch(/above 0/);
    expect(byPath['cities.cnx.add[0].id']).toMatch(/exists already; change it under rules.air.pm25.24h/);
    // a valid field with an impossible value is caught by the check of the merged rule
    const swapped = applyRuleOverrides(DEFAULT_RULES, { rules: { 'waste.fill.high': { conditions: { fill: { value: 50, clearValue: 70 } } } } });
    expect(swapped.problems).toEqual([{ path: 'rules.waste.fill.high.conditions.fill.clearValue', message: expect.stringMatching(/clearValue: 70 must not be above value 50/) }]);
  });
});

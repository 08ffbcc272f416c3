import { describe, expect, it } from 'vitest';
import {
  PROJECT_CHOICES,
  STANDARD_SOURCES,
  StandardsInputError,
  THAI_AQI_TABLES,
  aqiTableFor,
  allStandards,
  checkStandardsData,
  getStandard,
  parseStandardsDate,
  standardVersions,
  standardsFor,
  type AqiPollutant,
} from '../../src/standards/index.ts';
import { bkk } from './helpers.ts';

describe('standards data', () => {
  it('is consistent (no overlapping editions, windows defined, limits sound)', () => {
    expect(checkStandardsData()).toEqual([]);
  });

  it('the check finds overlapping editions and missing windows', () => {
    const pm25 = standardVersions('th-aaqs-pm25-24h');
    const [old, current] = pm25 as [(typeof pm25)[number], (typeof pm25)[number]];
    const problems = checkStandardsData([
      { ...old, effectiveTo: '2023-06-15' },
      current,
      { ...current, id: 'x', averaging: { kind: 'rolling', label: { en: '', th: '' } } },
      { ...current, id: 'y', limit: {} },
    ]);
    expect(problems).toEqual([
      'x@2023-06-01: rolling averaging needs periodMs > 0',
      'y@2023-06-01: limit has neither min nor max',
      'th-aaqs-pm25-24h: editions NEB-36/2553 and 2023-06-01 overlap in time',
    ]);
  });

  it('cites only known sources', () => {
    const keys = new Set(STANDARD_SOURCES.map((s) => s.key));
    for (const s of allStandards()) {
      const cited = [...s.source.matchAll(/\[([A-Z0-9-]+[a-z]?)\]/g)].map((m) => m[1]);
      expect(cited.length, `${s.id} cites no source key`).toBeGreaterThan(0);
      for (const key of cited) expect(keys.has(key as string), `${s.id} cites unknown [${key}]`).toBe(true);
    }
  });
});

describe('Thai ambient air standards (reference §1.1), in the canonical catalog units', () => {
  it.each([
    ['th-aaqs-co-1h', 'co', 30, 'ppm'],
    ['th-aaqs-co-8h', 'co', 9, 'ppm'],
    ['th-aaqs-no2-1h', 'no2', 170, 'ppb'],
    ['th-aaqs-no2-1y', 'no2', 30, 'ppb'],
    ['th-aaqs-o3-1h', 'o3', 100, 'ppb'],
    ['th-aaqs-o3-8h', 'o3', 70, 'ppb'],
    ['th-aaqs-so2-1h', 'so2', 300, 'ppb'],
    ['th-aaqs-so2-24h', 'so2', 120, 'ppb'],
    ['th-aaqs-so2-1y', 'so2', 40, 'ppb'],
    ['th-aaqs-pb-1m', 'pb', 1.5, 'µg/m³'],
    ['th-aaqs-tsp-24h', 'tsp', 330, 'µg/m³'],
    ['th-aaqs-tsp-1y', 'tsp', 100, 'µg/m³'],
    ['th-aaqs-pm10-24h', 'pm10', 120, 'µg/m³'],
    ['th-aaqs-pm10-1y', 'pm10', 50, 'µg/m³'],
    ['th-aaqs-pm25-24h', 'pm25', 37.5, 'µg/m³'],
    ['th-aaqs-pm25-1y', 'pm25', 15, 'µg/m³'],
  ] as const)('%s: %s <= %d %s', (id, parameter, max, unit) => {
    expect(getStandard(id, '2024-01-01')).toMatchObject({ parameter, limit: { max }, unit, domain: 'air', category: 'ambient-air', status: 'VERIFIED' });
  });
});

describe('standards in force by date', () => {
  const pm25Limits = (at: string | number) =>
    standardsFor('pm25', at)
      .map((s) => `${s.id}=${s.limit.max}`)
      .sort();

  it('PM2.5 24 h: 50 until 2023-05-31, 37.5 from 2023-06-01', () => {
    expect(getStandard('th-aaqs-pm25-24h', '2023-05-31')).toMatchObject({ limit: { max: 50 }, version: 'NEB-36/2553' });
    expect(getStandard('th-aaqs-pm25-24h', '2023-06-01')).toMatchObject({ limit: { max: 37.5 }, version: '2023-06-01' });
    // Bangkok days: 00:30 on 1 June in Bangkok is 31 May in UTC
    expect(getStandard('th-aaqs-pm25-24h', bkk('2023-06-01T00:30'))?.limit.max).toBe(37.5);
    expect(getStandard('th-aaqs-pm25-24h', new Date(bkk('2023-05-31T23:59')))?.limit.max).toBe(50);
  });

  it('PM2.5 annual: 25 until 2022-07-08, 15 from the Royal Gazette day 2022-07-09', () => {
    expect(pm25Limits('2022-07-08')).toEqual(['th-aaqs-pm25-1y=25', 'th-aaqs-pm25-24h=50']);
    expect(pm25Limits('2022-07-09')).toEqual(['th-aaqs-pm25-1y=15', 'th-aaqs-pm25-24h=50']);
    expect(pm25Limits('2023-06-01')).toEqual(['th-aaqs-pm25-1y=15', 'th-aaqs-pm25-24h=37.5']);
    expect(pm25Limits('2009-12-31')).toEqual([]);
  });

  it('filters by category and scope', () => {
    expect(standardsFor('dissolvedOxygen', '2024-01-01', { waterClass: 3 })).toMatchObject([
      { id: 'th-sw-do-class3', limit: { min: 4.0 }, statistic: 'percentile', percentile: 20, averaging: { kind: 'sample-window' } },
    ]);
    expect(standardsFor('bod', '2024-01-01', { category: 'surface-water' }).map((s) => s.limit.max)).toEqual([1.5, 2.0, 4.0]);
    expect(standardsFor('pH', '2024-01-01', { category: 'tap-water' })).toMatchObject([{ limit: { min: 6.5, max: 8.5 } }]);
    expect(standardsFor('bod', '2024-01-01', { category: 'effluent-building', buildingType: 'B' })).toMatchObject([{ limit: { max: 30 } }]);
    expect(standardsFor('noise', '2024-01-01').map((s) => `${s.statistic}:${s.limit.max}`).sort()).toEqual(['leq:70', 'sample:115']);
  });

  it('tap-water chlorine keeps the reference status labels', () => {
    expect(standardsFor('freeChlorine', '2024-01-01', { category: 'tap-water' }).map((s) => [s.limit, s.status])).toEqual([
      [{ min: 0.2 }, 'VERIFIED'],
      [{ max: 0.5 }, 'PARTIAL'],
    ]);
  });

  it('a malformed date is an error value from parseStandardsDate and an exception from the look-ups', () => {
    expect(parseStandardsDate('2023-02-30')).toMatchObject({ ok: false, error: { code: 'date.invalid' } });
    expect(parseStandardsDate('soon')).toMatchObject({ ok: false });
    expect(parseStandardsDate('2023-06-01T00:30:00+07:00')).toEqual({ ok: true, date: '2023-06-01' });
    expect(() => getStandard('th-aaqs-pm25-24h', 'soon')).toThrow(StandardsInputError);
  });
});

describe('AQI tables agree with the ambient standards (AQI 100 = standard)', () => {
  const standardFor: Record<AqiPollutant, string> = {
    pm25: 'th-aaqs-pm25-24h',
    pm10: 'th-aaqs-pm10-24h',
    o3: 'th-aaqs-o3-8h',
    co: 'th-aaqs-co-8h',
    no2: 'th-aaqs-no2-1h',
    so2: 'th-aaqs-so2-1h',
  };

  for (const day of ['2023-05-31', '2023-06-01']) {
    it(`on ${day}: breakpoint at AQI 100, averaging, unit and resolution match`, () => {
      const table = aqiTableFor(day);
      for (const [pollutant, id] of Object.entries(standardFor) as [AqiPollutant, string][]) {
        const row = table.rows[pollutant];
        const standard = getStandard(id, day);
        const at100 = row.breakpoints.find((b) => b.iHigh === 100);
        expect(at100?.cHigh, pollutant).toBe(standard?.limit.max);
        expect(row.averagingMs, pollutant).toBe(standard?.averaging.periodMs);
        expect(row.unit, pollutant).toBe(standard?.unit);
        expect(row.decimals, pollutant).toBe(standard?.decimals);
      }
    });
  }

  it('tables tile the calendar', () => {
    expect(THAI_AQI_TABLES.map((t) => [t.version, t.effectiveFrom, t.effectiveTo])).toEqual([
      ['pre-2023', '1970-01-01', '2023-05-31'],
      ['2023-06-01', '2023-06-01', undefined],
    ]);
  });
});

describe('project choices', () => {
  it('are printable data with unique ids covering the open points', () => {
    const ids = PROJECT_CHOICES.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const required of [
      'completeness',
      'aqi-above-200',
      'aqi-input-rounding',
      'aqi-result-rounding',
      'aqi-legacy-gaps',
      'eight-hour-rolling',
      'annual-statistic',
      'surface-water-window',
      'aqi-palette',
      'percentile-method',
      'city-aqi',
      'pm25-annual-date',
    ]) {
      expect(ids).toContain(required);
    }
    for (const c of PROJECT_CHOICES) {
      expect(c.choice.en.length * c.choice.th.length * c.reason.length * c.title.th.length, c.id).toBeGreaterThan(0);
    }
  });
});

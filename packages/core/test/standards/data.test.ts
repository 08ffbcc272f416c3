import { describe, expect, it } from 'vitest';
import { AQI_BANDS, PROJECT_CHOICES, THAI_AQI_TABLES, allStandards, getStandard, standardsFor } from '../../src/standards/index.ts';

describe('standards data files', () => {
  it('every UNVERIFIED standard is decided by a project choice, and every listed id exists', () => {
    const covered = new Set(PROJECT_CHOICES.flatMap((c) => c.standardIds ?? []));
    const unverified = allStandards().filter((s) => s.status === 'UNVERIFIED').map((s) => s.id);
    expect(unverified.length).toBeGreaterThan(0);
    for (const id of unverified) expect(covered.has(id), `${id} has no project choice`).toBe(true);
    const ids = new Set(allStandards().map((s) => s.id));
    for (const id of covered) expect(ids.has(id), `project choice lists unknown ${id}`).toBe(true);
  });

  it('every source names the notification, Royal Gazette and effective dates', () => {
    for (const s of allStandards()) {
      expect(s.source, s.id).toMatch(/; Royal Gazette: .+; effective: .+; thai-standards\.md §/);
    }
  });

  it('surface water: classes 2-4 only, percentile rows on a sample window', () => {
    const doRows = standardsFor('dissolvedOxygen', '2024-01-01', { category: 'surface-water' });
    expect(doRows.map((s) => [s.scope?.waterClass, s.limit.min])).toEqual([
      [2, 6.0],
      [3, 4.0],
      [4, 2.0],
    ]);
    expect(standardsFor('totalColiform', '2024-01-01').map((s) => [s.scope?.waterClass, s.limit.max, s.percentile])).toEqual([
      [2, 5000, 80],
      [3, 20000, 80],
    ]);
    expect(standardsFor('cadmium', '2024-01-01', { waterClass: 2, hardness: 'gt-100-mg-caco3' })).toMatchObject([{ limit: { max: 0.05 }, status: 'UNVERIFIED' }]);
  });

  it('effluent: industrial and building types, with the reference status', () => {
    expect(getStandard('th-eff-ind-ph', '2024-01-01')).toMatchObject({ limit: { min: 5.5, max: 9.0 }, category: 'effluent-industrial' });
    expect(standardsFor('bod', '2024-01-01', { category: 'effluent-building' }).map((s) => [s.scope?.buildingType, s.limit.max, s.status])).toEqual([
      ['A', 20, 'VERIFIED'],
      ['B', 30, 'VERIFIED'],
      ['C', 40, 'UNVERIFIED'],
    ]);
  });

  it('AQI bands tile 0..∞ and every table row has five bands that start where the previous ended', () => {
    AQI_BANDS.forEach((band, i) => {
      if (i > 0) expect(band.minAqi).toBe((AQI_BANDS[i - 1]?.maxAqi ?? Number.NaN) + 1);
    });
    for (const table of THAI_AQI_TABLES) {
      for (const row of Object.values(table.rows)) {
        expect(row.breakpoints.map((b) => b.iLow), `${table.version} ${row.pollutant}`).toEqual([0, 26, 51, 101, 201]);
        const step = 10 ** -row.decimals;
        for (let i = 1; i < row.breakpoints.length; i += 1) {
          const gap = (row.breakpoints[i]?.cLow ?? Number.NaN) - (row.breakpoints[i - 1]?.cHigh ?? Number.NaN);
          expect(gap, `${table.version} ${row.pollutant} band ${i}`).toBeCloseTo(step, 9);
        }
      }
    }
  });
});

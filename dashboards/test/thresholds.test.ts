/**
 * Every threshold in the dashboard JSON equals the standards data and alert rules of @mueang/core: the AQI bands and
 * their colours, each pollutant's ambient standard, each surface-water class limit, the waste rule levels. A number
 * typed into a dashboard instead of read from core has no source and fails the last test.
 */
import { AQI_BANDS, AQI_POLLUTANTS, AQI_STANDARD_IDS, DEFAULT_RULES, MIN_COMPLETENESS, getParameter, getStandard, standardsFor, type Limit } from '@mueang/core';
import { buildFleet, DEMO_FLEET_SPEC } from '@mueang/sim';
import type { Dashboard, Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { describe, expect, it } from 'vitest';
import { buildDashboards } from '../src/index.ts';
import { parseSites } from '../src/sites.ts';
import { panelsOf } from './grafana.ts';

const now = Date.now();
const sites = parseSites(buildFleet(DEMO_FLEET_SPEC).sites, 'demo fleet');
const dashboards = buildDashboards({ at: now, sites });

function steps(panel: Panel): Array<{ value: number | null; color: string }> {
  return panel.fieldConfig?.defaults?.thresholds?.steps ?? [];
}

function stepValues(panel: Panel): number[] {
  return steps(panel).flatMap((s) => (s.value === null ? [] : [s.value]));
}

function limitValues(limit: Limit): number[] {
  return [limit.min, limit.max].filter((v): v is number => v !== undefined);
}

function allPanels(): Array<{ dashboard: Dashboard; panel: Panel }> {
  return dashboards.flatMap((dashboard) => panelsOf(dashboard).map((panel) => ({ dashboard, panel })));
}

function ruleValue(ruleId: string, conditionId: string): number {
  const condition = DEFAULT_RULES.find((r) => r.id === ruleId)?.conditions.find((c) => c.id === conditionId);
  if (condition?.kind !== 'threshold') throw new Error(`no threshold ${ruleId}/${conditionId}`);
  return condition.value;
}

describe('thresholds come from the standards data', () => {
  it('colours every AQI panel by the five Thai AQI bands and their palette', () => {
    const aqiPanels = allPanels().filter(({ panel }) => /AQI/.test(panel.title ?? ''));
    expect(aqiPanels.length).toBeGreaterThanOrEqual(4);
    const expected = AQI_BANDS.map((band, i) => ({ value: i === 0 ? null : band.minAqi, color: band.colour.hex }));
    for (const { dashboard, panel } of aqiPanels) expect(steps(panel), `${dashboard.uid} / ${panel.title}`).toEqual(expected);
  });

  it("draws each AQI pollutant's ambient standard in force", () => {
    const air = dashboards.find((d) => d.uid === 'mueang-air') as Dashboard;
    for (const pollutant of AQI_POLLUTANTS) {
      const standard = getStandard(AQI_STANDARD_IDS[pollutant], now);
      expect(standard, AQI_STANDARD_IDS[pollutant]).toBeDefined();
      const panel = panelsOf(air).find((p) => p.description?.includes(`standard ${standard!.id},`));
      expect(panel, `a panel for ${standard!.id}`).toBeDefined();
      expect(stepValues(panel!), standard!.id).toEqual(limitValues(standard!.limit));
      expect(panel!.description).toContain(`edition ${standard!.version}`);
    }
  });

  it('draws the limits of the class each water site is assigned', () => {
    const water = dashboards.find((d) => d.uid === 'mueang-water') as Dashboard;
    const classes = [...new Set(sites.flatMap((s) => (s.waterClass ? [s.waterClass] : [])))];
    expect(classes.length).toBeGreaterThan(1);
    let lines = 0;
    for (const waterClass of classes) {
      for (const parameter of ['dissolvedOxygen', 'bod', 'pH', 'turbidity']) {
        const title = `Class ${waterClass} — ${getParameter('water', parameter)?.label.en}`;
        const panel = panelsOf(water).find((p) => p.title === title);
        expect(panel, title).toBeDefined();
        const standards = standardsFor(parameter, now, { category: 'surface-water', waterClass: waterClass as 2 });
        expect(stepValues(panel!), title).toEqual(standards.flatMap((s) => limitValues(s.limit)));
        lines += standards.length;
        // only that class's sites
        const ids = sites.filter((s) => s.waterClass === waterClass).map((s) => s.id);
        const query = (panel!.targets?.[0] as unknown as { query: string }).query;
        for (const id of ids) expect(query).toContain(id);
      }
    }
    expect(lines).toBeGreaterThanOrEqual(classes.length * 3);
  });

  it('marks the bins at the levels of the waste alert rules', () => {
    const waste = dashboards.find((d) => d.uid === 'mueang-waste') as Dashboard;
    const fill = panelsOf(waste).find((p) => p.title === 'Fill level per bin');
    expect(stepValues(fill!)).toEqual([ruleValue('waste.fill.high', 'fill'), ruleValue('waste.overflow', 'full')]);
  });

  it('has no threshold without a source in core', () => {
    const sources = new Set<number>([
      ...AQI_BANDS.map((b) => b.minAqi),
      ...AQI_POLLUTANTS.flatMap((p) => limitValues(getStandard(AQI_STANDARD_IDS[p], now)!.limit)),
      ...['dissolvedOxygen', 'bod', 'pH', 'turbidity'].flatMap((p) => standardsFor(p, now, { category: 'surface-water' }).flatMap((s) => limitValues(s.limit))),
      ruleValue('waste.fill.high', 'fill'),
      ruleValue('waste.overflow', 'full'),
      MIN_COMPLETENESS * 100,
      // count panels: any at all is worth a look
      1,
    ]);
    const unexplained = allPanels().flatMap(({ dashboard, panel }) => stepValues(panel).filter((v) => !sources.has(v)).map((v) => `${dashboard.uid} / ${panel.title}: ${v}`));
    expect(unexplained).toEqual([]);
  });
});

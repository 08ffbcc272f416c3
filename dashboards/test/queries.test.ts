/**
 * Every panel query and every template variable query of every dashboard, with Grafana's macros and variables filled
 * in, runs against a real InfluxDB loaded with the simulated demo city and returns data. A broken query fails here.
 */
import { DAY_MS } from '@mueang/core';
import { requireComponents } from '@mueang/testkit';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards } from '../src/index.ts';
import { DATABASE, loadDemoCity, runQuery, type DemoCity, type InfluxResult } from './fixture.ts';
import { interpolate, leftoverVariables, targetsOf, timeFilterOf, variablesOf, type InterpolationInput } from './grafana.ts';

const ok = await requireComponents('dashboard queries against InfluxDB', 'influxd');

/** what the panels' $__interval becomes (a week at ~1000 points is about 10 minutes) */
const INTERVAL = '10m';

function valuesOf(result: InfluxResult): unknown[] {
  // every non-time cell of every row: a query that only returns nulls returns nothing useful
  return (result.series ?? []).flatMap((s) => s.values.flatMap((row) => row.filter((_, i) => s.columns[i] !== 'time')));
}

describe.skipIf(!ok)('dashboard queries on the demo city', () => {
  let city: DemoCity;
  let dashboards: Dashboard[];

  beforeAll(async () => {
    city = await loadDemoCity();
    dashboards = buildDashboards({ at: city.now, sites: city.sites });
  });
  afterAll(async () => {
    await city?.stop();
  });

  /** Run the variable queries in order (each narrowed by the ones before) and choose every value they offer. */
  async function chooseEverything(dashboard: Dashboard, all: boolean): Promise<InterpolationInput> {
    const input: InterpolationInput = { timeFilter: timeFilterOf(dashboard), interval: INTERVAL, variables: {}, allValues: {} };
    for (const variable of variablesOf(dashboard)) {
      const query = interpolate(String(variable.query), input);
      const result = await runQuery(city.influx, query);
      expect(result.error, `${dashboard.uid} variable ${variable.name}: ${query}`).toBeUndefined();
      const values = (result.series ?? []).flatMap((s) => s.values.map((row) => String(row[1])));
      expect(values.length, `${dashboard.uid} variable ${variable.name} offers no value: ${query}`).toBeGreaterThan(0);
      input.variables[variable.name] = all ? 'all' : [...new Set(values)].sort();
      input.allValues[variable.name] = String(variable.allValue ?? '');
    }
    return input;
  }

  it('builds six dashboards whose targets all use the InfluxQL datasource in raw mode', () => {
    expect(dashboards.map((d) => d.uid)).toEqual(['mueang-overview', 'mueang-air', 'mueang-water', 'mueang-energy', 'mueang-waste', 'mueang-health']);
    for (const d of dashboards) {
      expect(targetsOf(d).length, d.uid).toBeGreaterThan(0);
      expect(variablesOf(d).map((v) => v.name)).toEqual(['city', 'site', 'device']);
      const titles = targetsOf(d).filter((t) => t.refId === 'A').map((t) => t.panel);
      expect(new Set(titles).size, `${d.uid} panel titles are unique`).toBe(titles.length);
    }
  });

  it('offers the demo city, its sites and devices in the template variables', async () => {
    const overview = dashboards[0] as Dashboard;
    const input = await chooseEverything(overview, false);
    expect(input.variables.city).toEqual(['cnx']);
    expect(input.variables.site).toEqual(expect.arrayContaining(city.fleet.sites.map((s) => s.id)));
    expect(input.variables.device).toEqual(expect.arrayContaining(city.fleet.devices.map((d) => d.id)));
  });

  for (const all of [false, true]) {
    it(`runs every panel query with ${all ? 'All' : 'every value'} chosen and gets data back`, async () => {
      const failures: string[] = [];
      let checked = 0;
      for (const dashboard of dashboards) {
        const input = await chooseEverything(dashboard, all);
        for (const target of targetsOf(dashboard)) {
          const query = interpolate(target.query, input);
          const where = `${target.dashboard} / "${target.panel}" / ${target.refId}`;
          const leftovers = leftoverVariables(query);
          if (leftovers.length > 0) {
            failures.push(`${where}: unknown variables ${leftovers.join(', ')}`);
            continue;
          }
          const result = await runQuery(city.influx, query);
          checked += 1;
          if (result.error) failures.push(`${where}: ${result.error}\n    ${query.slice(0, 400)}`);
          else if (valuesOf(result).every((v) => v === null)) failures.push(`${where}: no data\n    ${query.slice(0, 400)}`);
        }
      }
      expect(failures).toEqual([]);
      expect(checked).toBeGreaterThan(40);
    });
  }

  it('reads the daily rollups from INFLUX_ROLLUP_RETENTION_POLICY when the build is given one', async () => {
    // the demo city's rollups copied into a policy of their own, as README "InfluxDB" describes
    for (const statement of [`CREATE RETENTION POLICY "rollups" ON "${DATABASE}" DURATION INF REPLICATION 1 SHARD DURATION 52w`, 'SELECT * INTO "rollups"."rollup_1d" FROM "rollup_1d" GROUP BY *']) {
      const result = await runQuery(city.influx, statement);
      expect(result.error, statement).toBeUndefined();
    }
    const moved = buildDashboards({ at: city.now, sites: city.sites, rollupRetentionPolicy: 'rollups' });
    const rollupTargets = (list: Dashboard[]) => list.flatMap(targetsOf).filter((t) => t.query.includes('rollup_1d'));
    expect(rollupTargets(dashboards).length).toBeGreaterThanOrEqual(4);
    expect(rollupTargets(dashboards).every((t) => !t.query.includes('"rollups".'))).toBe(true);
    const targets = rollupTargets(moved);
    expect(targets.map((t) => t.panel)).toEqual(rollupTargets(dashboards).map((t) => t.panel));
    for (const target of targets) {
      expect(target.query.match(/"rollup_1d"/g)?.length, target.panel).toBe(target.query.match(/"rollups"\."rollup_1d"/g)?.length);
      const dashboard = moved.find((d) => d.uid === target.dashboard) as Dashboard;
      const query = interpolate(target.query, await chooseEverything(dashboard, true));
      const result = await runQuery(city.influx, query);
      expect(result.error, `${target.panel}: ${query}`).toBeUndefined();
      expect(valuesOf(result).some((v) => v !== null), `${target.panel} reads data from the rollups policy`).toBe(true);
    }
  });

  it("shows each station-day's Leq 24 h as the energy mean of its readings, not their arithmetic mean", async () => {
    const air = dashboards.find((d) => d.uid === 'mueang-air') as Dashboard;
    const target = targetsOf(air).find((t) => t.panel === 'Noise: Leq 24 h per station');
    expect(target).toBeDefined();
    const input = await chooseEverything(air, true);
    const result = await runQuery(city.influx, interpolate(target!.query, { ...input, timeFilter: timeFilterOf(air) }));
    const series = result.series ?? [];
    expect(series.length).toBeGreaterThan(0);
    let compared = 0;
    for (const s of series) {
      const site = s.tags?.site as string;
      for (const [time, value] of s.values as Array<[number, number]>) {
        const points = await city.store.queryRaw({ domain: 'air', site, params: ['noise'], from: time, to: time + DAY_MS });
        const byDevice = new Map<string, number[]>();
        for (const p of points) byDevice.set(p.device, [...(byDevice.get(p.device) ?? []), p.values.noise as number]);
        const leqs = [...byDevice.values()].map((levels) => 10 * Math.log10(levels.reduce((a, l) => a + 10 ** (l / 10), 0) / levels.length));
        expect(Math.abs(value - Math.max(...leqs)), `${site} ${new Date(time).toISOString()}`).toBeLessThan(1e-9);
        const mean = points.reduce((a, p) => a + (p.values.noise as number), 0) / points.length;
        expect(value).toBeGreaterThanOrEqual(mean);
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(2);
  });

  it('finds what the situations in the data call for', async () => {
    const byTitle = (uid: string, title: string) => targetsOf(dashboards.find((d) => d.uid === uid) as Dashboard).find((t) => t.panel === title);
    const overview = dashboards.find((d) => d.uid === 'mueang-overview') as Dashboard;
    const input = await chooseEverything(overview, true);
    const tagsOf = async (uid: string, title: string, tag: string) => {
      const target = byTitle(uid, title);
      expect(target, `${uid} has a panel "${title}"`).toBeDefined();
      const result = await runQuery(city.influx, interpolate(target!.query, { ...input, timeFilter: timeFilterOf(dashboards.find((d) => d.uid === uid) as Dashboard) }));
      return (result.series ?? []).map((s) => s.tags?.[tag]);
    };
    expect(await tagsOf('mueang-health', 'Devices without data for 30m', 'device')).toEqual([city.silentDevice.id]);
    expect(await tagsOf('mueang-waste', 'Bins needing collection', 'device')).toEqual(expect.arrayContaining([city.collectBin.id, city.overflowBin.id]));
    expect(await tagsOf('mueang-overview', 'Active alerts', 'device')).toEqual([city.silentDevice.id]);
    // every air station reports; the silent one still has its last 24 h mostly
    expect((await tagsOf('mueang-overview', 'Station AQI now', 'site')).sort()).toEqual(city.fleet.sites.filter((s) => s.domain === 'air').map((s) => s.id).sort());
  });
});

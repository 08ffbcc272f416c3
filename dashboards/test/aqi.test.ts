/**
 * The station AQI the dashboards compute in InfluxQL equals core's stationAqi() for the same concentrations: every
 * band of every pollutant, the band edges, the rounding edge just past them and the open red band.
 */
import { AQI_POLLUTANTS, aqiTableFor, stationAqi, type AqiPollutant } from '@mueang/core';
import { InfluxTelemetryStore } from '@mueang/storage';
import { requireComponents, startInfluxd, type InfluxdHandle } from '@mueang/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stationAqiQuery } from '../src/aqi-query.ts';
import { runQuery } from './fixture.ts';

const ok = await requireComponents('station AQI in InfluxQL', 'influxd');

interface Station {
  site: string;
  values: Partial<Record<AqiPollutant, number>>;
}

/** concentrations around every band of every pollutant of the table in force */
function stations(at: number): Station[] {
  const table = aqiTableFor(at);
  const list: Station[] = [];
  for (const pollutant of AQI_POLLUTANTS) {
    const row = table.rows[pollutant];
    const step = 10 ** -row.decimals;
    const values = new Set<number>();
    for (const band of row.breakpoints) {
      values.add(band.cLow);
      if (band.cHigh !== undefined) {
        values.add(band.cHigh);
        values.add((band.cLow + band.cHigh) / 2);
        // just below the rounding edge into the next band, and on it
        values.add(band.cHigh + step * 0.4);
        values.add(band.cHigh + step * 0.5);
      } else {
        values.add(band.cLow * 1.5);
      }
    }
    [...values].forEach((v, i) => list.push({ site: `${pollutant}-${i}`, values: { [pollutant]: Number(v.toFixed(6)) } }));
  }
  // several pollutants at once: the highest sub-index wins
  list.push({ site: 'mixed-1', values: { pm25: 20, pm10: 100, o3: 40, co: 2, no2: 50, so2: 10 } });
  list.push({ site: 'mixed-2', values: { pm25: 80, pm10: 30, o3: 130, co: 8, no2: 200, so2: 350 } });
  return list;
}

describe.skipIf(!ok)('station AQI query', () => {
  let influx: InfluxdHandle;
  const now = Date.now();

  beforeAll(async () => {
    influx = await startInfluxd({ database: 'mueang' });
    const store = new InfluxTelemetryStore({ url: influx.url, database: 'mueang' });
    // one reading half an hour ago: inside every window (1 h, 8 h, 24 h), and the mean of one reading is the reading
    await store.writePoints(stations(now).map((s) => ({ ts: now - 30 * 60_000, city: 'aqi', site: s.site, device: `${s.site}-d`, domain: 'air' as const, values: s.values })));
  });
  afterAll(async () => {
    await influx?.stop();
  });

  it('equals core stationAqi() for every station', async () => {
    const result = await runQuery(influx, stationAqiQuery({ at: now }));
    expect(result.error).toBeUndefined();
    const fromInflux = new Map((result.series ?? []).map((s) => [s.tags?.site, s.values[0]?.[1]]));
    const expected = stations(now).map((s) => {
      const core = stationAqi(s.values, now);
      if (core.status !== 'ok') throw new Error(`core has no AQI for ${s.site}`);
      return [s.site, core.aqi] as const;
    });
    expect(expected.length).toBeGreaterThan(60);
    expect(Object.fromEntries(expected.map(([site]) => [site, fromInflux.get(site)]))).toEqual(Object.fromEntries(expected));
  });

  it('leaves out readings older than the pollutant window', async () => {
    const store = new InfluxTelemetryStore({ url: influx.url, database: 'mueang' });
    // NO2 counts over 1 h only: a reading 2 h old gives the station no AQI; PM2.5 counts over 24 h
    await store.writePoints([
      { ts: now - 2 * 3_600_000, city: 'old', site: 'old-no2', device: 'old-no2-d', domain: 'air', values: { no2: 300 } },
      { ts: now - 2 * 3_600_000, city: 'old', site: 'old-pm25', device: 'old-pm25-d', domain: 'air', values: { pm25: 30 } },
    ]);
    const result = await runQuery(influx, stationAqiQuery({ at: now, where: [`"city" = 'old'`] }));
    const sites = (result.series ?? []).map((s) => s.tags?.site);
    expect(sites).toEqual(['old-pm25']);
    const core = stationAqi({ pm25: 30 }, now);
    expect(result.series?.[0]?.values[0]?.[1]).toBe(core.status === 'ok' ? core.aqi : null);
  });
});

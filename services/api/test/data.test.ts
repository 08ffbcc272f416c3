import { HOUR_MS, MINUTE_MS, DAY_MS } from '@mueang/core';
import { openStateStore, openTelemetryStore, type StateStore, type TelemetryStore } from '@mueang/storage';
import { requireComponents, startInfluxd, type InfluxdHandle } from '@mueang/testkit';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createFixture, DEAD_LETTER_MARKER, NOW, type Fixture } from './fixtures.ts';

const influxOk = await requireComponents('API data routes on InfluxDB', 'influxd');
const iso = (ms: number) => new Date(ms).toISOString();

type Backend = { name: string; available: boolean; open: () => Promise<TelemetryStore>; stop?: () => Promise<void> };

let influxd: InfluxdHandle | undefined;
const backends: Backend[] = [
  { name: 'DuckDB', available: true, open: () => openTelemetryStore({ kind: 'duckdb', path: ':memory:' }) },
  {
    name: 'InfluxDB',
    available: influxOk,
    open: async () => {
      influxd ??= await startInfluxd();
      return openTelemetryStore({ kind: 'influxdb', url: influxd.url, database: `api_${randomBytes(4).toString('hex')}`, createDatabase: true });
    },
  },
];

// one registry for both backends: opening PGlite is the slow part of these suites
let sharedState: StateStore | undefined;
afterAll(async () => {
  await sharedState?.close();
  await influxd?.stop();
});

for (const backend of backends) {
  describe.skipIf(!backend.available)(`data routes on ${backend.name}`, () => {
    let f: Fixture;
    const get = async (url: string, as: Parameters<Fixture['call']>[0]['as'] = 'viewerCnx') => {
      const res = await f.call({ method: 'GET', url, as });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      return res;
    };

    beforeAll(async () => {
      sharedState ??= await openStateStore({ kind: 'pglite' });
      f = await createFixture({ state: sharedState, telemetry: await backend.open() });
    });
    afterAll(async () => {
      await f?.close();
    });

    it('returns raw readings oldest first, with limit, params and the city boundary', async () => {
      const body = (await get(`/v1/cities/cnx/readings?domain=air&device=cnx-aq1&from=${NOW - 10 * MINUTE_MS}&to=${NOW}`)).json();
      // k = 10..1 (NOW itself is excluded: `to` is exclusive)
      expect(body.count).toBe(10);
      expect(body.truncated).toBe(false);
      expect(body.readings[0]).toEqual({ ts: iso(NOW - 10 * MINUTE_MS), device: 'cnx-aq1', site: 'cnx-s1', values: { pm25: 37.5, pm10: 60 } });
      expect(body.readings[9].ts).toBe(iso(NOW - MINUTE_MS));
      const limited = (await get(`/v1/cities/cnx/readings?domain=air&device=cnx-aq1&from=${NOW - 10 * MINUTE_MS}&to=${NOW}&limit=3&params=pm10`)).json();
      expect(limited.count).toBe(3);
      expect(limited.truncated).toBe(true);
      expect(limited.readings.map((r: { values: object }) => r.values)).toEqual([{ pm10: 60 }, { pm10: 60 }, { pm10: 60 }]);
      const all = (await get(`/v1/cities/cnx/readings?domain=air&from=${NOW - 2 * MINUTE_MS}&to=${NOW + 1}`)).json();
      // aq1 and aq2 at k = 2, 1, 0; bkk-aq1 reads at the same times but belongs to another city
      expect(all.readings.map((r: { device: string }) => r.device).sort()).toEqual(['cnx-aq1', 'cnx-aq1', 'cnx-aq1', 'cnx-aq2', 'cnx-aq2', 'cnx-aq2']);
    });

    it('aggregates raw points by device, by site and over the city', async () => {
      const range = `from=${NOW - 2 * HOUR_MS}&to=${NOW}`;
      const byDevice = (await get(`/v1/cities/cnx/readings/aggregate?domain=air&params=pm25&window=1h&fn=count&groupBy=device&${range}`)).json();
      expect(byDevice.source).toBe('raw');
      // each device: 60 one-minute readings per hour
      expect(byDevice.rows).toEqual([
        { start: iso(NOW - 2 * HOUR_MS), device: 'cnx-aq1', values: { pm25: 60 } },
        { start: iso(NOW - 2 * HOUR_MS), device: 'cnx-aq2', values: { pm25: 60 } },
        { start: iso(NOW - HOUR_MS), device: 'cnx-aq1', values: { pm25: 60 } },
        { start: iso(NOW - HOUR_MS), device: 'cnx-aq2', values: { pm25: 60 } },
      ]);
      const city = (await get(`/v1/cities/cnx/readings/aggregate?domain=air&params=pm25&window=1h&fn=mean&groupBy=none&${range}`)).json();
      // (60 x 37.5 + 60 x 200) / 120 = 118.75
      expect(city.rows.map((r: { values: { pm25: number } }) => r.values.pm25)).toEqual([118.75, 118.75]);
      const bySite = (await get(`/v1/cities/cnx/readings/aggregate?domain=air&params=pm25&window=1h&fn=max&groupBy=site&${range}`)).json();
      expect(bySite.rows.filter((r: { start: string }) => r.start === iso(NOW - HOUR_MS))).toEqual([
        { start: iso(NOW - HOUR_MS), site: 'cnx-s1', values: { pm25: 37.5 } },
        { start: iso(NOW - HOUR_MS), site: 'cnx-s2', values: { pm25: 200 } },
      ]);
    });

    it('reads hourly rollups over long ranges and gets the same numbers as from raw points', async () => {
      const raw = (await get(`/v1/cities/cnx/readings/aggregate?domain=water&params=pH&window=1h&fn=count&from=${NOW - 2 * DAY_MS}&to=${NOW}`)).json();
      const rolled = (await get(`/v1/cities/cnx/readings/aggregate?domain=water&params=pH&window=1h&fn=count&from=${NOW - 3 * DAY_MS}&to=${NOW}`)).json();
      expect(raw.source).toBe('raw');
      expect(rolled.source).toBe('rollup-1h');
      const overlap = rolled.rows.filter((r: { start: string }) => Date.parse(r.start) >= NOW - 2 * DAY_MS);
      expect(overlap).toEqual(raw.rows);
      // 72 h of 15-minute readings (k = 1..288) without k = 25..48: 66 full hours of 4 readings
      expect(rolled.rows).toHaveLength(66);
      expect(rolled.rows.every((r: { values: { pH: number } }) => r.values.pH === 4)).toBe(true);
    });

    it('reads daily rollups for 1d windows (Asia/Bangkok days)', async () => {
      const daily = (await get('/v1/cities/cnx/readings/aggregate?domain=air&params=pm25&window=1d&fn=count&device=cnx-aq1&from=2025-03-09&to=2025-03-11')).json();
      expect(daily.source).toBe('rollup-1d');
      // 2025-03-10 00:00+07:00 is k = 720; that day holds k = 0..720 (721 readings), the day before the rest, k = 721..1499 (779)
      expect(daily.rows).toEqual([
        { start: '2025-03-08T17:00:00.000Z', device: 'cnx-aq1', values: { pm25: 779 } },
        { start: '2025-03-09T17:00:00.000Z', device: 'cnx-aq1', values: { pm25: 721 } },
      ]);
    });

    it('gives the Leq of noise (energy mean) from raw points and from rollups, and refuses it for other parameters', async () => {
      // two hours of one-minute levels, ten days before the fixture's readings: 50 dBA with a 90 dBA minute every ten
      const start = NOW - 10 * DAY_MS;
      const levels = Array.from({ length: 120 }, (_, k) => (k % 10 === 0 ? 90 : 50));
      const leq = 10 * Math.log10(levels.reduce((a, l) => a + 10 ** (l / 10), 0) / levels.length);
      await f.telemetry.writePoints(levels.map((noise, k) => ({ ts: start + k * MINUTE_MS, city: 'cnx', site: 'cnx-s1', device: 'cnx-aq1', domain: 'air', values: { noise } })));
      // the other tests see the fixture's readings only (all within the last 72 h)
      onTestFinished(() => f.telemetry.deleteBefore({ pointsBefore: NOW - 5 * DAY_MS }));
      const raw = (await get(`/v1/cities/cnx/readings/aggregate?domain=air&params=noise&window=1h&fn=leq&from=${start}&to=${start + 2 * HOUR_MS}`)).json();
      expect(raw.source).toBe('raw');
      expect(raw.rows).toHaveLength(2);
      for (const row of raw.rows) expect(row.values.noise).toBeCloseTo(leq, 6);
      // 80.0 dBA, where the arithmetic mean says 54
      expect(leq).toBeCloseTo(80.0, 2);
      // hourly rollups with their Leq over three days: the API combines them by energy, weighted by count
      const hour = (h: number, count: number, level: number) => ({
        period: '1h' as const, start: start + h * HOUR_MS, city: 'cnx', site: 'cnx-s1', device: 'cnx-aq1', domain: 'air' as const, param: 'noise',
        mean: level, min: level, max: level, count, sum: level * count, leq: level,
      });
      await f.telemetry.writeRollups([hour(0, 60, 80), hour(1, 30, 60), hour(40, 60, 70)]);
      const rolled = (await get(`/v1/cities/cnx/readings/aggregate?domain=air&params=noise&window=1h&fn=leq&groupBy=none&from=${start}&to=${start + 3 * DAY_MS}`)).json();
      expect(rolled.source).toBe('rollup-1h');
      expect(rolled.rows.map((r: { values: { noise: number } }) => Math.round(r.values.noise * 1e9) / 1e9)).toEqual([80, 60, 70]);
      // without params: the domain's sound levels
      const implicit = (await get(`/v1/cities/cnx/readings/aggregate?domain=air&window=1h&fn=leq&groupBy=none&from=${start}&to=${start + 2 * HOUR_MS}`)).json();
      expect(implicit.rows.map((r: { values: object }) => Object.keys(r.values))).toEqual([['noise'], ['noise']]);
      const none = await f.call({ method: 'GET', url: `/v1/cities/cnx/readings/aggregate?domain=water&window=1h&fn=leq&from=${start}&to=${start + HOUR_MS}`, as: 'viewerCnx' });
      expect(none.statusCode).toBe(400);
      expect(none.json().detail).toMatch(/domain water has none/);
      for (const params of ['pm25', 'noise,pm10']) {
        const res = await f.call({ method: 'GET', url: `/v1/cities/cnx/readings/aggregate?domain=air&params=${params}&window=1h&fn=leq&from=${start}&to=${start + HOUR_MS}`, as: 'viewerCnx' });
        expect(res.statusCode).toBe(400);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(res.json().detail).toMatch(/fn=leq is the energy mean of sound levels in dB; air\.pm(25|10) is not one/);
      }
    });

    it('returns the latest values per device of the city only', async () => {
      const body = (await get('/v1/cities/cnx/latest')).json();
      expect(body.devices.map((d: { device: string }) => d.device).sort()).toEqual(['cnx-aq1', 'cnx-aq2', 'cnx-bin1', 'cnx-em1', 'cnx-wq1']);
      const aq1 = body.devices.find((d: { device: string }) => d.device === 'cnx-aq1');
      expect(aq1).toEqual({ device: 'cnx-aq1', site: 'cnx-s1', domain: 'air', ts: iso(NOW), values: { pm25: 37.5, pm10: 60 } });
    });

    it('computes the Thai AQI per station and for the city with the responsible pollutant', async () => {
      const body = (await get('/v1/cities/cnx/aqi')).json();
      expect(body.table).toEqual({ id: 'th-aqi', version: '2023-06-01' });
      const [aq1, aq2] = body.stations;
      // aq1: PM2.5 24 h mean 37.5 sits on the top of the 25.1-37.5 band -> 100; PM10 60 -> 26 + (50-26)/(80-51) x 9 = 33.4 -> 33
      expect(aq1).toMatchObject({ device: 'cnx-aq1', status: 'ok', aqi: 100, responsiblePollutant: 'pm25', siteName: 'Yupparaj School' });
      expect(aq1.subIndices).toEqual([
        { pollutant: 'pm25', concentration: 37.5, unit: 'µg/m³', aqi: 100 },
        { pollutant: 'pm10', concentration: 60, unit: 'µg/m³', aqi: 33 },
      ]);
      // aq2: PM2.5 has 12 h of 24 (50 % < 75 %): left out, though 200 µg/m³ would be red; O3 8 h mean 80 ppb -> 101 + 99/49 x 9 = 119.2 -> 119
      expect(aq2).toMatchObject({ device: 'cnx-aq2', status: 'ok', aqi: 119, responsiblePollutant: 'o3' });
      expect(aq2.band.level).toBe(4);
      expect(aq2.insufficient).toEqual([{ pollutant: 'pm25', completeness: 0.5 }]);
      // city: the worst station; median of 100 and 119 = 109.5 -> 110
      expect(body.cityAqi).toMatchObject({ status: 'ok', aqi: 119, worstStation: 'cnx-aq2', responsiblePollutant: 'o3', medianAqi: 110, stationCount: 2 });
    });

    it('says "no data" instead of an AQI when the windows are too empty', async () => {
      // 13 h earlier aq2 has not reported yet and aq1 has only 11 h of its 24 h window
      const body = (await get(`/v1/cities/cnx/aqi?at=${NOW - 13 * HOUR_MS}`)).json();
      expect(body.cityAqi.status).toBe('no-data');
      expect(body.stations.map((s: { status: string }) => s.status)).toEqual(['no-data', 'no-data']);
    });

    it('measures data completeness per device and parameter', async () => {
      const water = (await get(`/v1/cities/cnx/completeness?domain=water&from=${NOW - DAY_MS}&to=${NOW}`)).json();
      expect(water.source).toBe('raw');
      // 96 slots of 15 min; k = 1..96 without k = 25..48 -> 72 covered = 0.75
      expect(water.devices).toHaveLength(1);
      expect(water.devices[0]).toMatchObject({ device: 'cnx-wq1', expectedIntervalS: 900, expectedSlots: 96, completeness: 0.75 });
      expect(water.devices[0].params.map((p: { param: string }) => p.param).sort()).toEqual(['bod', 'conductivity', 'dissolvedOxygen', 'pH', 'waterLevel']);
      const air = (await get(`/v1/cities/cnx/completeness?domain=air&params=pm25&from=${NOW - DAY_MS}&to=${NOW}`)).json();
      // aq1: k = 1..1440 all there; aq2: k = 1..719 -> 719 / 1440 = 0.4993
      expect(air.devices.map((d: { device: string; completeness: number }) => [d.device, d.completeness])).toEqual([
        ['cnx-aq1', 1],
        ['cnx-aq2', 0.4993],
      ]);
      const hourly = (await get(`/v1/cities/cnx/completeness?domain=water&params=pH&expectedIntervalS=3600&from=${NOW - DAY_MS}&to=${NOW}`)).json();
      // 24 hourly slots, 6 of them inside the gap -> 18 / 24
      expect(hourly.devices[0].params).toEqual([{ param: 'pH', coveredSlots: 18, completeness: 0.75 }]);
      const long = (await get(`/v1/cities/cnx/completeness?domain=water&params=pH&from=${NOW - 3 * DAY_MS}&to=${NOW}`)).json();
      // from the hourly rollups: 288 slots, 264 covered = 0.9167
      expect(long.source).toBe('rollup-1h');
      expect(long.devices[0].params).toEqual([{ param: 'pH', coveredSlots: 264, completeness: 0.9167 }]);
    });

    it('shows dead-letter payload excerpts to operators only, and only of their city', async () => {
      const viewer = (await get('/v1/cities/cnx/dead-letters')).json();
      expect(viewer.deadLetters.map((d: { reason: string }) => d.reason)).toEqual(['value.out_of_range', 'device.unknown']);
      expect(JSON.stringify(viewer)).not.toContain(DEAD_LETTER_MARKER);
      const operator = (await get('/v1/cities/cnx/dead-letters?reason=value.out_of_range', 'operatorCnx')).json();
      expect(operator.deadLetters).toHaveLength(1);
      expect(operator.deadLetters[0].payloadExcerpt).toContain(DEAD_LETTER_MARKER);
      expect(operator.deadLetters[0]).toMatchObject({ device: 'cnx-aq1', param: 'pm25', payloadTruncated: false });
      expect(JSON.stringify(operator)).not.toContain('bkk-private');
    });

    it('exports CSV as RFC 4180 with a header row and CRLF line ends', async () => {
      const res = await get(`/v1/cities/cnx/export/readings.csv?domain=air&device=cnx-aq1&params=pm25,pm10&from=${NOW - 3 * MINUTE_MS}&to=${NOW}`);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="cnx-air-\d{8}T\d{6}-\d{8}T\d{6}\.csv"$/);
      expect(res.body).toBe(
        'time,city,site,device,domain,pm25,pm10\r\n' +
          `${iso(NOW - 3 * MINUTE_MS)},cnx,cnx-s1,cnx-aq1,air,37.5,60\r\n` +
          `${iso(NOW - 2 * MINUTE_MS)},cnx,cnx-s1,cnx-aq1,air,37.5,60\r\n` +
          `${iso(NOW - MINUTE_MS)},cnx,cnx-s1,cnx-aq1,air,37.5,60\r\n`,
      );
      const wide = await get(`/v1/cities/cnx/export/readings.csv?domain=water&from=${NOW - 15 * MINUTE_MS}&to=${NOW}`);
      const [header, row] = wide.body.split('\r\n');
      expect(header).toBe('time,city,site,device,domain,temperature,pH,dissolvedOxygen,bod,turbidity,conductivity,waterLevel');
      // parameters the device does not report stay empty
      expect(row).toBe(`${iso(NOW - 15 * MINUTE_MS)},cnx,cnx-river,cnx-wq1,water,,7.2,5,1.5,,250,2.5`);
    });

    it('exports FIWARE Smart Data Models as NGSI-LD with the models\' names, units and @context', async () => {
      const air = JSON.parse((await get('/v1/cities/cnx/export/ngsi-ld?domain=air&device=cnx-aq1')).body);
      expect(air).toHaveLength(1);
      expect(air[0]).toMatchObject({
        id: 'urn:ngsi-ld:AirQualityObserved:cnx:cnx-aq1',
        type: 'AirQualityObserved',
        dateObserved: { type: 'Property', value: { '@type': 'DateTime', '@value': iso(NOW) } },
        location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [98.9897, 18.7905] } },
        pm25: { type: 'Property', value: 37.5, unitCode: 'GQ', observedAt: iso(NOW) },
        pm10: { type: 'Property', value: 60, unitCode: 'GQ' },
        areaServed: { type: 'Property', value: 'Chiang Mai' },
        refDevice: { type: 'Relationship', object: 'urn:ngsi-ld:Device:cnx:cnx-aq1' },
        '@context': ['https://raw.githubusercontent.com/smart-data-models/dataModel.Environment/master/context.jsonld', 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld'],
      });
      const [water] = JSON.parse((await get('/v1/cities/cnx/export/ngsi-ld?domain=water')).body);
      // 250 µS/cm = 0.025 S/m (the model's unit); dissolved oxygen is the model's O2
      expect(water).toMatchObject({ type: 'WaterQualityObserved', conductivity: { value: 0.025, unitCode: 'D10' }, O2: { value: 5, unitCode: 'M1' }, pH: { value: 7.2 } });
      expect(water.measurand.value).toEqual(['O2, 5, M1, Dissolved oxygen', 'BOD, 1.5, M1, Biochemical oxygen demand', 'waterLevel, 2.5, MTR, Water level above the station datum']);
      const [bin] = JSON.parse((await get('/v1/cities/cnx/export/ngsi-ld?domain=waste')).body);
      // the latest bin reading (k = 1) has the lid open; 45 % -> 0.45 (the model's fraction)
      expect(bin).toMatchObject({ type: 'WasteContainer', fillingLevel: { value: 0.45 }, cargoWeight: { value: 12, unitCode: 'KGM' }, status: { value: 'lidOpen' } });
      expect(bin['@context'][0]).toBe('https://raw.githubusercontent.com/smart-data-models/dataModel.WasteManagement/master/context.jsonld');
      const [meter] = JSON.parse((await get('/v1/cities/cnx/export/ngsi-ld?domain=energy')).body);
      // 3.5 kW = 3500 W; the latest meter reading (k = 1) is 1000 + 119 / 10
      expect(meter).toMatchObject({ type: 'ACMeasurement', totalActivePower: { value: 3500, unitCode: 'WTT' }, totalActiveEnergyImport: { value: 1011.9, unitCode: 'KWH' }, phaseVoltage: { value: { L1: 230 }, unitCode: 'VLT' } });
      const series = JSON.parse((await get(`/v1/cities/cnx/export/ngsi-ld?domain=air&device=cnx-aq1&from=${NOW - 2 * MINUTE_MS}&to=${NOW}`)).body);
      expect(series.map((e: { id: string }) => e.id)).toEqual([
        `urn:ngsi-ld:AirQualityObserved:cnx:cnx-aq1:${iso(NOW - 2 * MINUTE_MS)}`,
        `urn:ngsi-ld:AirQualityObserved:cnx:cnx-aq1:${iso(NOW - MINUTE_MS)}`,
      ]);
    });

    it('exports an air reading with a noise level as NoiseLevelObserved too (LAeq over the reading interval)', async () => {
      // two readings ten days before the fixture's, removed afterwards
      const start = NOW - 10 * DAY_MS;
      await f.telemetry.writePoints([0, 1].map((k) => ({ ts: start + k * MINUTE_MS, city: 'cnx', site: 'cnx-s1', device: 'cnx-aq1', domain: 'air' as const, values: { pm25: 12, noise: 64.5 + k } })));
      onTestFinished(() => f.telemetry.deleteBefore({ pointsBefore: NOW - 5 * DAY_MS }));
      const entities = JSON.parse((await get(`/v1/cities/cnx/export/ngsi-ld?domain=air&device=cnx-aq1&from=${start}&to=${start + 2 * MINUTE_MS}`)).body);
      expect(entities.map((e: { type: string }) => e.type)).toEqual(['AirQualityObserved', 'NoiseLevelObserved', 'AirQualityObserved', 'NoiseLevelObserved']);
      expect(entities[0]).not.toHaveProperty('noise');
      // cnx-aq1 is an aq-station: one reading a minute, so each LAeq covers the minute before it
      expect(entities[3]).toEqual({
        id: `urn:ngsi-ld:NoiseLevelObserved:cnx:cnx-aq1:${iso(start + MINUTE_MS)}`,
        type: 'NoiseLevelObserved',
        dateObservedFrom: { type: 'Property', value: { '@type': 'DateTime', '@value': iso(start) } },
        dateObservedTo: { type: 'Property', value: { '@type': 'DateTime', '@value': iso(start + MINUTE_MS) } },
        location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [98.9897, 18.7905] } },
        areaServed: { type: 'Property', value: 'Chiang Mai' },
        name: { type: 'Property', value: 'Yupparaj School' },
        LAeq: { type: 'Property', value: 65.5, unitCode: '2N', observedAt: iso(start + MINUTE_MS) },
        refDevice: { type: 'Relationship', object: 'urn:ngsi-ld:Device:cnx:cnx-aq1' },
        '@context': ['https://raw.githubusercontent.com/smart-data-models/dataModel.Environment/master/context.jsonld', 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld'],
      });
    });
  });
}

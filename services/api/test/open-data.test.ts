import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, DEAD_LETTER_MARKER, DEVICE_SECRET, KEYS, type Fixture } from './fixtures.ts';

/** The public API: opt-in per city, licence and attribution on every answer, nothing private reachable. */
describe('open data', () => {
  let f: Fixture;
  let openRoutes: string[];

  beforeAll(async () => {
    f = await createFixture();
    const doc = (await f.call({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    openRoutes = Object.keys(doc.paths).filter((p) => p.startsWith('/open/'));
  });
  afterAll(async () => {
    await f?.close();
  });

  const urlOf = (path: string, city: string) => path.replace('{city}', city) + (path.endsWith('/daily') ? '?domain=air' : '');

  it('serves every open route of an opted-in city without a key, with licence and attribution', async () => {
    expect(openRoutes.sort()).toEqual(['/open/v1/cities', '/open/v1/{city}/aqi', '/open/v1/{city}/daily', '/open/v1/{city}/latest', '/open/v1/{city}/stations']);
    for (const path of openRoutes) {
      const res = await f.call({ method: 'GET', url: urlOf(path, 'cnx') });
      expect(res.statusCode, `${path}: ${res.body.slice(0, 200)}`).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      const body = res.json();
      expect(body.license).toEqual({ name: 'CC BY 4.0', url: 'https://creativecommons.org/licenses/by/4.0/' });
      if (path !== '/open/v1/cities') expect(body.attribution).toBe('Data: Chiang Mai (เชียงใหม่), licensed under CC BY 4.0');
    }
    const cities = (await f.call({ method: 'GET', url: '/open/v1/cities' })).json();
    expect(cities.cities.map((c: { id: string }) => c.id)).toEqual(['cnx']);
  });

  it('lists stations with coordinates and active devices; daily means come from the daily rollups', async () => {
    const stations = (await f.call({ method: 'GET', url: '/open/v1/cnx/stations' })).json().stations;
    expect(stations.find((s: { site: string }) => s.site === 'cnx-s1')).toEqual({
      site: 'cnx-s1',
      name: 'Yupparaj School',
      nameTh: null,
      lat: 18.7905,
      lon: 98.9897,
      kind: 'roadside',
      waterClass: null,
      devices: [{ id: 'cnx-aq1', domain: 'air', kind: 'aq-station' }],
    });
    const daily = (await f.call({ method: 'GET', url: '/open/v1/cnx/daily?domain=air&params=pm25&device=cnx-aq1&from=2025-03-10&to=2025-03-11' })).json();
    expect(daily.days).toEqual([{ date: '2025-03-10', device: 'cnx-aq1', values: { pm25: 37.5 } }]);
    expect(daily.method).not.toMatch(/leq/);
  });

  it('publishes the Leq 24 h of noise beside its daily mean', async () => {
    // a noise day of cnx-aq1 a week back, as ingest rolls it up: mean 55, Leq 71.2
    const start = Date.parse('2025-03-02T17:00:00Z');
    await f.telemetry.writeRollups([
      { period: '1d', start, city: 'cnx', site: 'cnx-s1', device: 'cnx-aq1', domain: 'air', param: 'noise', mean: 55, min: 40, max: 92, count: 1440, sum: 55 * 1440, leq: 71.2 },
      { period: '1d', start, city: 'cnx', site: 'cnx-s1', device: 'cnx-aq1', domain: 'air', param: 'pm25', mean: 20, min: 20, max: 20, count: 1440, sum: 20 * 1440 },
    ]);
    const daily = (await f.call({ method: 'GET', url: '/open/v1/cnx/daily?domain=air&params=pm25,noise&device=cnx-aq1&from=2025-03-03&to=2025-03-04' })).json();
    expect(daily.days).toEqual([{ date: '2025-03-03', device: 'cnx-aq1', values: { pm25: 20, noise: 55 }, leq: { noise: 71.2 } }]);
    expect(daily.method).toMatch(/leq: energy mean of the day \(Leq 24 h\) for sound levels/);
    const pmOnly = (await f.call({ method: 'GET', url: '/open/v1/cnx/daily?domain=air&params=pm25&device=cnx-aq1&from=2025-03-03&to=2025-03-04' })).json();
    expect(pmOnly.days).toEqual([{ date: '2025-03-03', device: 'cnx-aq1', values: { pm25: 20 } }]);
  });

  it('answers 404 for a city that has not opted in, and follows the admin switch', async () => {
    for (const path of openRoutes.filter((p) => p.includes('{city}'))) {
      const res = await f.call({ method: 'GET', url: urlOf(path, 'bkk') });
      expect(res.statusCode, path).toBe(404);
      expect(res.json().detail).toMatch(/publishes no open data/);
    }
    expect((await f.call({ method: 'PATCH', url: '/v1/cities/bkk', as: 'adminBkk', payload: { publicData: true } })).statusCode).toBe(200);
    expect((await f.call({ method: 'GET', url: '/open/v1/bkk/stations' })).statusCode).toBe(200);
    expect((await f.call({ method: 'PATCH', url: '/v1/cities/bkk', as: 'adminBkk', payload: { publicData: false } })).statusCode).toBe(200);
    expect((await f.call({ method: 'GET', url: '/open/v1/bkk/stations' })).statusCode).toBe(404);
    // a viewer cannot switch it
    expect((await f.call({ method: 'PATCH', url: '/v1/cities/cnx', as: 'viewerCnx', payload: { publicData: false } })).statusCode).toBe(403);
  });

  it('never exposes anything private through any open route', async () => {
    const secretHashes = (await f.state.listDevices()).map((d) => d.secretHash).filter((h): h is string => h !== null);
    const keyHashes = (await f.state.listApiKeys()).map((k) => k.keyHash);
    const forbidden = [DEAD_LETTER_MARKER, DEVICE_SECRET, ...secretHashes, ...keyHashes, ...Object.values(KEYS).map((k) => k.key)];
    for (const path of openRoutes) {
      for (const domain of ['air', 'water', 'energy', 'waste']) {
        const url = urlOf(path, 'cnx').replace('domain=air', `domain=${domain}`) + (path.endsWith('/latest') ? `?domain=${domain}` : '');
        const res = await f.call({ method: 'GET', url });
        expect(res.statusCode, url).toBe(200);
        for (const secret of forbidden) expect(res.body, url).not.toContain(secret);
        // no field that could carry credentials, payloads, recipients or keys
        expect(res.body, url).not.toMatch(/"(secret\w*|password|secretHash|keyHash|key|payload\w*|recipients?|email|phone|lineUserId|hasCredentials)"\s*:/i);
      }
    }
  });

  it('hides revoked devices from the public', async () => {
    await f.state.setDeviceStatus('cnx-aq2', 'revoked');
    try {
      const stations = (await f.call({ method: 'GET', url: '/open/v1/cnx/stations' })).json().stations;
      expect(stations.flatMap((s: { devices: Array<{ id: string }> }) => s.devices.map((d) => d.id))).not.toContain('cnx-aq2');
      const latest = (await f.call({ method: 'GET', url: '/open/v1/cnx/latest?domain=air' })).json();
      expect(latest.devices.map((d: { device: string }) => d.device)).toEqual(['cnx-aq1']);
    } finally {
      await f.state.setDeviceStatus('cnx-aq2', 'active');
    }
  });
});

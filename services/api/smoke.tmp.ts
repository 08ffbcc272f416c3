import { openStateStore, openTelemetryStore } from '@mueang/storage';
import { createApi } from './src/index.ts';
const state = await openStateStore({ kind: 'pglite' });
const telemetry = await openTelemetryStore({ kind: 'duckdb', path: ':memory:' });
const admin = 'x'.repeat(40);
const app = await createApi({ state, telemetry, bootstrapAdminKey: admin });
await app.ready();
const h = { authorization: `Bearer ${admin}` };
for (const [m, u, body] of [
  ['GET', '/health'], ['GET', '/v1/cities'], ['GET', '/v1/cities', undefined, {}],
  ['POST', '/v1/cities', { id: 'cnx', name: 'Chiang Mai', publicData: true }],
  ['POST', '/v1/cities', { id: 'CNX', name: '', extra: 1 }],
  ['POST', '/v1/cities/cnx/sites', { id: 's1', name: 'Site 1', lat: 18.79, lon: 98.98 }],
  ['POST', '/v1/cities/cnx/devices', { id: 'd1', siteId: 's1', domain: 'air', kind: 'aq-station' }],
  ['GET', '/v1/cities/cnx/readings?domain=air&params=pm25,foo'],
  ['GET', '/v1/cities/cnx/readings?domain=air'],
  ['GET', '/v1/cities/cnx/aqi'],
  ['GET', '/v1/cities/cnx/completeness?domain=air'],
  ['GET', '/v1/cities/cnx/export/readings.csv?domain=air'],
  ['GET', '/v1/cities/cnx/export/ngsi-ld?domain=air'],
  ['GET', '/v1/cities/cnx/dead-letters'],
  ['GET', '/v1/cities/cnx/readings/aggregate?domain=air&window=1d&from=2025-01-01&to=2025-02-01'],
  ['GET', '/open/v1/cnx/stations'],
  ['GET', '/open/v1/cnx/daily?domain=air'],
  ['GET', '/nope'],
] as Array<[string, string, unknown?, Record<string,string>?]>) {
  const r = await app.inject({ method: m as 'GET', url: u, headers: h, ...(body !== undefined ? { payload: body as object } : {}) });
  console.log(m, u, r.statusCode, r.headers['content-type'], r.body.slice(0, 400));
}
const doc = await app.inject({ method: 'GET', url: '/docs/json' });
console.log('docs', doc.statusCode, Object.keys(JSON.parse(doc.body).paths ?? {}).length);
console.log(app.printRoutes({ commonPrefix: false }));
await app.close(); await state.close(); await telemetry.close();

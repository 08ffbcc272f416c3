import { openTelemetryStore, type TelemetryStore } from '@mueang/storage';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../src/index.ts';
import { createFixture, type Fixture } from './fixtures.ts';

describe('rate limits, CORS, metrics, health and docs', () => {
  let f: Fixture;
  const metrics = new Registry();
  beforeAll(async () => {
    f = await createFixture({
      api: { rateLimit: { max: 3, timeWindowMs: 60_000 }, publicRateLimit: { max: 2, timeWindowMs: 60_000 }, cors: { origins: ['https://dashboard.cnx.go.th'] }, metricsRegistry: metrics },
    });
  });
  afterAll(async () => {
    await f?.close();
  });

  it('limits each API key separately and answers 429 as a problem with Retry-After', async () => {
    for (let i = 0; i < 3; i++) expect((await f.call({ method: 'GET', url: '/v1/me', as: 'viewerCnx' })).statusCode).toBe(200);
    const limited = await f.call({ method: 'GET', url: '/v1/me', as: 'viewerCnx' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.json().detail).toMatch(/Rate limit of 3 requests per window reached for this API key; retry in/);
    // another key from the same address still has its own budget
    expect((await f.call({ method: 'GET', url: '/v1/me', as: 'operatorCnx' })).statusCode).toBe(200);
  });

  it('limits the open-data API per client address, more strictly', async () => {
    expect((await f.call({ method: 'GET', url: '/open/v1/cities' })).statusCode).toBe(200);
    expect((await f.call({ method: 'GET', url: '/open/v1/cities' })).statusCode).toBe(200);
    const limited = await f.call({ method: 'GET', url: '/open/v1/cities' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().detail).toMatch(/for this client address/);
  });

  it('allows configured origins on /v1 and any origin on open data', async () => {
    const allowed = await f.call({ method: 'OPTIONS', url: '/v1/cities', headers: { origin: 'https://dashboard.cnx.go.th', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://dashboard.cnx.go.th');
    expect(String(allowed.headers['access-control-allow-headers'])).toMatch(/Authorization/);
    const other = await f.call({ method: 'OPTIONS', url: '/v1/cities', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const open = await f.call({ method: 'OPTIONS', url: '/open/v1/cnx/aqi', headers: { origin: 'https://anyone.example', 'access-control-request-method': 'GET' } });
    expect(open.headers['access-control-allow-origin']).toBe('*');
  });

  it('counts requests by route pattern and status in Prometheus format', async () => {
    await f.call({ method: 'GET', url: '/v1/cities/cnx', as: 'adminAll' });
    await f.call({ method: 'GET', url: '/v1/cities/nowhere', as: 'adminAll' });
    const res = await f.call({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('mueang_api_requests_total{method="GET",route="/v1/cities/:city",status="200"} 1');
    expect(res.body).toContain('mueang_api_requests_total{method="GET",route="/v1/cities/:city",status="404"} 1');
    expect(res.body).toMatch(/mueang_api_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/v1\/cities\/:city",status="200"\}/);
    // raw URLs never become labels
    expect(res.body).not.toContain('nowhere');
  });

  it('counts requests refused before routing (an unreadable URL) under route "bad-url"', async () => {
    const bad = await f.call({ method: 'GET', url: '/v1/cities/%E0%A4%A' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().type).toMatch(/bad-url$/);
    const long = await f.call({ method: 'GET', url: `/v1/cities/${'x'.repeat(300)}`, as: 'adminAll' });
    expect(long.json().type).toMatch(/bad-url$/);
    const res = await f.call({ method: 'GET', url: '/metrics' });
    expect(res.body).toContain(`mueang_api_requests_total{method="GET",route="bad-url",status="400"} 1`);
    expect(res.body).toContain(`mueang_api_requests_total{method="GET",route="bad-url",status="${long.statusCode}"}`);
    expect(res.body).not.toContain('%E0');
  });

  it('serves the OpenAPI 3.1 document and the UI at /docs', async () => {
    const doc = (await f.call({ method: 'GET', url: '/docs/json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/v1/cities/{city}/devices'].post['x-min-role']).toBe('operator');
    expect(doc.paths['/v1/cities/{city}/readings'].get.responses['400'].content['application/problem+json']).toBeDefined();
    const ui = await f.call({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/^text\/html/);
  });

  it('keeps null as null in every JSON body (no Ajv coercion to 0), also in routes of other modules', async () => {
    const doc = (await f.call({ method: 'GET', url: '/docs/json' })).json();
    const kpiBody = doc.paths['/v1/assessment/{city}/kpis'].put.requestBody.content['application/json'].schema;
    expect(kpiBody.properties.inputs.properties.energyBaselineKwhPerDay.type).toEqual(['number', 'null']);
    const put = await f.call({ method: 'PUT', url: '/v1/assessment/scratch/kpis', as: 'adminAll', payload: { inputs: { energyBaselineKwhPerDay: null } } });
    expect(put.statusCode, put.body.slice(0, 300)).toBe(200);
    expect(put.json().overrides.inputs.energyBaselineKwhPerDay).toBeNull();
  });

  it('reports healthy stores on /health', async () => {
    const res = await f.call({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', stores: { state: { ok: true, kind: 'pglite' }, telemetry: { ok: true, kind: 'duckdb' } } });
  });

  it('makes /health answer 503 and data routes answer 503 problems (not 500) when a store is down', async () => {
    const state = f.state;
    const real = await openTelemetryStore({ kind: 'duckdb', path: ':memory:' });
    const { TelemetryStoreError } = await import('@mueang/storage');
    const down = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'ping') return async () => false;
        if (prop === 'queryRaw') return async () => { throw new TelemetryStoreError('backend.unreachable', 'connect ECONNREFUSED 127.0.0.1:8086', true); };
        return Reflect.get(target, prop, receiver);
      },
    }) as TelemetryStore;
    const admin = 'k'.repeat(40);
    const app = await createApi({ state, telemetry: down, bootstrapAdminKey: admin, rateLimit: false });
    try {
      const health = await app.inject({ method: 'GET', url: '/health' });
      expect(health.statusCode).toBe(503);
      expect(health.json()).toMatchObject({ status: 'degraded', stores: { telemetry: { ok: false } } });
      const readings = await app.inject({ method: 'GET', url: '/v1/cities/cnx/readings?domain=air', headers: { authorization: `Bearer ${admin}` } });
      expect(readings.statusCode).toBe(503);
      expect(readings.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(readings.json().detail).toMatch(/telemetry database is unavailable/);
      expect(readings.body).not.toContain('ECONNREFUSED');
    } finally {
      await app.close();
      await real.close();
    }
  });
});

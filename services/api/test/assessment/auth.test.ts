import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStateStore, openTelemetryStore, type StateStore, type TelemetryStore } from '@mueang/storage';
import { createApi } from '../../src/app.ts';
import { generateApiKey, hashApiKey } from '../../src/auth/api-keys.ts';
import { CITY, OVERRIDES, PERIOD, loadRegistry, loadTelemetry } from './fixture.ts';

/** The assessment routes as the API mounts them: /v1, API keys with roles and city scopes. */
describe('assessment routes behind the API keys', () => {
  let state: StateStore;
  let telemetry: TelemetryStore;
  let app: FastifyInstance;
  const admin = generateApiKey();
  const viewer = generateApiKey();
  const otherCityViewer = generateApiKey();
  const q = `from=${PERIOD.from}&to=${PERIOD.to}`;

  beforeAll(async () => {
    state = await openStateStore({ kind: 'pglite' });
    await loadRegistry(state);
    await state.upsertCity({ id: 'other', name: 'Other City' });
    await state.createApiKey({ id: 'k-admin', name: 'admin', keyHash: hashApiKey(admin), role: 'admin', cityId: null });
    await state.createApiKey({ id: 'k-viewer', name: 'viewer', keyHash: hashApiKey(viewer), role: 'viewer', cityId: null });
    await state.createApiKey({ id: 'k-other', name: 'other-city viewer', keyHash: hashApiKey(otherCityViewer), role: 'viewer', cityId: 'other' });
    telemetry = await openTelemetryStore({ kind: 'duckdb', path: ':memory:' });
    await loadTelemetry(telemetry);
    app = await createApi({ state, telemetry, rateLimit: false, publicRateLimit: false });
  });
  afterAll(async () => {
    await app?.close();
    await telemetry?.close();
    await state?.close();
  });

  const auth = (key: string) => ({ authorization: `Bearer ${key}` });

  it('needs a key on every assessment route', async () => {
    for (const url of [`/v1/assessment/${CITY}?${q}`, `/v1/assessment/${CITY}/evidence?${q}`, `/v1/assessment/${CITY}/evidence/index.html?${q}`, `/v1/assessment/${CITY}/kpis`, `/v1/national?${q}`]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(401);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
    expect((await app.inject({ method: 'PUT', url: `/v1/assessment/${CITY}/kpis`, payload: {} })).statusCode).toBe(401);
  });

  it('lets a viewer read, and only an admin change the catalog (recorded with the key name)', async () => {
    expect((await app.inject({ url: `/v1/assessment/${CITY}?${q}`, headers: auth(viewer) })).statusCode).toBe(200);
    expect((await app.inject({ url: `/v1/national?${q}`, headers: auth(viewer) })).statusCode).toBe(200);
    const refused = await app.inject({ method: 'PUT', url: `/v1/assessment/${CITY}/kpis`, headers: auth(viewer), payload: OVERRIDES });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toMatch(/admin/);
    const stored = await app.inject({ method: 'PUT', url: `/v1/assessment/${CITY}/kpis`, headers: auth(admin), payload: OVERRIDES });
    expect(stored.statusCode).toBe(200);
    expect(stored.json()).toMatchObject({ city: CITY, updatedBy: 'admin', overrides: OVERRIDES });
  });

  it('keeps a city-scoped key to its city', async () => {
    const res = await app.inject({ url: `/v1/assessment/${CITY}?${q}`, headers: auth(otherCityViewer) });
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toMatch(/limited to city "other"/);
    expect((await app.inject({ url: `/v1/assessment/other?${q}`, headers: auth(otherCityViewer) })).statusCode).toBe(200);
  });

  it('shows a city-scoped key only its own city, and the cities that publish open data, in the national view', async () => {
    const ids = async (key: string) => {
      const res = await app.inject({ url: `/v1/national?${q}`, headers: auth(key) });
      expect(res.statusCode).toBe(200);
      const body = res.json() as { citiesAssessed: number; cities: Array<{ id: string }> };
      expect(body.citiesAssessed).toBe(body.cities.length);
      return body.cities.map((c) => c.id).sort();
    };
    expect(await ids(viewer)).toEqual(['other', CITY].sort());
    expect(await ids(otherCityViewer)).toEqual(['other']);
    // a city that opted in to open data is visible to every key; the scoped key still sees nothing else private
    await state.upsertCity({ id: 'open-city', name: 'Open City', publicData: true });
    expect(await ids(otherCityViewer)).toEqual(['open-city', 'other']);
    expect(await ids(viewer)).toEqual(['open-city', 'other', CITY].sort());
  });
});

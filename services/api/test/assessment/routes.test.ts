import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStateStore, openTelemetryStore, type Role, type StateStore, type TelemetryStore } from '@mueang/storage';
import { ApiError, installProblemHandler } from '../../src/errors.ts';
import { assessmentRoutes, type AssessmentRoutesOptions } from '../../src/assessment/index.ts';
import { CITY, OVERRIDES, PERIOD, loadAlerts, loadRegistry, loadTelemetry } from './fixture.ts';
import { readTar } from './tar-reader.ts';

/**
 * The plugin on a bare Fastify app, as the API registers it. Authentication belongs to the API (its own tests);
 * here the requireRole / requireCity hooks stand in for it: a test header names the caller's role and city scope.
 */
function testRole(request: FastifyRequest, role: Role): void {
  const have = request.headers['x-test-role'];
  if (typeof have !== 'string') throw ApiError.unauthorized('no API key');
  const order = ['viewer', 'operator', 'admin'];
  if (order.indexOf(have) < order.indexOf(role)) throw ApiError.forbidden(`needs role ${role}; the key has ${have}`);
}

function testCity(request: FastifyRequest, cityId: string): void {
  const scope = request.headers['x-test-city'];
  if (typeof scope === 'string' && scope !== cityId) throw ApiError.forbidden(`the key is limited to city "${scope}"`);
}

async function appWith(options: AssessmentRoutesOptions): Promise<FastifyInstance> {
  // the validation options of the API (createApi): unknown query fields are errors, not silently dropped
  const app = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false, allErrors: true, coerceTypes: 'array', useDefaults: true } } });
  installProblemHandler(app);
  await app.register(assessmentRoutes, { prefix: '/v1', ...options });
  await app.ready();
  return app;
}

const Q = `from=${PERIOD.from}&to=${PERIOD.to}`;

describe('assessment routes', () => {
  let state: StateStore;
  let telemetry: TelemetryStore;
  let app: FastifyInstance;

  beforeAll(async () => {
    state = await openStateStore({ kind: 'pglite' });
    await loadRegistry(state);
    await loadAlerts(state);
    await state.upsertCity({ id: 'empty', name: 'Empty Town' });
    telemetry = await openTelemetryStore({ kind: 'duckdb', path: ':memory:' });
    await loadTelemetry(telemetry);
    app = await appWith({ telemetry, state, requireRole: testRole, requireCity: testCity, now: () => Date.parse('2023-06-10T12:00:00+07:00') });
    const put = await app.inject({ method: 'PUT', url: `/v1/assessment/${CITY}/kpis`, headers: { 'x-test-role': 'admin' }, payload: OVERRIDES });
    expect(put.statusCode).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await telemetry?.close();
    await state?.close();
  });

  function problem(res: { statusCode: number; headers: Record<string, unknown>; json: () => unknown }, status: number) {
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    return res.json() as { detail: string; errors?: Array<{ path: string; message: string }> };
  }

  describe('GET /assessment/{city}', () => {
    it('returns KPI values with method, standard versions, completeness, scores, rules and what is missing', async () => {
      const res = await app.inject({ url: `/v1/assessment/${CITY}?${Q}` });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.period).toEqual({ ...PERIOD, days: 6 });
      const pm25 = body.kpis.find((k: { id: string }) => k.id === 'air.pm25-station-days');
      expect(pm25).toMatchObject({ value: 80, status: 'ok', score: 66.7, method: { en: expect.stringMatching(/75 %/), th: expect.any(String) } });
      expect(pm25.standards.map((s: { version: string }) => s.version)).toEqual(['NEB-36/2553', '2023-06-01']);
      // free-form details survive the response schema
      expect(pm25.details).toMatchObject({ stationDaysExpected: 13, stationDaysValid: 10, stationDaysWithin: 8 });
      expect(pm25.details.stations).toHaveLength(3);
      expect(body.dimensions.map((d: { id: string; score: number }) => [d.id, d.score])).toEqual([
        ['environment', 39.3],
        ['energy', 76.7],
      ]);
      expect(body.overall).toEqual({ score: 58, passThreshold: 80, passed: false });
      expect(body.missing[0].kind).toBe('too-few-dimensions');
      expect(body).not.toHaveProperty('series');
    });

    it('defaults to the 365 days ending yesterday', async () => {
      const res = await app.inject({ url: `/v1/assessment/${CITY}` });
      expect(res.statusCode).toBe(200);
      expect(res.json().period).toEqual({ from: '2022-06-10', to: '2023-06-09', days: 365 });
    });

    it('rejects a date that does not exist, naming the parameter', async () => {
      const body = problem(await app.inject({ url: `/v1/assessment/${CITY}?from=2023-02-30&to=2023-03-05` }), 400);
      expect(body.errors).toEqual([{ path: 'query.from', message: expect.stringMatching(/not a calendar date; use YYYY-MM-DD/) }]);
    });

    it('rejects from after to', async () => {
      const body = problem(await app.inject({ url: `/v1/assessment/${CITY}?from=2023-06-04&to=2023-05-30` }), 400);
      expect(body.detail).toMatch(/query.from \(2023-06-04\) is after query.to \(2023-05-30\)/);
    });

    it('rejects a period longer than three years and dates in the wrong form', async () => {
      expect(problem(await app.inject({ url: `/v1/assessment/${CITY}?from=2019-01-01&to=2023-01-01` }), 400).detail).toMatch(/three years/);
      expect(problem(await app.inject({ url: `/v1/assessment/${CITY}?from=2023-6-1` }), 400).detail).toMatch(/querystring/);
      expect(problem(await app.inject({ url: `/v1/assessment/${CITY}?from=1999-12-31&to=2000-01-02` }), 400).detail).toMatch(/check the year/);
      expect(problem(await app.inject({ url: `/v1/assessment/${CITY}?${Q}&extra=1` }), 400).detail).toMatch(/extra/);
    });

    it('answers 404 with a next step for an unknown city', async () => {
      expect(problem(await app.inject({ url: `/v1/assessment/nowhere?${Q}` }), 404).detail).toMatch(/No city "nowhere".*GET \/v1\/cities/);
    });

    it('refuses a city outside the key scope', async () => {
      problem(await app.inject({ url: `/v1/assessment/${CITY}?${Q}`, headers: { 'x-test-city': 'other' } }), 403);
    });

    it('turns injection attempts in every string parameter into 4xx, never into a query', async () => {
      const attempts = [
        `/v1/assessment/${encodeURIComponent("tst' OR '1'='1")}?${Q}`,
        `/v1/assessment/${encodeURIComponent('tst"; DROP TABLE cities; --')}?${Q}`,
        `/v1/assessment/${encodeURIComponent('tst/../../etc')}?${Q}`,
        `/v1/assessment/${'a'.repeat(65)}?${Q}`,
        `/v1/assessment/${CITY}?from=${encodeURIComponent("2023-05-30' OR 1=1")}`,
        `/v1/assessment/${CITY}?to=${encodeURIComponent('2023-06-04"; DELETE FROM x')}`,
        `/v1/assessment/${CITY}/evidence?${Q}&lang=${encodeURIComponent('en<script>')}`,
        `/v1/assessment/${CITY}/evidence/${encodeURIComponent('../../etc/passwd')}?${Q}`,
        `/v1/assessment/${CITY}/evidence/${encodeURIComponent('index.html\u0000.txt')}?${Q}`,
        `/v1/national?from=${encodeURIComponent('2023-05-30 UNION SELECT')}`,
      ];
      for (const url of attempts) {
        const res = await app.inject({ url });
        expect([400, 404], url).toContain(res.statusCode);
        expect(res.headers['content-type'], url).toMatch(/problem\+json/);
      }
      // the data is intact
      expect((await state.listCities()).map((c) => c.id)).toEqual(['empty', CITY]);
    });
  });

  describe('evidence', () => {
    it('lists the files with their SHA-256 and download links', async () => {
      const res = await app.inject({ url: `/v1/assessment/${CITY}/evidence?${Q}&lang=both` });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.files.map((f: { name: string }) => f.name)).toEqual(['assessment.json', 'daily.csv', 'index.html']);
      expect(body.files[2].href).toBe(`/v1/assessment/${CITY}/evidence/index.html?${Q}&lang=both`);
      expect(body.download).toEqual({ name: 'evidence-tst-2023-05-30-2023-06-04.tar', href: `/v1/assessment/${CITY}/evidence/evidence.tar?${Q}&lang=both`, mediaType: 'application/x-tar' });
      const manifest = await app.inject({ url: body.manifest.href });
      expect(manifest.json().files).toEqual(body.files.map(({ href: _href, ...f }: { href: string }) => f));
    });

    it('serves each file with its media type, the same bytes as the tar holds', async () => {
      const tar = await app.inject({ url: `/v1/assessment/${CITY}/evidence/evidence.tar?${Q}` });
      expect(tar.statusCode).toBe(200);
      expect(tar.headers['content-type']).toBe('application/x-tar');
      expect(tar.headers['content-disposition']).toBe('attachment; filename="evidence-tst-2023-05-30-2023-06-04.tar"');
      const { records } = readTar(tar.rawPayload);
      for (const [name, type] of [
        ['index.html', /^text\/html/],
        ['daily.csv', /^text\/csv/],
        ['assessment.json', /^application\/json/],
        ['manifest.json', /^application\/json/],
      ] as const) {
        const res = await app.inject({ url: `/v1/assessment/${CITY}/evidence/${name}?${Q}` });
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(type);
        expect(res.rawPayload.equals(records.find((r) => r.name === name)!.data), name).toBe(true);
      }
      const html = await app.inject({ url: `/v1/assessment/${CITY}/evidence/index.html?${Q}&lang=th` });
      expect(html.body).toContain('พ.ศ. 2566');
    });

    it('rejects an unknown file and an unknown language', async () => {
      problem(await app.inject({ url: `/v1/assessment/${CITY}/evidence/secrets.txt?${Q}` }), 400);
      expect(problem(await app.inject({ url: `/v1/assessment/${CITY}/evidence?${Q}&lang=fr` }), 400).detail).toMatch(/lang/);
    });
  });

  describe('KPI catalog', () => {
    it('shows the effective catalog and the stored overrides', async () => {
      const res = await app.inject({ url: `/v1/assessment/${CITY}/kpis` });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.overrides).toEqual(OVERRIDES);
      expect(body.catalog.inputs.population).toBe(1000);
      expect(body.catalog.kpis.find((k: { id: string }) => k.id === 'energy.per-capita')).toMatchObject({ baseline: 200, target: 100, weight: 20 });
      expect(body.updatedBy).toBeNull();
      expect(body.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    });

    it('needs a key, and the admin role, to change it', async () => {
      problem(await app.inject({ method: 'PUT', url: `/v1/assessment/${CITY}/kpis`, payload: {} }), 401);
      expect(problem(await app.inject({ method: 'PUT', url: `/v1/assessment/${CITY}/kpis`, headers: { 'x-test-role': 'operator' }, payload: {} }), 403).detail).toMatch(/admin/);
    });

    it('refuses changes when no role check is configured', async () => {
      const bare = await appWith({ telemetry, state });
      try {
        expect(problem(await bare.inject({ method: 'PUT', url: `/v1/assessment/${CITY}/kpis`, payload: {} }), 403).detail).toMatch(/admin API key/);
      } finally {
        await bare.close();
      }
    });

    it('names every bad field of a body', async () => {
      const body = problem(
        await app.inject({
          method: 'PUT',
          url: `/v1/assessment/${CITY}/kpis`,
          headers: { 'x-test-role': 'admin' },
          payload: { kpis: { 'air.aqi-days': { baseline: 95, target: 90 } }, inputs: { wasteFullPercent: 110, wasteOverflowPercent: 100 } },
        }),
        400,
      );
      expect(body.errors?.map((e) => e.path).sort()).toEqual(['body.inputs.wasteFullPercent', 'body.kpis.air.aqi-days'].sort());
      expect(body.detail).toMatch(/target must be above the baseline/);
      const unknown = problem(await app.inject({ method: 'PUT', url: `/v1/assessment/${CITY}/kpis`, headers: { 'x-test-role': 'admin' }, payload: { kpis: { 'air.made-up': { target: 1 } } } }), 400);
      expect(unknown.detail).toMatch(/made-up/);
    });

    it('stores a change that the next assessment uses', async () => {
      const changed = { ...OVERRIDES, kpis: { ...OVERRIDES.kpis, 'air.aqi-days': { target: 50, baseline: 0 } } };
      const put = await app.inject({ method: 'PUT', url: `/v1/assessment/${CITY}/kpis`, headers: { 'x-test-role': 'admin' }, payload: changed });
      expect(put.statusCode).toBe(200);
      const res = await app.inject({ url: `/v1/assessment/${CITY}?${Q}` });
      expect(res.json().kpis.find((k: { id: string }) => k.id === 'air.aqi-days')).toMatchObject({ value: 50, target: 50, score: 100, met: true });
      // back to the fixture's catalog for the other tests
      expect((await app.inject({ method: 'PUT', url: `/v1/assessment/${CITY}/kpis`, headers: { 'x-test-role': 'admin' }, payload: OVERRIDES })).statusCode).toBe(200);
    });
  });

  describe('GET /national', () => {
    it('counts the cities within standard and says why each is or is not', async () => {
      const res = await app.inject({ url: `/v1/national?${Q}` });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ citiesAssessed: 2, citiesWithinStandard: 0, citiesNotWithinStandard: 1, citiesInsufficientData: 1, masterPlanTarget: { fromYear: 2023, toYear: 2027, cities: 12 } });
      const tst = body.cities.find((c: { id: string }) => c.id === CITY);
      expect(tst.status).toBe('not_within_standard');
      expect(tst.reasons.map((r: { en: string }) => r.en)).toContain('Station-days within the PM2.5 24-hour standard: 80 %, target 90 %');
      expect(body.cities.find((c: { id: string }) => c.id === 'empty')).toMatchObject({ status: 'insufficient_data' });
    });

    it('rejects bad periods', async () => {
      problem(await app.inject({ url: '/v1/national?from=2023-06-05&to=2023-06-01' }), 400);
    });
  });
});

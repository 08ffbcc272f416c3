import { DAY_MS } from '@mueang/core';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, KEYS, NOW, type Fixture, type KeyName } from './fixtures.ts';
import { EXAMPLES, type RouteExample as Example } from './route-examples/index.ts';

const JSON_TYPE = /^application\/json/;

/**
 * Every route of the OpenAPI document, walked generically: happy path, no key, a key below the
 * route's role, a key of another city, bad parameters, and injection attempts in every
 * parameter. A route missing from EXAMPLES fails the first test, so a new route cannot be
 * forgotten.
 */

interface Operation {
  key: string;
  method: string;
  path: string;
  public: boolean;
  minRole: string | null;
  pathParams: string[];
  queryParams: string[];
  bodyFields: string[];
}

const INJECTIONS = [
  "'",
  '"',
  '"; DROP MEASUREMENT air',
  "' OR 1=1 --",
  "cnx' OR city =~ /.*/ --",
  '.*',
  '/.*/',
  '\\',
  '\u0000',
  'เชียงใหม่ 🌫️ \u202e',
  '${jndi:ldap://x}',
  'line1\nline2',
  'x'.repeat(5000),
];

function buildUrl(path: string, params: Record<string, string> = {}, query: Record<string, string> = {}): string {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? `missing-${name}`));
  const search = new URLSearchParams(query).toString();
  return search ? `${filled}?${search}` : filled;
}

function expectProblem(res: LightMyRequestResponse, status: number): Record<string, unknown> {
  expect(res.statusCode, `${res.statusCode} ${res.body.slice(0, 300)}`).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = res.json() as Record<string, unknown>;
  expect(problem.status).toBe(status);
  expect(typeof problem.title).toBe('string');
  expect(String(problem.detail).length).toBeGreaterThan(20);
  return problem;
}

async function snapshot(f: Fixture) {
  const keep = (id: string) => id === 'cnx' || id === 'bkk';
  const cities = (await f.state.listCities()).filter((c) => keep(c.id));
  const sites = (await f.state.listSites()).filter((s) => keep(s.cityId));
  const devices = (await f.state.listDevices()).filter((d) => keep(d.cityId));
  const keys = (await f.state.listApiKeys()).filter((k) => k.id.startsWith('key-') && k.cityId !== 'scratch');
  const telemetry: Record<string, unknown> = {};
  for (const domain of ['air', 'water', 'energy', 'waste'] as const) {
    const points = await f.telemetry.queryRaw({ domain, from: NOW - 5 * DAY_MS, to: NOW + 1 });
    telemetry[domain] = { count: points.length, sum: points.reduce((s, p) => s + Object.values(p.values).reduce((a, b) => a + b, 0), 0) };
  }
  const rollups = await f.telemetry.queryRollups({ period: '1h', from: NOW - 5 * DAY_MS, to: NOW + 1 });
  const deadLetters = await f.telemetry.queryDeadLetters({});
  return { cities, sites, devices, keys, telemetry, rollups: rollups.length, deadLetters: deadLetters.length };
}

describe('route matrix (OpenAPI document walked; PGlite + DuckDB)', () => {
  let f: Fixture;
  let operations: Operation[];
  let baseline: Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    f = await createFixture();
    const doc = (await f.call({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, Record<string, unknown>>> };
    operations = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const parameters = (op.parameters ?? []) as Array<{ in: string; name: string }>;
        const body = (op.requestBody as { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> } | undefined)?.content?.['application/json']?.schema;
        operations.push({
          key: `${method.toUpperCase()} ${path}`,
          method: method.toUpperCase(),
          path,
          public: Array.isArray(op.security) && (op.security as unknown[]).length === 0,
          minRole: (op['x-min-role'] as string | undefined) ?? null,
          pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
          queryParams: parameters.filter((p) => p.in === 'query').map((p) => p.name),
          bodyFields: Object.keys(body?.properties ?? {}),
        });
      }
    }
    baseline = await snapshot(f);
  });

  afterAll(async () => {
    await f?.close();
  });

  it('has an example for every documented operation, and documents every route', () => {
    const documented = operations.map((o) => o.key).sort();
    expect(documented).toEqual(Object.keys(EXAMPLES).sort());
    // every registered route (HEAD/OPTIONS and the docs UI aside) has a schema and is in the document
    const undocumented = f.app.apiRoutes.filter((r) => !r.documented && r.method !== 'HEAD' && r.method !== 'OPTIONS' && !r.url.startsWith('/docs'));
    expect(undocumented).toEqual([]);
    expect(operations.filter((o) => o.path.startsWith('/v1/')).every((o) => !o.public && o.minRole !== null)).toBe(true);
    expect(operations.filter((o) => !o.path.startsWith('/v1/')).every((o) => o.public)).toBe(true);
  });

  it('answers the happy path of every route', async () => {
    for (const op of operations) {
      const ex = EXAMPLES[op.key] as Example;
      const request = { method: op.method as 'GET', url: buildUrl(op.path, ex.params, ex.query), as: ex.as, ...(ex.headers ? { headers: ex.headers } : {}), ...(ex.body ? { payload: ex.body } : {}) };
      if (ex.stream) {
        // an endless response: read its status and headers, then hang up
        const res = await f.call({ ...request, payloadAsStream: true });
        expect(res.statusCode, op.key).toBe(ex.status);
        expect(res.headers['content-type'], op.key).toMatch(ex.contentType ?? JSON_TYPE);
        res.stream().destroy();
        continue;
      }
      const res = await f.call(request);
      expect(res.statusCode, `${op.key}: ${res.body.slice(0, 300)}`).toBe(ex.status);
      expect(res.headers['content-type'], op.key).toMatch(ex.contentType ?? JSON_TYPE);
    }
  });

  it('refuses every non-public route without a key, with an unknown key and with a revoked key (401)', async () => {
    for (const op of operations.filter((o) => !o.public)) {
      const ex = EXAMPLES[op.key] as Example;
      const url = buildUrl(op.path, ex.params, ex.query);
      const payload = ex.body ? { payload: ex.body } : {};
      const none = expectProblem(await f.call({ method: op.method as 'GET', url, ...payload }), 401);
      expect(none.detail).toMatch(/Authorization: Bearer/);
      expectProblem(await f.call({ method: op.method as 'GET', url, headers: { authorization: 'Bearer mk_not-a-key-we-issued-000000' }, ...payload }), 401);
      const revoked = expectProblem(await f.call({ method: op.method as 'GET', url, as: 'revoked', ...payload }), 401);
      expect(revoked.detail).toMatch(/revoked/);
    }
  });

  it('refuses a key below the route role (403)', async () => {
    const lower: Record<string, KeyName> = { operator: 'viewerAll', admin: 'operatorAll' };
    const checked = operations.filter((o) => o.minRole && lower[o.minRole]);
    expect(checked.length).toBeGreaterThan(10);
    for (const op of checked) {
      const ex = EXAMPLES[op.key] as Example;
      const res = await f.call({ method: op.method as 'GET', url: buildUrl(op.path, ex.params, ex.query), as: lower[op.minRole as string], ...(ex.body ? { payload: ex.body } : {}) });
      const problem = expectProblem(res, 403);
      expect(problem.detail, op.key).toMatch(new RegExp(`needs role ${op.minRole}`));
    }
  });

  it("refuses a key of another city on every route with a city (403), even an admin's", async () => {
    const checked = operations.filter((o) => !o.public && o.pathParams.includes('city'));
    expect(checked.length).toBeGreaterThan(15);
    for (const op of checked) {
      const ex = EXAMPLES[op.key] as Example;
      const res = await f.call({ method: op.method as 'GET', url: buildUrl(op.path, ex.params, ex.query), as: 'adminBkk', ...(ex.body ? { payload: ex.body } : {}) });
      expect(expectProblem(res, 403).detail, op.key).toMatch(/limited to city "bkk"/);
    }
    expectProblem(await f.call({ method: 'POST', url: '/v1/cities', as: 'adminBkk', payload: { id: 'newcity', name: 'New' } }), 403);
    expectProblem(await f.call({ method: 'POST', url: '/v1/keys', as: 'adminBkk', payload: { name: 'x', role: 'viewer', cityId: 'cnx' } }), 403);
    expectProblem(await f.call({ method: 'POST', url: '/v1/keys', as: 'adminBkk', payload: { name: 'x', role: 'viewer' } }), 403);
  });

  it('answers bad parameters with a 4xx problem naming the field', async () => {
    for (const op of operations) {
      const ex = EXAMPLES[op.key] as Example;
      const base = { method: op.method as 'GET', as: ex.as ?? ('adminAll' as KeyName) };
      if (op.queryParams.length > 0) {
        const res = await f.call({ ...base, url: buildUrl(op.path, ex.params, { ...ex.query, bogus: '1' }), ...(ex.body ? { payload: ex.body } : {}) });
        expect(expectProblem(res, 400).detail, op.key).toMatch(/querystring\.bogus is not a known field/);
      }
      for (const name of op.pathParams) {
        const res = await f.call({ ...base, url: buildUrl(op.path, { ...ex.params, [name]: 'Not An Id!' }, ex.query), ...(ex.body ? { payload: ex.body } : {}) });
        expect(expectProblem(res, 400).detail, op.key).toMatch(new RegExp(`params\\.${name} must be (an id|one of)`));
      }
      if (op.bodyFields.length > 0) {
        const res = await f.call({ ...base, url: buildUrl(op.path, ex.params, ex.query), payload: { ...ex.body, bogus: 1 } });
        expect(expectProblem(res, 400).detail, op.key).toMatch(/body\.bogus is not a known field/);
        const malformed = await f.call({ ...base, url: buildUrl(op.path, ex.params, ex.query), headers: { 'content-type': 'application/json' }, payload: '{"name": ' });
        expectProblem(malformed, 400);
      }
    }
  });

  it('answers specific bad parameters with what to do', async () => {
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ['/v1/cities/cnx/readings', { domain: 'smoke' }, /querystring\.domain must be one of: air, water, energy, waste/],
      ['/v1/cities/cnx/readings', {}, /querystring\.domain is required/],
      ['/v1/cities/cnx/readings', { domain: 'air', from: '2025-03-10T12:00:00+07:00', to: '2025-03-10T11:00:00+07:00' }, /query\.from: must be before query\.to/],
      ['/v1/cities/cnx/readings', { domain: 'air', from: '2025-01-01', to: '2025-03-10' }, /at most 31 days per request/],
      ['/v1/cities/cnx/readings', { domain: 'air', from: '1741579200' }, /outside 2000-01-01\.\.2100-01-01; check the unit/],
      ['/v1/cities/cnx/readings', { domain: 'air', from: 'yesterday' }, /query\.from: use an ISO 8601 date-time with an offset/],
      ['/v1/cities/cnx/readings', { domain: 'air', from: '2025-02-30' }, /not a calendar date/],
      ['/v1/cities/cnx/readings', { domain: 'air', params: 'pm25,ph' }, /"ph" is not a parameter of domain air; use pm25, pm10/],
      ['/v1/cities/cnx/readings', { domain: 'air', limit: '100000' }, /querystring\.limit must be <= 10000/],
      ['/v1/cities/cnx/readings', { domain: 'water', device: 'cnx-aq1' }, /device "cnx-aq1" is a air device; use domain=air/],
      ['/v1/cities/cnx/readings', { domain: 'air', device: 'bkk-aq1' }, /No device "bkk-aq1" in city "cnx"/],
      ['/v1/cities/cnx/readings/aggregate', { domain: 'air', window: '1m', from: '2025-02-01', to: '2025-03-01' }, /windows of 1m in the range; at most 10000/],
      ['/v1/cities/cnx/readings/aggregate', { domain: 'air', fn: 'median' }, /querystring\.fn must be one of: mean, min, max, count/],
      ['/v1/cities/cnx/completeness', { domain: 'air', expectedIntervalS: '700' }, /neither divides 3600/],
      ['/v1/cities/cnx/aqi', { at: '2030-01-01' }, /lies in the future/],
      ['/open/v1/bkk/stations', {}, /publishes no open data/],
      ['/v1/cities/nowhere', {}, /No city "nowhere"/],
    ];
    for (const [path, query, message] of cases) {
      const res = await f.call({ method: 'GET', url: buildUrl(path, {}, query), as: 'adminAll' });
      expect(res.statusCode, `${path} ${JSON.stringify(query)}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(expectProblem(res, res.statusCode).detail, `${path} ${JSON.stringify(query)}`).toMatch(message);
    }
  });

  it('survives injection attempts in every parameter (4xx or a safe answer, never 500) and leaves the stores unchanged', async () => {
    let requests = 0;
    for (const op of operations) {
      const ex = EXAMPLES[op.key] as Example;
      const targets: Array<['path' | 'query' | 'body', string]> = [
        ...op.pathParams.map((n) => ['path', n] as ['path', string]),
        ...op.queryParams.map((n) => ['query', n] as ['query', string]),
        ...op.bodyFields.map((n) => ['body', n] as ['body', string]),
      ];
      for (const [where, name] of targets) {
        for (const attack of INJECTIONS) {
          const params = where === 'path' ? { ...ex.params, [name]: attack } : ex.params;
          const query = where === 'query' ? { ...ex.query, [name]: attack } : ex.query;
          const body = where === 'body' ? { ...ex.body, [name]: attack } : ex.body;
          const res = await f.call({ method: op.method as 'GET', url: buildUrl(op.path, params, query), as: 'adminAll', ...(body ? { payload: body } : {}) });
          requests++;
          const label = `${op.key} ${where}.${name}=${JSON.stringify(attack.slice(0, 30))}: ${res.statusCode} ${res.body.slice(0, 200)}`;
          expect(res.statusCode, label).toBeLessThan(500);
          if (res.statusCode >= 400) expect(res.headers['content-type'], label).toMatch(/^application\/problem\+json/);
        }
      }
    }
    expect(requests).toBeGreaterThan(1000);
    expect(await snapshot(f)).toEqual(baseline);
  });

  it('stores hostile free text verbatim (it is data, never code)', async () => {
    const hostile = `Robert'); DROP TABLE cities; -- "${'\\'} /.*/ ${'$'}{x}`;
    const res = await f.call({ method: 'PATCH', url: '/v1/cities/scratch', as: 'adminAll', payload: { nameTh: hostile } });
    expect(res.statusCode).toBe(200);
    expect(res.json().nameTh).toBe(hostile);
    expect((await f.call({ method: 'GET', url: '/v1/cities/scratch', as: 'adminAll' })).json().nameTh).toBe(hostile);
    expect((await f.state.listCities()).map((c) => c.id)).toEqual(expect.arrayContaining(['bkk', 'cnx', 'scratch']));
  });

  it('keeps the key table private: no route returns a key hash or a stored secret', async () => {
    const hashes = (await f.state.listApiKeys()).map((k) => k.keyHash);
    const secretHashes = (await f.state.listDevices()).map((d) => d.secretHash).filter((h): h is string => h !== null);
    for (const op of operations.filter((o) => o.method === 'GET')) {
      const ex = EXAMPLES[op.key] as Example;
      const res = await f.call({ method: 'GET', url: buildUrl(op.path, ex.params, ex.query), as: 'adminAll' });
      for (const secret of [...hashes, ...secretHashes, ...Object.values(KEYS).map((k) => k.key)]) expect(res.body, op.key).not.toContain(secret);
      expect(res.body, op.key).not.toMatch(/scrypt\$/);
    }
  });
});

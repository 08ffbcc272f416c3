import { ROLLUP_REBUILD_TOPIC, parseRollupRebuild } from '@mueang/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, NOW, type Fixture } from './fixtures.ts';

/** POST /v1/rollups/rebuild: who may ask, what ingest is asked for, and what bad requests get (the MQTT path: provisioning.test.ts). */
describe('rollup rebuild requests', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture();
  });
  afterAll(async () => {
    await f?.close();
  });
  const post = (body: Record<string, unknown>, as: Parameters<Fixture['call']>[0]['as'] = 'adminAll') => f.call({ method: 'POST', url: '/v1/rollups/rebuild', as, payload: body });

  it('asks ingest for whole hours of the domains, up to the end of the current hour, and says what it asked', async () => {
    f.rebuildRequests.length = 0;
    const res = await post({ from: '2025-03-09T10:30:00+07:00', to: '2025-03-09T12:00:00+07:00', domains: ['air'] });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ from: '2025-03-09T03:00:00.000Z', to: '2025-03-09T05:00:00.000Z', domains: ['air'], hours: 2 });
    expect(f.rebuildRequests).toEqual([{ from: Date.parse('2025-03-09T03:00:00Z'), to: Date.parse('2025-03-09T05:00:00Z'), domains: ['air'], requestedAt: NOW, requestedBy: 'test adminAll' }]);
    // what ingest receives parses back to the same request
    expect(parseRollupRebuild(JSON.stringify(f.rebuildRequests[0]))).toEqual({ ok: true, request: f.rebuildRequests[0] });
    expect(ROLLUP_REBUILD_TOPIC).toBe('mueang/ingest/rollups/rebuild');

    // without `to` and domains: every domain up to the end of the current hour (NOW is 12:00 +07:00, an hour start)
    const open = await post({ from: '2025-03-10' });
    expect(open.json()).toEqual({ from: '2025-03-09T17:00:00.000Z', to: '2025-03-10T06:00:00.000Z', domains: ['air', 'water', 'energy', 'waste'], hours: 13 * 4 });
    // a `to` in the future is cut at the end of the current hour
    expect((await post({ from: '2025-03-10T11:00:00+07:00', to: '2026-01-01' })).json()).toMatchObject({ to: '2025-03-10T06:00:00.000Z', hours: 8 });
  });

  it('is for admins of every city: a city admin and an operator are refused, and nothing is asked', async () => {
    f.rebuildRequests.length = 0;
    const scoped = await post({ from: '2025-03-01' }, 'adminCnx');
    expect(scoped.statusCode).toBe(403);
    expect(scoped.json().detail).toMatch(/Rollups span every city; the API key "test adminCnx" is limited to city "cnx"/);
    expect((await post({ from: '2025-03-01' }, 'operatorAll')).statusCode).toBe(403);
    expect((await f.call({ method: 'POST', url: '/v1/rollups/rebuild', payload: { from: '2025-03-01' } })).statusCode).toBe(401);
    expect(f.rebuildRequests).toEqual([]);
  });

  it('answers bad ranges and domains with what to do, and asks nothing', async () => {
    f.rebuildRequests.length = 0;
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ from: '2025-03-05', to: '2025-03-01' }, /body\.from: must be before body\.to and before now/],
      [{ from: '2026-01-01' }, /body\.from: must be before body\.to and before now/],
      [{ from: '2023-01-01', to: '2025-01-01' }, /the range is 731 days long; at most 400 per request/],
      [{ from: 'last week' }, /body\.from: use an ISO 8601 date-time/],
      [{ from: '1741579200' }, /outside 2000-01-01\.\.2100-01-01; check the unit/],
      [{ from: '2025-03-01', domains: ['noise'] }, /body\.domains\.0 must be one of: air, water, energy, waste/],
      [{ from: '2025-03-01', domains: [] }, /body\.domains must NOT have fewer than 1 items/],
      [{ from: '2025-03-01', domains: ['air', 'air'] }, /body\.domains must NOT have duplicate items/],
      [{ to: '2025-03-01' }, /body\.from is required/],
    ];
    for (const [body, message] of cases) {
      const res = await post(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().detail, JSON.stringify(body)).toMatch(message);
    }
    expect(f.rebuildRequests).toEqual([]);
  });

  it('says so when the API has no broker connection (503), and when the broker does not take the request', async () => {
    const without = await createFixture({ state: f.state, api: { ingestControl: undefined } });
    try {
      const res = await without.call({ method: 'POST', url: '/v1/rollups/rebuild', as: 'adminAll', payload: { from: '2025-03-01' } });
      expect(res.statusCode).toBe(503);
      expect(res.json().detail).toMatch(/no broker connection \(MQTT_URL\)/);
    } finally {
      await without.close();
    }
    const failing = await createFixture({ state: f.state, api: { ingestControl: { requestRollupRebuild: () => Promise.reject(new Error('no PUBACK')) } } });
    try {
      const res = await failing.call({ method: 'POST', url: '/v1/rollups/rebuild', as: 'adminAll', payload: { from: '2025-03-01' } });
      expect(res.statusCode).toBe(503);
      expect(res.json().detail).toMatch(/The broker did not take the request in time/);
    } finally {
      await failing.close();
    }
  });
});

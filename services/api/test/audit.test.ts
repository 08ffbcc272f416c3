import { sha256Hex } from '@mueang/core';
import { alertRepository, openStateStore, type StateStore } from '@mueang/storage';
import { createTempDatabase, requireComponents, type TempDatabase } from '@mueang/testkit';
import type { FastifyRequest, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../src/index.ts';
import { BOOTSTRAP_KEY, KEYS, NOW, createFixture, type Fixture, type KeyName } from './fixtures.ts';

/**
 * The audit log through the API: every mutating route leaves exactly one entry naming the key, the action and the
 * target, and never a secret; refused, failed and no-op requests leave none; GET /v1/audit is admin-only, validated
 * and limited to the key's city. On PGlite and on PostgreSQL (the transaction handling differs between the drivers).
 */
const pgOk = await requireComponents('API audit log on PostgreSQL', 'postgres');

const backends: Array<{ name: string; available: boolean; open: () => Promise<{ state: StateStore; drop?: () => Promise<void> }> }> = [
  { name: 'PGlite', available: true, open: async () => ({ state: await openStateStore({ kind: 'pglite' }) }) },
  {
    name: 'PostgreSQL',
    available: pgOk,
    open: async () => {
      const db: TempDatabase = await createTempDatabase();
      return { state: await openStateStore({ kind: 'postgres', url: db.url }), drop: () => db.drop() };
    },
  },
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const VICTIM_KEY = 'mk_audit-victim-key-0000000000001';

interface AuditRow {
  id: number;
  ts: number;
  actor_kind: string;
  actor_id: string;
  actor_name: string | null;
  actor_role: string | null;
  action: string;
  target_type: string;
  target_id: string;
  city_id: string | null;
  details: Record<string, unknown>;
  request_id: string | null;
  remote_address: string | null;
}

interface Case {
  as: KeyName;
  method: 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  body?: Record<string, unknown>;
  status: number;
  action: string;
  target: (res: LightMyRequestResponse) => { type: string; id: string };
  cityId: string | null;
  details: Record<string, unknown>;
}

/** One request per mutating operation of the OpenAPI document (keys "METHOD /openapi/path"), in an order that works. */
const CASES: Record<string, Case> = {
  'POST /v1/keys': {
    as: 'adminAll',
    method: 'POST',
    url: '/v1/keys',
    body: { name: 'audited key', role: 'viewer', cityId: 'scratch' },
    status: 201,
    action: 'apikey.create',
    target: (res) => ({ type: 'api_key', id: res.json().id }),
    cityId: 'scratch',
    details: { after: { name: 'audited key', role: 'viewer', cityId: 'scratch' } },
  },
  'DELETE /v1/keys/{keyId}': {
    as: 'adminAll',
    method: 'DELETE',
    url: '/v1/keys/key-audit-victim',
    status: 200,
    action: 'apikey.revoke',
    target: () => ({ type: 'api_key', id: 'key-audit-victim' }),
    cityId: 'scratch',
    details: { name: 'victim', role: 'viewer', changes: { revokedAt: { from: null, to: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) } } },
  },
  'POST /v1/cities': {
    as: 'adminAll',
    method: 'POST',
    url: '/v1/cities',
    body: { id: 'audit-city', name: 'Audit City', publicData: true },
    status: 201,
    action: 'city.create',
    target: () => ({ type: 'city', id: 'audit-city' }),
    cityId: 'audit-city',
    details: { after: { name: 'Audit City', nameTh: null, province: null, timezone: 'Asia/Bangkok', publicData: true } },
  },
  'PATCH /v1/cities/{city}': {
    as: 'adminAll',
    method: 'PATCH',
    url: '/v1/cities/scratch',
    body: { name: 'Scratch audited', publicData: true, province: 'Lamphun' },
    status: 200,
    action: 'city.update',
    target: () => ({ type: 'city', id: 'scratch' }),
    cityId: 'scratch',
    details: { changes: { name: { from: 'Scratch City', to: 'Scratch audited' }, province: { from: null, to: 'Lamphun' }, publicData: { from: false, to: true } } },
  },
  'POST /v1/cities/{city}/sites': {
    as: 'operatorAll',
    method: 'POST',
    url: '/v1/cities/scratch/sites',
    body: { id: 'scratch-audit', name: 'Audit site', lat: 18.1, lon: 98.9 },
    status: 201,
    action: 'site.create',
    target: () => ({ type: 'site', id: 'scratch-audit' }),
    cityId: 'scratch',
    details: { after: { name: 'Audit site', nameTh: null, lat: 18.1, lon: 98.9, kind: null, waterClass: null } },
  },
  'PATCH /v1/cities/{city}/sites/{site}': {
    as: 'operatorAll',
    method: 'PATCH',
    url: '/v1/cities/scratch/sites/scratch-s1',
    body: { kind: 'park' },
    status: 200,
    action: 'site.update',
    target: () => ({ type: 'site', id: 'scratch-s1' }),
    cityId: 'scratch',
    details: { changes: { kind: { from: null, to: 'park' } } },
  },
  'POST /v1/cities/{city}/devices': {
    as: 'operatorAll',
    method: 'POST',
    url: '/v1/cities/scratch/devices',
    body: { id: 'scr-audit', siteId: 'scratch-s1', domain: 'air', kind: 'aq-station', name: 'Audited AQ' },
    status: 201,
    action: 'device.provision',
    target: () => ({ type: 'device', id: 'scr-audit' }),
    cityId: 'scratch',
    details: { after: { siteId: 'scratch-s1', domain: 'air', kind: 'aq-station', name: 'Audited AQ', status: 'active' } },
  },
  'PATCH /v1/cities/{city}/devices/{device}': {
    as: 'operatorAll',
    method: 'PATCH',
    url: '/v1/cities/scratch/devices/scr-upd',
    body: { name: 'Renamed sonde' },
    status: 200,
    action: 'device.update',
    target: () => ({ type: 'device', id: 'scr-upd' }),
    cityId: 'scratch',
    details: { changes: { name: { from: null, to: 'Renamed sonde' } } },
  },
  'POST /v1/cities/{city}/devices/{device}/rotate': {
    as: 'operatorAll',
    method: 'POST',
    url: '/v1/cities/scratch/devices/scr-rot/rotate',
    status: 200,
    action: 'device.rotate',
    target: () => ({ type: 'device', id: 'scr-rot' }),
    cityId: 'scratch',
    details: { secretReplaced: true },
  },
  'POST /v1/cities/{city}/devices/{device}/revoke': {
    as: 'operatorAll',
    method: 'POST',
    url: '/v1/cities/scratch/devices/scr-rev/revoke',
    status: 200,
    action: 'device.revoke',
    target: () => ({ type: 'device', id: 'scr-rev' }),
    cityId: 'scratch',
    details: { changes: { status: { from: 'active', to: 'revoked' } } },
  },
  'POST /v1/cities/{city}/devices/{device}/reactivate': {
    as: 'adminAll',
    method: 'POST',
    url: '/v1/cities/scratch/devices/scr-react/reactivate',
    status: 200,
    action: 'device.reactivate',
    target: () => ({ type: 'device', id: 'scr-react' }),
    cityId: 'scratch',
    details: { changes: { status: { from: 'revoked', to: 'active' } }, secretReplaced: true },
  },
  'POST /v1/cities/{city}/alerts/{alertId}/acknowledge': {
    as: 'operatorCnx',
    method: 'POST',
    url: '/v1/cities/cnx/alerts/al-cnx-pm25/acknowledge',
    body: { note: 'on site, call me at 081-234-5678 or somchai@example.go.th' },
    status: 200,
    action: 'alert.acknowledge',
    target: () => ({ type: 'alert', id: 'al-cnx-pm25' }),
    cityId: 'cnx',
    // the note is kept, its contact details masked (PDPA)
    details: { changes: { acknowledged: { from: false, to: true } }, note: 'on site, call me at 08******78 or s***@example.go.th' },
  },
  'POST /v1/cities/{city}/alerts/{alertId}/assign': {
    as: 'operatorCnx',
    method: 'POST',
    url: '/v1/cities/cnx/alerts/al-cnx-offline/assign',
    body: { assignee: 'Somchai (PCD 1)' },
    status: 200,
    action: 'alert.assign',
    target: () => ({ type: 'alert', id: 'al-cnx-offline' }),
    cityId: 'cnx',
    details: { changes: { assignee: { from: null, to: 'Somchai (PCD 1)' } }, note: null },
  },
  'POST /v1/rollups/rebuild': {
    as: 'adminAll',
    method: 'POST',
    url: '/v1/rollups/rebuild',
    body: { from: '2025-03-01', to: '2025-03-02', domains: ['air'] },
    status: 202,
    action: 'rollups.rebuild',
    target: () => ({ type: 'rollups', id: 'air' }),
    cityId: null,
    details: { from: '2025-02-28T17:00:00.000Z', to: '2025-03-01T17:00:00.000Z', domains: ['air'], hours: 24 },
  },
  'PUT /v1/assessment/{city}/kpis': {
    as: 'adminAll',
    method: 'PUT',
    url: '/v1/assessment/scratch/kpis',
    body: { kpis: { 'air.aqi-days': { target: 95 } }, inputs: { population: 120000 } },
    status: 200,
    action: 'kpi-catalog.update',
    target: () => ({ type: 'kpi_catalog', id: 'scratch' }),
    cityId: 'scratch',
    details: { changes: { 'kpis.air.aqi-days': { from: null, to: { target: 95 } }, 'inputs.population': { from: null, to: 120000 } } },
  },
};

for (const backend of backends) {
  describe.skipIf(!backend.available)(`audit log through the API on ${backend.name}`, () => {
    let f: Fixture;
    let state: StateStore;
    let drop: (() => Promise<void>) | undefined;
    /** secrets the API handed out during the tests: none may reach the audit table */
    const handedOut: string[] = [];

    beforeAll(async () => {
      ({ state, drop } = await backend.open());
      f = await createFixture({ state });
      await state.createApiKey({ id: 'key-audit-victim', name: 'victim', keyHash: sha256Hex(VICTIM_KEY), role: 'viewer', cityId: 'scratch' });
    });
    afterAll(async () => {
      await f?.close();
      await state?.close();
      await drop?.();
    });

    async function rows(): Promise<AuditRow[]> {
      return state.driver.query<AuditRow>('SELECT * FROM audit_log ORDER BY id');
    }

    async function tableText(): Promise<string> {
      const all = await state.driver.query<{ line: string }>('SELECT row_to_json(a)::text AS line FROM audit_log a ORDER BY id');
      return all.map((r) => r.line).join('\n');
    }

    async function expectNoNewEntry(label: string, request: () => Promise<LightMyRequestResponse>, status: number): Promise<void> {
      const before = (await rows()).length;
      const res = await request();
      expect(res.statusCode, `${label}: ${res.body.slice(0, 200)}`).toBe(status);
      expect((await rows()).length, `${label} left an audit entry`).toBe(before);
    }

    it('records exactly one entry for every mutating route, naming the key, the action and the target', async () => {
      const doc = (await f.call({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
      const mutating = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).filter((m) => m !== 'get' && m !== 'head').map((m) => `${m.toUpperCase()} ${path}`));
      // a new mutating route without a case here fails: it must be audited and tested
      expect(Object.keys(CASES).sort()).toEqual(mutating.sort());

      for (const [op, c] of Object.entries(CASES)) {
        const before = (await rows()).length;
        const res = await f.call({ method: c.method, url: c.url, as: c.as, ...(c.body ? { payload: c.body } : {}) });
        expect(res.statusCode, `${op}: ${res.body.slice(0, 300)}`).toBe(c.status);
        const body = res.json() as { key?: string; mqtt?: { password?: string } };
        if (body.key) handedOut.push(body.key);
        if (body.mqtt?.password) handedOut.push(body.mqtt.password);
        const added = (await rows()).slice(before);
        expect(added, op).toHaveLength(1);
        const entry = added[0]!;
        const spec = KEYS[c.as];
        expect(entry, op).toMatchObject({
          ts: NOW,
          actor_kind: 'api_key',
          actor_id: `key-${c.as.toLowerCase()}`,
          actor_name: `test ${c.as}`,
          actor_role: spec.role,
          action: c.action,
          target_type: c.target(res).type,
          target_id: c.target(res).id,
          city_id: c.cityId,
          remote_address: '127.0.0.1',
        });
        expect(entry.request_id, op).toMatch(UUID);
        expect(entry.details, op).toEqual(c.details);
      }
      // the new key, and the MQTT passwords of provision, rotate and reactivate
      expect(handedOut.length).toBe(4);
    });

    it('never holds a secret: no handed-out key or device password, no key hash, no secret hash', async () => {
      const text = await tableText();
      expect(text.length).toBeGreaterThan(1000);
      const keyHashes = (await state.listApiKeys()).map((k) => k.keyHash);
      const secretHashes = (await state.listDevices()).map((d) => d.secretHash).filter((h): h is string => h !== null);
      for (const secret of [...handedOut, ...keyHashes, ...secretHashes, ...Object.values(KEYS).map((k) => k.key), BOOTSTRAP_KEY, VICTIM_KEY]) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/scrypt\$|081-234-5678|somchai@/);
    });

    it('names the bootstrap key (API_ADMIN_KEY) as the actor of its changes', async () => {
      const res = await f.call({ method: 'POST', url: '/v1/keys', headers: { 'x-api-key': BOOTSTRAP_KEY }, payload: { name: 'first stored admin', role: 'admin' } });
      expect(res.statusCode).toBe(201);
      const last = (await rows()).at(-1)!;
      expect(last).toMatchObject({ actor_kind: 'api_key', actor_id: 'bootstrap-admin', actor_name: 'API_ADMIN_KEY', actor_role: 'admin', action: 'apikey.create', target_id: res.json().id, city_id: null });
    });

    it('leaves no entry for a refused or failed request, nor for one that changes nothing', async () => {
      const call = (as: KeyName | undefined, method: Case['method'], url: string, payload?: unknown) => () => f.call({ method, url, ...(as ? { as } : {}), ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });
      const refused: Array<[string, () => Promise<LightMyRequestResponse>, number]> = [
        ['no key', call(undefined, 'POST', '/v1/cities', { id: 'nokey', name: 'No key' }), 401],
        ['viewer creates a site', call('viewerAll', 'POST', '/v1/cities/scratch/sites', { id: 'scratch-v', name: 'V' }), 403],
        ['operator creates a city', call('operatorAll', 'POST', '/v1/cities', { id: 'opcity', name: 'Op' }), 403],
        ['operator changes a KPI catalog', call('operatorAll', 'PUT', '/v1/assessment/scratch/kpis', {}), 403],
        ['key of another city', call('operatorCnx', 'POST', '/v1/cities/scratch/devices/scr-rot/rotate'), 403],
        ['city admin makes an all-cities key', call('adminCnx', 'POST', '/v1/keys', { name: 'x', role: 'viewer' }), 403],
        ['unknown body field', call('adminAll', 'PATCH', '/v1/cities/scratch', { bogus: 1 }), 400],
        ['empty patch', call('adminAll', 'PATCH', '/v1/cities/scratch', {}), 400],
        ['site of another city', call('operatorAll', 'POST', '/v1/cities/scratch/devices', { id: 'scr-x', siteId: 'cnx-s1', domain: 'air', kind: 'aq-station' }), 400],
        ['invalid KPI catalog', call('adminAll', 'PUT', '/v1/assessment/scratch/kpis', { kpis: { 'air.aqi-days': { baseline: 95, target: 90 } } }), 400],
        ['existing city', call('adminAll', 'POST', '/v1/cities', { id: 'cnx', name: 'Again' }), 409],
        ['rotate a revoked device', call('operatorAll', 'POST', '/v1/cities/scratch/devices/scr-rev/rotate'), 409],
        ['unknown device', call('operatorAll', 'POST', '/v1/cities/scratch/devices/ghost/revoke'), 404],
        ['alert of another city', call('operatorCnx', 'POST', '/v1/cities/cnx/alerts/al-bkk-pm25/acknowledge', {}), 404],
        // no change: nothing to record
        ['revoke a revoked key', call('adminAll', 'DELETE', '/v1/keys/key-revoked'), 200],
        ['revoke a revoked device', call('operatorAll', 'POST', '/v1/cities/scratch/devices/scr-rev/revoke'), 200],
        ['acknowledge twice', call('operatorCnx', 'POST', '/v1/cities/cnx/alerts/al-cnx-pm25/acknowledge', {}), 200],
        ['assign to the same person', call('operatorCnx', 'POST', '/v1/cities/cnx/alerts/al-cnx-offline/assign', { assignee: 'Somchai (PCD 1)' }), 200],
        ['patch with the current values', call('adminAll', 'PATCH', '/v1/cities/scratch', { name: 'Scratch audited' }), 200],
        ['the same KPI catalog again', call('adminAll', 'PUT', '/v1/assessment/scratch/kpis', { kpis: { 'air.aqi-days': { target: 95 } }, inputs: { population: 120000 } }), 200],
      ];
      for (const [label, request, status] of refused) await expectNoNewEntry(label, request, status);
    });

    it('undoes the change when its entry cannot be written: both share one transaction', async () => {
      const trail = new AuditTrail(state, () => NOW);
      const request = { id: 'req-test', ip: '127.0.0.1', principal: null } as unknown as FastifyRequest;
      const failing = trail.change(request, async (tx) => {
        await tx.state.upsertCity({ id: 'never-city', name: 'Never' });
        return { result: null, audit: { action: 'city.explode' as never, target: { type: 'city', id: 'never-city' }, cityId: 'never-city' } };
      });
      await expect(failing).rejects.toThrow(/entry\.action/);
      expect(await state.getCity('never-city')).toBeNull();
      expect((await rows()).filter((r) => r.target_id === 'never-city')).toEqual([]);
    });

    describe('GET /v1/audit', () => {
      it('lists every change newest first, with who, what and when', async () => {
        const res = await f.call({ method: 'GET', url: '/v1/audit', as: 'adminAll' });
        expect(res.statusCode).toBe(200);
        const { entries, nextCursor } = res.json() as { entries: Array<Record<string, unknown> & { id: number }>; nextCursor: string | null };
        const stored = await rows();
        expect(entries.map((e) => e.id)).toEqual(stored.map((r) => r.id).reverse());
        expect(nextCursor).toBeNull();
        const rotate = entries.find((e) => e.action === 'device.rotate');
        expect(rotate).toEqual({
          id: expect.any(Number),
          at: new Date(NOW).toISOString(),
          actor: { kind: 'api_key', id: 'key-operatorall', name: 'test operatorAll', role: 'operator' },
          action: 'device.rotate',
          target: { type: 'device', id: 'scr-rot' },
          cityId: 'scratch',
          details: { secretReplaced: true },
          requestId: expect.stringMatching(UUID),
          remoteAddress: '127.0.0.1',
        });
      });

      it('filters by action, target, actor, city and time, and pages with a cursor', async () => {
        const list = async (query: string) => {
          const res = await f.call({ method: 'GET', url: `/v1/audit?${query}`, as: 'adminAll' });
          expect(res.statusCode, `${query}: ${res.body.slice(0, 200)}`).toBe(200);
          return res.json() as { entries: Array<{ id: number; action: string; target: { type: string; id: string }; actor: { id: string }; cityId: string | null }>; nextCursor: string | null };
        };
        expect((await list('action=device.rotate')).entries.map((e) => e.target.id)).toEqual(['scr-rot']);
        expect((await list('targetType=device&targetId=scr-rev')).entries.map((e) => e.action)).toEqual(['device.revoke']);
        expect((await list('targetId=scratch')).entries.map((e) => e.action).sort()).toEqual(['city.update', 'kpi-catalog.update']);
        const byOperator = (await list('actor=key-operatorcnx')).entries;
        expect(byOperator.map((e) => e.action).sort()).toEqual(['alert.acknowledge', 'alert.assign']);
        expect((await list('city=cnx')).entries.every((e) => e.cityId === 'cnx')).toBe(true);
        // every entry was written at the pinned clock NOW: from inclusive, to exclusive
        const all = (await rows()).length;
        expect((await list(`from=${NOW}&to=${NOW + 1}&limit=1000`)).entries).toHaveLength(all);
        expect((await list(`to=${NOW}`)).entries).toHaveLength(0);
        expect((await list(`from=${NOW + 1}`)).entries).toHaveLength(0);

        const seen: number[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page = await list(`limit=4${cursor ? `&cursor=${cursor}` : ''}`);
          seen.push(...page.entries.map((e) => e.id));
          cursor = page.nextCursor;
          pages += 1;
        } while (cursor && pages < 50);
        expect(pages).toBe(Math.ceil(all / 4));
        expect(seen).toEqual((await rows()).map((r) => r.id).reverse());
      });

      it('is for admins only (401 without a key, 403 for viewers and operators)', async () => {
        expect((await f.call({ method: 'GET', url: '/v1/audit' })).statusCode).toBe(401);
        for (const as of ['viewerAll', 'operatorAll', 'viewerCnx', 'operatorCnx'] as const) {
          const res = await f.call({ method: 'GET', url: '/v1/audit', as });
          expect(res.statusCode, as).toBe(403);
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(res.json().detail).toMatch(/needs role admin/);
        }
      });

      it("shows a city admin only its city's entries", async () => {
        const own = await f.call({ method: 'GET', url: '/v1/audit', as: 'adminCnx' });
        expect(own.statusCode).toBe(200);
        const entries = own.json().entries as Array<{ cityId: string | null; action: string }>;
        expect(entries.map((e) => e.action).sort()).toEqual(['alert.acknowledge', 'alert.assign']);
        expect(entries.every((e) => e.cityId === 'cnx')).toBe(true);
        expect((await f.call({ method: 'GET', url: '/v1/audit?city=cnx', as: 'adminCnx' })).json().entries).toHaveLength(2);
        const other = await f.call({ method: 'GET', url: '/v1/audit?city=scratch', as: 'adminCnx' });
        expect(other.statusCode).toBe(403);
        expect(other.json().detail).toMatch(/limited to city "cnx"/);
        expect((await f.call({ method: 'GET', url: '/v1/audit', as: 'adminBkk' })).json().entries).toEqual([]);
      });

      it('answers bad parameters with a 400 problem naming the field', async () => {
        const cases: Array<[string, RegExp]> = [
          ['limit=0', /querystring\.limit must be >= 1/],
          ['limit=5000', /querystring\.limit must be <= 1000/],
          ['action=device.explode', /querystring\.action must be one of: apikey\.create/],
          ['targetType=planet', /querystring\.targetType must be one of/],
          ['city=Not%20An%20Id', /querystring\.city must be an id/],
          ['from=yesterday', /query\.from: use an ISO 8601 date-time/],
          [`from=${NOW}&to=${NOW - 1}`, /query\.from: must be before query\.to/],
          ['cursor=not!a!cursor', /querystring\.cursor must match pattern/],
          ['cursor=bm90LWEtY3Vyc29y', /query\.cursor: not a cursor of this list/],
          ['bogus=1', /querystring\.bogus is not a known field/],
        ];
        for (const [query, message] of cases) {
          const res = await f.call({ method: 'GET', url: `/v1/audit?${query}`, as: 'adminAll' });
          expect(res.statusCode, query).toBe(400);
          expect(res.headers['content-type'], query).toMatch(/^application\/problem\+json/);
          expect(res.json().detail, query).toMatch(message);
        }
      });

      it('is documented in the OpenAPI document as an admin route', async () => {
        const doc = (await f.call({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, Record<string, unknown>>> };
        const op = doc.paths['/v1/audit']?.get;
        expect(op?.['x-min-role']).toBe('admin');
        expect(op?.tags).toEqual(['audit']);
        const names = ((op?.parameters ?? []) as Array<{ name: string }>).map((p) => p.name).sort();
        expect(names).toEqual(['action', 'actor', 'city', 'cursor', 'from', 'limit', 'targetId', 'targetType', 'to']);
      });
    });
  });
}

describe('audit log with an AlertRepository given to createApi', () => {
  let f: Fixture;
  beforeAll(async () => {
    const state = await openStateStore({ kind: 'pglite' });
    f = await createFixture({ api: { alerts: alertRepository(state) }, state });
  });
  afterAll(async () => {
    const state = f?.state;
    await f?.close();
    await state?.close();
  });

  it('records the acknowledgement right after it, once', async () => {
    const count = async () => (await f.state.driver.query<{ n: number }>('SELECT count(*) AS n FROM audit_log'))[0]!.n;
    expect(await count()).toBe(0);
    const first = await f.call({ method: 'POST', url: '/v1/cities/cnx/alerts/al-cnx-pm25/acknowledge', as: 'operatorCnx', payload: {} });
    expect(first.statusCode).toBe(200);
    const second = await f.call({ method: 'POST', url: '/v1/cities/cnx/alerts/al-cnx-pm25/acknowledge', as: 'operatorCnx', payload: {} });
    expect(second.statusCode).toBe(200);
    const rows = await f.state.driver.query<{ action: string; target_id: string; actor_id: string }>('SELECT action, target_id, actor_id FROM audit_log');
    expect(rows).toEqual([{ action: 'alert.acknowledge', target_id: 'al-cnx-pm25', actor_id: 'key-operatorcnx' }]);
  });
});

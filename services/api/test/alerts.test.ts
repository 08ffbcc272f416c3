import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, NOW, type Fixture } from './fixtures.ts';

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('alert routes (AlertRepository in the StateStore)', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('lists the alerts of the city only, newest first, with filters', async () => {
    const all = (await f.call({ method: 'GET', url: '/v1/cities/cnx/alerts', as: 'viewerCnx' })).json();
    expect(all.alerts.map((a: { id: string }) => a.id)).toEqual(['al-cnx-pm25', 'al-cnx-offline']);
    expect(all.nextCursor).toBeNull();
    const active = (await f.call({ method: 'GET', url: '/v1/cities/cnx/alerts?state=active', as: 'viewerCnx' })).json();
    expect(active.alerts).toHaveLength(1);
    expect(active.alerts[0]).toMatchObject({
      id: 'al-cnx-pm25',
      severity: 'major',
      status: 'active_unacknowledged',
      parameter: 'pm25',
      value: 80,
      unit: 'µg/m³',
      standard: { id: 'th-ambient-pm25-24h', version: '2023-06-01' },
      window: { from: iso(NOW - 27 * HOUR), to: iso(NOW - 3 * HOUR) },
      activeSince: iso(NOW - 3 * HOUR),
    });
    const cleared = (await f.call({ method: 'GET', url: '/v1/cities/cnx/alerts?state=cleared&domain=water', as: 'viewerCnx' })).json();
    expect(cleared.alerts.map((a: { id: string; clearedAt: string }) => [a.id, a.clearedAt])).toEqual([['al-cnx-offline', iso(NOW - HOUR)]]);
    // active at some time in the last 30 minutes: the offline alert was cleared before
    const recent = (await f.call({ method: 'GET', url: `/v1/cities/cnx/alerts?from=${NOW - HOUR / 2}&to=${NOW}`, as: 'viewerCnx' })).json();
    expect(recent.alerts.map((a: { id: string }) => a.id)).toEqual(['al-cnx-pm25']);
    expect(JSON.stringify(all)).not.toContain('al-bkk');
  });

  it('pages with a cursor', async () => {
    const first = (await f.call({ method: 'GET', url: '/v1/cities/cnx/alerts?limit=1', as: 'viewerCnx' })).json();
    expect(first.alerts.map((a: { id: string }) => a.id)).toEqual(['al-cnx-pm25']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await f.call({ method: 'GET', url: `/v1/cities/cnx/alerts?limit=1&cursor=${first.nextCursor}`, as: 'viewerCnx' })).json();
    expect(second.alerts.map((a: { id: string }) => a.id)).toEqual(['al-cnx-offline']);
    const bad = await f.call({ method: 'GET', url: '/v1/cities/cnx/alerts?cursor=notacursor', as: 'viewerCnx' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toMatch(/cursor/);
  });

  it('acknowledges once (idempotent) and keeps who and when, with the history', async () => {
    const ack = await f.call({ method: 'POST', url: '/v1/cities/cnx/alerts/al-cnx-pm25/acknowledge', as: 'operatorCnx', payload: { note: 'crew on the way' } });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ acknowledged: true, status: 'active_acknowledged', acknowledgedBy: 'test operatorCnx', acknowledgedAt: iso(NOW) });
    const again = await f.call({ method: 'POST', url: '/v1/cities/cnx/alerts/al-cnx-pm25/acknowledge', as: 'adminCnx' });
    expect(again.json().acknowledgedBy).toBe('test operatorCnx');
    const one = (await f.call({ method: 'GET', url: '/v1/cities/cnx/alerts/al-cnx-pm25', as: 'viewerCnx' })).json();
    expect(one.history.map((t: { transition: string; actor: string; note: string | null }) => [t.transition, t.actor, t.note])).toEqual([
      ['raised', 'engine', null],
      ['acknowledged', 'test operatorCnx', 'crew on the way'],
    ]);
  });

  it('assigns and unassigns', async () => {
    const assigned = await f.call({ method: 'POST', url: '/v1/cities/cnx/alerts/al-cnx-pm25/assign', as: 'operatorCnx', payload: { assignee: 'สมชาย (PCD region 1)' } });
    expect(assigned.json()).toMatchObject({ assignee: 'สมชาย (PCD region 1)', assignedAt: iso(NOW) });
    const filtered = (await f.call({ method: 'GET', url: `/v1/cities/cnx/alerts?assignee=${encodeURIComponent('สมชาย (PCD region 1)')}`, as: 'viewerCnx' })).json();
    expect(filtered.alerts.map((a: { id: string }) => a.id)).toEqual(['al-cnx-pm25']);
    const unassigned = await f.call({ method: 'POST', url: '/v1/cities/cnx/alerts/al-cnx-pm25/assign', as: 'operatorCnx', payload: { assignee: null } });
    expect(unassigned.json().assignee).toBeNull();
    const blank = await f.call({ method: 'POST', url: '/v1/cities/cnx/alerts/al-cnx-pm25/assign', as: 'operatorCnx', payload: { assignee: '   ' } });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().detail).toMatch(/use null to unassign/);
  });

  it('keeps alerts of other cities out of reach', async () => {
    expect((await f.call({ method: 'GET', url: '/v1/cities/cnx/alerts/al-bkk-pm25', as: 'adminAll' })).statusCode).toBe(404);
    expect((await f.call({ method: 'POST', url: '/v1/cities/cnx/alerts/al-bkk-pm25/acknowledge', as: 'operatorCnx' })).statusCode).toBe(404);
    expect((await f.call({ method: 'GET', url: '/v1/cities/bkk/alerts', as: 'viewerCnx' })).statusCode).toBe(403);
    expect((await f.call({ method: 'POST', url: '/v1/cities/cnx/alerts/al-cnx-pm25/acknowledge', as: 'viewerCnx' })).statusCode).toBe(403);
  });
});

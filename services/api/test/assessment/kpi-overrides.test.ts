import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStateStore, type StateStore } from '@mueang/storage';
import { createTempDatabase, requireComponents, type TempDatabase } from '@mueang/testkit';
import { cityCatalog, readKpiOverrides, stateAlertSource, writeKpiOverrides } from '../../src/assessment/index.ts';
import { CITY, OVERRIDES, PERIOD_END, loadAlerts, loadRegistry } from './fixture.ts';

const ok = await requireComponents('KPI overrides on PostgreSQL', 'postgres');

/** Migration 0003_kpi and the overrides / alert-time reads on the production driver (pg), not only PGlite. */
describe.skipIf(!ok)('KPI catalog overrides and alert times on PostgreSQL', () => {
  let db: TempDatabase;
  let state: StateStore;
  beforeAll(async () => {
    db = await createTempDatabase();
    state = await openStateStore({ kind: 'postgres', url: db.url });
    await loadRegistry(state);
  });
  afterAll(async () => {
    await state?.close();
    await db?.drop();
  });

  it('starts from the defaults, then stores, replaces and applies a city document', async () => {
    expect(await readKpiOverrides(state, CITY)).toEqual({ overrides: {}, updatedAt: null, updatedBy: null });
    const first = await writeKpiOverrides(state, CITY, OVERRIDES, 'admin-key');
    expect(first.updatedBy).toBe('admin-key');
    expect(await readKpiOverrides(state, CITY)).toMatchObject({ overrides: OVERRIDES, updatedBy: 'admin-key', updatedAt: expect.any(Number) });
    await writeKpiOverrides(state, CITY, { kpis: { 'air.aqi-days': { target: 95 } } }, null);
    const { catalog, stored } = await cityCatalog(state, CITY);
    expect(stored.overrides).toEqual({ kpis: { 'air.aqi-days': { target: 95 } } });
    expect(catalog.inputs.population).toBeNull();
    expect(catalog.kpis.find((k) => k.id === 'air.aqi-days')?.target).toBe(95);
  });

  it('refuses overrides for a city that does not exist (foreign key)', async () => {
    await expect(writeKpiOverrides(state, 'no-such-city', {}, null)).rejects.toThrow();
  });

  it('reads raise and acknowledgement times of a city from the alerts table', async () => {
    await loadAlerts(state);
    // an alert about the platform's disk (migration 0005: domain 'system', no device) is the operator's, not the city's monitoring
    const at = new Date(PERIOD_END - 3 * 3_600_000).toISOString();
    await state.driver.query(
      `INSERT INTO alerts (id, dedup_key, city_id, domain, rule_id, severity, active_since, raised_at) VALUES ('al-disk', 'system/ingest-all/' || $1 || '/system.disk-space', $1, 'system', 'system.disk-space', 'critical', $2, $2)`,
      [CITY, at],
    );
    const alerts = await stateAlertSource(state).alertsRaised(CITY, PERIOD_END - 7 * 86_400_000, PERIOD_END);
    expect(alerts.map((a) => (a.acknowledgedAt === null ? null : (a.acknowledgedAt - a.raisedAt) / 60_000))).toEqual([30, 90, null]);
    expect(await stateAlertSource(state).alertsRaised('other', 0, PERIOD_END)).toEqual([]);
  });
});

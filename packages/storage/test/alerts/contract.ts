import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertRepositoryError, alertRepository, type AlertObservation, type AlertRepository, type RaiseAlertInput, type StateStore } from '@mueang/storage';

/**
 * The AlertRepository contract, run on PGlite and on PostgreSQL. One database for the suite; every test works in a
 * city of its own, so tests do not see each other's alerts.
 */
export function alertRepositoryContract(openStore: () => Promise<StateStore>): void {
  let store: StateStore;
  let repo: AlertRepository;
  let cityCounter = 0;

  beforeAll(async () => {
    store = await openStore();
    repo = alertRepository(store);
  });
  afterAll(async () => {
    await store?.close();
  });

  const T0 = Date.UTC(2025, 0, 15, 3, 0, 0);
  const MIN = 60_000;

  interface World {
    city: string;
    devices: [string, string];
    raise(over?: Partial<RaiseAlertInput>): Promise<ReturnType<AlertRepository['raise']> extends Promise<infer R> ? R : never>;
  }

  /** a city with a site and two devices, and a raise() helper with sensible defaults */
  async function world(): Promise<World> {
    cityCounter += 1;
    const city = `c${cityCounter}-${Math.random().toString(36).slice(2, 8)}`;
    await store.upsertCity({ id: city, name: `City ${cityCounter}` });
    await store.upsertSite({ id: `${city}-s1`, cityId: city, name: 'Site 1' });
    const devices: [string, string] = [`${city}-d1`, `${city}-d2`];
    for (const id of devices) await store.upsertDevice({ id, cityId: city, siteId: `${city}-s1`, domain: 'air', kind: 'aq-station' });
    let n = 0;
    return {
      city,
      devices,
      raise: (over = {}) => {
        n += 1;
        const deviceId = over.deviceId === undefined ? devices[0] : over.deviceId;
        const ruleId = over.ruleId ?? 'air.pm25.24h';
        return repo.raise({
          id: `${city}-a${n}`,
          dedupKey: `${deviceId}/${ruleId}`,
          cityId: city,
          siteId: `${city}-s1`,
          deviceId,
          domain: 'air',
          ruleId,
          severity: 'major',
          observation: PM25,
          at: T0,
          now: T0 + 1000,
          ...over,
        });
      },
    };
  }

  const PM25: AlertObservation = {
    parameter: 'pm25',
    value: 41.2,
    unit: 'µg/m³',
    standard: { id: 'th-aaqs-pm25-24h', version: '2023-06-01' },
    window: { from: T0 - 86_400_000, to: T0 },
    details: { conditionId: 'standard' },
  };

  async function errorOf(promise: Promise<unknown>): Promise<AlertRepositoryError> {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AlertRepositoryError);
    return err as AlertRepositoryError;
  }

  describe('raise and dedup', () => {
    it('raises an active, unacknowledged alert with its observation and a raised transition', async () => {
      const w = await world();
      const { alert, created } = await w.raise();
      expect(created).toBe(true);
      expect(alert).toMatchObject({
        cityId: w.city,
        deviceId: w.devices[0],
        ruleId: 'air.pm25.24h',
        severity: 'major',
        state: 'active',
        status: 'active_unacknowledged',
        acknowledged: false,
        escalationLevel: 0,
        parameter: 'pm25',
        value: 41.2,
        peakValue: 41.2,
        unit: 'µg/m³',
        standardId: 'th-aaqs-pm25-24h',
        standardVersion: '2023-06-01',
        windowFrom: T0 - 86_400_000,
        windowTo: T0,
        activeSince: T0,
        raisedAt: T0 + 1000,
        lastNotifiedAt: T0 + 1000,
        clearedAt: null,
        details: { conditionId: 'standard' },
      });
      const history = await repo.history(alert.id);
      expect(history.map((t) => [t.transition, t.actor, t.at, t.value, t.publishedAt])).toEqual([['raised', 'engine', T0, 41.2, null]]);
      expect(history[0]?.details).toMatchObject({ parameter: 'pm25', standard: { id: 'th-aaqs-pm25-24h', version: '2023-06-01' }, window: { from: T0 - 86_400_000, to: T0 } });
    });

    it('keeps one active alert per device and rule: a second raise returns the first', async () => {
      const w = await world();
      const first = await w.raise();
      const second = await w.raise();
      expect(second.created).toBe(false);
      expect(second.alert.id).toBe(first.alert.id);
      expect(await repo.history(first.alert.id)).toHaveLength(1);
      expect(await repo.count({ cityId: w.city })).toBe(1);
    });

    it('starts a new alert for the same device and rule after the previous one cleared', async () => {
      const w = await world();
      const first = await w.raise();
      await repo.transition(first.alert.id, { transition: 'cleared', at: T0 + 60 * MIN, now: T0 + 61 * MIN });
      const again = await w.raise({ at: T0 + 120 * MIN, now: T0 + 121 * MIN });
      expect(again.created).toBe(true);
      expect(again.alert.id).not.toBe(first.alert.id);
    });

    it('refuses an unknown city or device as reference.not_found, and bad input as input.invalid', async () => {
      const w = await world();
      expect((await errorOf(w.raise({ cityId: 'no-such-city' }))).code).toBe('reference.not_found');
      expect((await errorOf(w.raise({ deviceId: 'no-such-device' }))).details).toEqual({ deviceId: 'no-such-device' });
      expect((await errorOf(w.raise({ severity: 'urgent' as never }))).details).toEqual({ field: 'severity' });
      expect((await errorOf(w.raise({ id: 'Not An Id' }))).code).toBe('input.invalid');
    });
  });

  describe('engine transitions', () => {
    it('escalates level by level while unacknowledged, and never after an acknowledgement', async () => {
      const w = await world();
      const { alert } = await w.raise();
      const one = await repo.transition(alert.id, { transition: 'escalated', escalationLevel: 1, at: T0 + 30 * MIN, now: T0 + 30 * MIN });
      expect(one).toMatchObject({ escalationLevel: 1, escalatedAt: T0 + 30 * MIN, lastNotifiedAt: T0 + 30 * MIN });
      // the same level again (a second engine, a retry) changes nothing
      expect(await repo.transition(alert.id, { transition: 'escalated', escalationLevel: 1, at: T0 + 31 * MIN })).toBeNull();
      await repo.acknowledge(alert.id, { by: 'duty-officer', now: T0 + 40 * MIN });
      expect(await repo.transition(alert.id, { transition: 'escalated', escalationLevel: 2, at: T0 + 60 * MIN })).toBeNull();
      expect(await repo.transition(alert.id, { transition: 'reminder', at: T0 + 60 * MIN })).toBeNull();
      expect((await repo.history(alert.id)).map((t) => [t.transition, t.escalationLevel])).toEqual([
        ['raised', 0],
        ['escalated', 1],
        ['acknowledged', 1],
      ]);
    });

    it('records reminders and moves the reminder clock', async () => {
      const w = await world();
      const { alert } = await w.raise();
      const reminded = await repo.transition(alert.id, { transition: 'reminder', at: T0 + 360 * MIN, now: T0 + 360 * MIN });
      expect(reminded?.lastNotifiedAt).toBe(T0 + 360 * MIN);
      expect((await repo.history(alert.id)).map((t) => t.transition)).toEqual(['raised', 'reminder']);
    });

    it('changes severity only to a different one, with the new observation', async () => {
      const w = await world();
      const { alert } = await w.raise();
      const worse = await repo.transition(alert.id, { transition: 'severity_changed', severity: 'critical', at: T0 + 10 * MIN, observation: { ...PM25, value: 80.4 } });
      expect(worse).toMatchObject({ severity: 'critical', value: 80.4, peakValue: 80.4 });
      expect(await repo.transition(alert.id, { transition: 'severity_changed', severity: 'critical', at: T0 + 11 * MIN })).toBeNull();
      const [, change] = await repo.history(alert.id);
      expect(change).toMatchObject({ transition: 'severity_changed', severity: 'critical', value: 80.4 });
    });

    it('clears an active alert once, keeping its acknowledgement independent', async () => {
      const w = await world();
      const { alert } = await w.raise();
      const cleared = await repo.transition(alert.id, { transition: 'cleared', at: T0 + 90 * MIN, observation: { ...PM25, value: 33.1 }, now: T0 + 91 * MIN });
      expect(cleared).toMatchObject({ state: 'cleared', status: 'cleared_unacknowledged', clearedAt: T0 + 90 * MIN, value: 33.1, peakValue: 41.2 });
      expect(await repo.transition(alert.id, { transition: 'cleared', at: T0 + 95 * MIN })).toBeNull();
      const acked = await repo.acknowledge(alert.id, { by: 'duty-officer' });
      expect(acked.status).toBe('cleared_acknowledged');
    });

    it('updates the observations of active alerts and keeps the highest value', async () => {
      const w = await world();
      const { alert } = await w.raise();
      await repo.updateObservations([{ alertId: alert.id, observation: { ...PM25, value: 55, window: { from: T0, to: T0 + 60 * MIN } } }], T0 + 60 * MIN);
      await repo.updateObservations([{ alertId: alert.id, observation: { ...PM25, value: 39 } }], T0 + 120 * MIN);
      expect(await repo.get(alert.id)).toMatchObject({ value: 39, peakValue: 55, updatedAt: T0 + 120 * MIN });
      expect(await repo.history(alert.id)).toHaveLength(1);
    });

    it('lists the active alerts (what the engine restores at start)', async () => {
      const w = await world();
      const a = await w.raise();
      const b = await w.raise({ deviceId: w.devices[1], now: T0 + 2000 });
      await repo.transition(a.alert.id, { transition: 'cleared', at: T0 + MIN });
      expect((await repo.listActive({ cityId: w.city })).map((x) => x.id)).toEqual([b.alert.id]);
    });
  });

  describe('acknowledge and assign (as the API calls them)', () => {
    it('acknowledges once: a second acknowledgement keeps the first time and author', async () => {
      const w = await world();
      const { alert } = await w.raise();
      const first = await repo.acknowledge(alert.id, { by: 'somchai', note: 'on my way', now: T0 + 5 * MIN });
      expect(first).toMatchObject({ acknowledged: true, acknowledgedBy: 'somchai', acknowledgedAt: T0 + 5 * MIN, status: 'active_acknowledged' });
      const second = await repo.acknowledge(alert.id, { by: 'malee', now: T0 + 9 * MIN });
      expect(second).toMatchObject({ acknowledgedBy: 'somchai', acknowledgedAt: T0 + 5 * MIN });
      const acks = (await repo.history(alert.id)).filter((t) => t.transition === 'acknowledged');
      expect(acks).toEqual([expect.objectContaining({ actor: 'somchai', note: 'on my way', at: T0 + 5 * MIN })]);
    });

    it('assigns, reassigns and unassigns, each with a transition naming both people', async () => {
      const w = await world();
      const { alert } = await w.raise();
      expect(await repo.assign(alert.id, { assignee: 'team-air', by: 'admin', now: T0 + MIN })).toMatchObject({ assignee: 'team-air', assignedAt: T0 + MIN });
      expect((await repo.assign(alert.id, { assignee: 'team-air', by: 'admin' })).assignedAt).toBe(T0 + MIN);
      expect(await repo.assign(alert.id, { assignee: null, by: 'admin', now: T0 + 2 * MIN })).toMatchObject({ assignee: null, assignedAt: null });
      const assigned = (await repo.history(alert.id)).filter((t) => t.transition === 'assigned');
      expect(assigned.map((t) => t.details)).toEqual([
        { assignee: 'team-air', previousAssignee: null },
        { assignee: null, previousAssignee: 'team-air' },
      ]);
    });

    it('reports an unknown alert as alert.not_found', async () => {
      expect((await errorOf(repo.acknowledge('no-such-alert', { by: 'x' }))).code).toBe('alert.not_found');
      expect((await errorOf(repo.assign('no-such-alert', { assignee: 'y', by: 'x' }))).details).toEqual({ alertId: 'no-such-alert' });
      expect(await repo.get('no-such-alert')).toBeNull();
    });
  });

  describe('outbox', () => {
    it('returns unpublished transitions oldest first with their alert, until marked published', async () => {
      const w = await world();
      const { alert } = await w.raise();
      await repo.acknowledge(alert.id, { by: 'api-user' });
      const pending = (await repo.pendingTransitions(10_000)).filter((p) => p.alert.cityId === w.city);
      expect(pending.map((p) => p.transition.transition)).toEqual(['raised', 'acknowledged']);
      expect(pending[1]?.alert.acknowledged).toBe(true);
      await repo.markPublished(pending.map((p) => p.transition.seq), T0);
      expect((await repo.pendingTransitions(10_000)).filter((p) => p.alert.cityId === w.city)).toEqual([]);
      expect((await repo.history(alert.id)).every((t) => t.publishedAt === T0)).toBe(true);
    });
  });

  describe('list', () => {
    it('filters by state, acknowledgement, severity, device, rule and time, newest first', async () => {
      const w = await world();
      const a = (await w.raise({ now: T0 + 1000 })).alert;
      const b = (await w.raise({ deviceId: w.devices[1], severity: 'critical', now: T0 + 2000 })).alert;
      const c = (await w.raise({ ruleId: 'air.aqi.band', severity: 'minor', now: T0 + 3000, at: T0 + 3000 })).alert;
      await repo.transition(a.id, { transition: 'cleared', at: T0 + 10 * MIN });
      await repo.acknowledge(b.id, { by: 'x' });
      const ids = async (filter: Parameters<AlertRepository['list']>[0]) => (await repo.list({ cityId: w.city, ...filter })).items.map((x) => x.id);
      expect(await ids({})).toEqual([c.id, b.id, a.id]);
      expect(await ids({ state: 'active' })).toEqual([c.id, b.id]);
      expect(await ids({ acknowledged: false })).toEqual([c.id, a.id]);
      expect(await ids({ severity: ['critical', 'minor'] })).toEqual([c.id, b.id]);
      expect(await ids({ deviceId: w.devices[1] })).toEqual([b.id]);
      expect(await ids({ ruleId: 'air.aqi.band' })).toEqual([c.id]);
      // active at some time in [from, to): a cleared before from is out, c started after to is out
      expect(await ids({ from: T0 + 20 * MIN, to: T0 + 30 * MIN })).toEqual([c.id, b.id]);
      expect(await ids({ to: T0 + 2000 })).toEqual([b.id, a.id]);
      expect(await repo.count({ cityId: w.city, state: 'active' })).toBe(2);
    });

    it('pages with a cursor without repeating or skipping alerts', async () => {
      const w = await world();
      const devices = [w.devices[0], w.devices[1]];
      const made: string[] = [];
      for (let i = 0; i < 7; i++) {
        // several alerts share a raisedAt: the id breaks the tie
        made.push((await w.raise({ deviceId: devices[i % 2]!, ruleId: `rule.${i}`, now: T0 + Math.floor(i / 3) * 1000 })).alert.id);
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await repo.list({ cityId: w.city, limit: 3, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((x) => x.id));
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toHaveLength(7);
      expect(new Set(seen)).toEqual(new Set(made));
      const all = (await repo.list({ cityId: w.city, limit: 10 })).items.map((x) => x.id);
      expect(seen).toEqual(all);
    });

    it('refuses a bad cursor and a bad page size', async () => {
      expect((await errorOf(repo.list({ cursor: 'garbage' }))).code).toBe('cursor.invalid');
      expect((await errorOf(repo.list({ limit: 0 }))).details).toEqual({ field: 'limit' });
    });
  });

  describe('recipients, routes, deliveries, rule overrides', () => {
    it('returns recipient addresses masked unless asked to reveal them', async () => {
      const w = await world();
      await repo.upsertRecipient({ id: `${w.city}-mail`, name: 'Duty officer', channel: 'email', address: 'somchai@example.go.th', language: 'th', cityId: w.city });
      await repo.upsertRecipient({ id: `${w.city}-line`, name: 'Air team group', channel: 'line', address: `C${'0123456789abcdef'.repeat(2)}`, cityId: w.city });
      const hook = await repo.upsertRecipient({ id: `${w.city}-hook`, name: 'City ops', channel: 'webhook', address: 'https://ops.example.go.th/hooks/s3cr3t-token?x=1', cityId: w.city });
      expect(hook).toMatchObject({ address: 'https://ops.example.go.th/…', addressMasked: true, language: 'both' });
      const masked = await repo.listRecipients({ cityId: w.city });
      expect(masked.map((r) => r.address)).toEqual(['https://ops.example.go.th/…', 'C012…cdef', 's***@example.go.th']);
      expect(JSON.stringify(masked)).not.toContain('somchai');
      expect((await repo.getRecipient(`${w.city}-mail`, { reveal: true }))?.address).toBe('somchai@example.go.th');
      await repo.upsertRecipient({ id: `${w.city}-mail`, name: 'Duty officer', channel: 'email', address: 'malee@example.go.th', enabled: false });
      expect(await repo.getRecipient(`${w.city}-mail`)).toMatchObject({ address: 'm***@example.go.th', enabled: false, cityId: null });
      expect(await repo.deleteRecipient(`${w.city}-mail`)).toBe(true);
      expect(await repo.deleteRecipient(`${w.city}-mail`)).toBe(false);
    });

    it('refuses a bad recipient without repeating its address', async () => {
      const err = await errorOf(repo.upsertRecipient({ id: 'r-bad', name: 'x', channel: 'sms' as never, address: '0812345678' }));
      expect(err.details).toEqual({ field: 'recipient.channel' });
      expect(err.message).not.toContain('0812345678');
      expect((await errorOf(repo.upsertRecipient({ id: 'r-bad2', name: 'x', channel: 'email', address: 'a@b.co', cityId: 'nowhere' }))).code).toBe('reference.not_found');
    });

    it('stores routes as data', async () => {
      const w = await world();
      const id = `${w.city}-route`;
      await repo.upsertRoute({ id, definition: { cities: [w.city], severities: ['critical'], recipients: ['r1'], quietHours: { from: '22:00', to: '07:00' } } });
      const saved = (await repo.listRoutes()).find((r) => r.id === id);
      expect(saved).toMatchObject({ enabled: true, definition: { id, cities: [w.city], severities: ['critical'], recipients: ['r1'], quietHours: { from: '22:00', to: '07:00' } } });
      await repo.upsertRoute({ id, definition: { recipients: ['r2'] }, enabled: false });
      expect((await repo.listRoutes()).find((r) => r.id === id)).toMatchObject({ enabled: false, definition: { id, recipients: ['r2'] } });
      expect(await repo.deleteRoute(id)).toBe(true);
    });

    it('logs delivery attempts and lists them newest first', async () => {
      const w = await world();
      const { alert } = await w.raise();
      const attempt = { notificationKey: `${alert.id}:raised:1`, alertId: alert.id, transition: 'raised', recipientId: 'r-hook', channel: 'webhook', at: T0, ok: false, status: 'http 500', error: 'server error', nextRetryAt: T0 + 5000 };
      await repo.recordDelivery({ ...attempt, attempt: 1 });
      await repo.recordDelivery({ ...attempt, attempt: 2, at: T0 + 5000, ok: true, status: 'http 200', error: null, nextRetryAt: null });
      const got = await repo.listDeliveries({ alertId: alert.id });
      expect(got.map((d) => [d.attempt, d.ok, d.status, d.nextRetryAt])).toEqual([
        [2, true, 'http 200', null],
        [1, false, 'http 500', T0 + 5000],
      ]);
      expect(await repo.listDeliveries({ alertId: alert.id, recipientId: 'someone-else' })).toEqual([]);
    });

    it('keeps per-city rule overrides', async () => {
      const w = await world();
      const saved = await repo.setRuleOverride(w.city, 'waste.fill.high', { conditions: { fill: { value: 85, clearValue: 65 } } }, 'admin');
      expect(saved).toMatchObject({ cityId: w.city, ruleId: 'waste.fill.high', updatedBy: 'admin', override: { conditions: { fill: { value: 85, clearValue: 65 } } } });
      await repo.setRuleOverride(w.city, 'waste.fill.high', { enabled: false });
      expect(await repo.listRuleOverrides({ cityId: w.city })).toEqual([expect.objectContaining({ override: { enabled: false }, updatedBy: null })]);
      expect(await repo.deleteRuleOverride(w.city, 'waste.fill.high')).toBe(true);
      expect(await repo.listRuleOverrides({ cityId: w.city })).toEqual([]);
      expect((await errorOf(repo.setRuleOverride('nowhere', 'x', {}))).code).toBe('reference.not_found');
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { alertRepository, openStateStore, openTelemetryStore, type AlertRepository, type Device, type StateStore, type TelemetryStore } from '@mueang/storage';
import { createAlertsService, type AlertsService } from '../src/index.ts';
import { CapturingSink, DAY, FakeClock, HOUR, MINUTE, reading, registerDevice } from './helpers.ts';

/**
 * The alert lifecycle with a fake clock on PGlite (the engine without MQTT: the service feeds it the same way).
 * Each test has its own devices and its own span of time.
 */
describe('alert lifecycle (engine, fake clock, PGlite)', () => {
  let state: StateStore;
  let telemetry: TelemetryStore;
  let repo: AlertRepository;
  const services: AlertsService[] = [];
  let epoch = Date.UTC(2025, 1, 10, 3, 0, 0);

  beforeAll(async () => {
    state = await openStateStore({ kind: 'pglite' });
    telemetry = await openTelemetryStore({ kind: 'duckdb', path: ':memory:' });
    repo = alertRepository(state);
  });
  afterAll(async () => {
    for (const s of services) await s.flush();
    await telemetry?.close();
    await state?.close();
  });

  async function setup(): Promise<{ svc: AlertsService; clock: FakeClock; sink: CapturingSink }> {
    epoch += 20 * DAY;
    const clock = new FakeClock(epoch);
    const sink = new CapturingSink();
    const svc = createAlertsService({
      mqttUrl: 'mqtt://127.0.0.1:1',
      state,
      telemetry,
      dispatcher: sink,
      clock: clock.read,
      tickIntervalMs: 0,
      evaluationSpacingMs: 0,
      logger: pino({ level: 'silent' }),
      retry: { maxAttempts: 2, baseDelayMs: 10 },
    });
    services.push(svc);
    await svc.engine.restore();
    return { svc, clock, sink };
  }

  async function alertOf(device: Device, ruleId: string) {
    const page = await repo.list({ deviceId: device.id, ruleId, limit: 10 });
    return page.items;
  }

  it('raises one alert per device and rule however often the condition repeats (dedup), with a full notification', async () => {
    const { svc, clock, sink } = await setup();
    const bin = await registerDevice(state, 'waste', 'Bin at Warorot market');
    svc.engine.handleReadings(bin, [reading(clock.now, { fillingLevel: 85 })]);
    clock.advance(MINUTE);
    svc.engine.handleReadings(bin, [reading(clock.now, { fillingLevel: 92 })]);
    await svc.tick();
    const alerts = await alertOf(bin, 'waste.fill.high');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ status: 'active_unacknowledged', severity: 'minor', value: 92, peakValue: 92, parameter: 'fillingLevel', unit: '%' });
    expect(sink.of(alerts[0]!.id)).toEqual(['raised']);
    const raised = sink.notifications.find((n) => n.alertId === alerts[0]!.id)!;
    expect(raised).toMatchObject({
      ruleId: 'waste.fill.high',
      ruleName: { en: 'Waste bin nearly full', th: 'ถังขยะใกล้เต็ม' },
      severity: 'minor',
      city: { id: 'cnx', name: 'Chiang Mai', nameTh: 'เชียงใหม่' },
      site: { id: 'cnx-nimman', name: 'Nimmanhaemin', nameTh: 'นิมมานเหมินท์' },
      device: { id: bin.id, name: 'Bin at Warorot market' },
      domain: 'waste',
      parameter: 'fillingLevel',
      value: 85,
      unit: '%',
      at: clock.now - MINUTE,
      escalationLevel: 0,
    });
  });

  it('hysteresis: a value between the clear value and the threshold keeps the alert; it clears below, after the quiet period', async () => {
    const { svc, clock, sink } = await setup();
    const bin = await registerDevice(state, 'waste');
    const fill = (value: number) => svc.engine.handleReadings(bin, [reading(clock.now, { fillingLevel: value })]);
    fill(85);
    for (let i = 0; i < 10; i++) {
      clock.advance(MINUTE);
      fill(70);
    }
    await svc.tick();
    const [alert] = await alertOf(bin, 'waste.fill.high');
    expect(alert?.state).toBe('active');
    clock.advance(MINUTE);
    fill(55);
    clock.advance(4 * MINUTE);
    fill(55);
    await svc.tick();
    expect((await repo.get(alert!.id))?.state).toBe('active');
    clock.advance(MINUTE);
    fill(55);
    await svc.tick();
    expect(await repo.get(alert!.id)).toMatchObject({ state: 'cleared', clearedAt: clock.now, value: 55 });
    expect(sink.of(alert!.id)).toEqual(['raised', 'cleared']);
  });

  it('clears after the quiet period on the tick, without waiting for another reading', async () => {
    const { svc, clock, sink } = await setup();
    const bin = await registerDevice(state, 'waste');
    svc.engine.handleReadings(bin, [reading(clock.now, { fillingLevel: 88 })]);
    clock.advance(MINUTE);
    svc.engine.handleReadings(bin, [reading(clock.now, { fillingLevel: 12 })]);
    clock.advance(4 * MINUTE);
    await svc.tick();
    const [alert] = await alertOf(bin, 'waste.fill.high');
    expect(alert?.state).toBe('active');
    clock.advance(MINUTE);
    await svc.tick();
    expect((await repo.get(alert!.id))?.state).toBe('cleared');
    expect(sink.of(alert!.id)).toEqual(['raised', 'cleared']);
    const events = await telemetry.queryAlertEvents({ device: bin.id, from: 0, to: Number.MAX_SAFE_INTEGER });
    expect(events.map((e) => [e.transition, e.state, e.ruleId])).toEqual([
      ['cleared', 'cleared', 'waste.fill.high'],
      ['raised', 'active', 'waste.fill.high'],
    ]);
  });

  it('escalates while unacknowledged, reminds, and stops both once acknowledged through the AlertRepository (as the API does)', async () => {
    const { svc, clock, sink } = await setup();
    const bin = await registerDevice(state, 'waste');
    const t0 = clock.now;
    const hotThenTick = async (at: number) => {
      clock.now = at;
      svc.engine.handleReadings(bin, [reading(at, { temperature: 75 })]);
      await svc.tick();
    };
    await hotThenTick(t0);
    const [alert] = await alertOf(bin, 'waste.fire-risk');
    expect(alert).toMatchObject({ severity: 'critical', escalationLevel: 0 });
    await hotThenTick(t0 + 14 * MINUTE);
    expect(sink.of(alert!.id)).toEqual(['raised']);
    await hotThenTick(t0 + 15 * MINUTE);
    await hotThenTick(t0 + 30 * MINUTE);
    await hotThenTick(t0 + 45 * MINUTE);
    expect(sink.of(alert!.id)).toEqual(['raised', 'escalated', 'escalated']);
    await hotThenTick(t0 + 60 * MINUTE);
    expect(sink.of(alert!.id)).toEqual(['raised', 'escalated', 'escalated', 'reminder']);
    await repo.acknowledge(alert!.id, { by: 'somchai', note: 'fire brigade informed', now: t0 + 61 * MINUTE });
    await hotThenTick(t0 + 100 * MINUTE);
    await hotThenTick(t0 + 180 * MINUTE);
    const mine = sink.notifications.filter((n) => n.alertId === alert!.id);
    expect(mine.map((n) => [n.transition, n.escalationLevel])).toEqual([
      ['raised', 0],
      ['escalated', 1],
      ['escalated', 2],
      ['reminder', 2],
      ['acknowledged', 2],
    ]);
    expect(mine[4]?.acknowledgedBy).toBe('somchai');
    expect((await repo.history(alert!.id)).map((t) => [t.transition, t.actor])).toEqual([
      ['raised', 'engine'],
      ['escalated', 'engine'],
      ['escalated', 'engine'],
      ['reminder', 'engine'],
      ['acknowledged', 'somchai'],
    ]);
    expect(await repo.get(alert!.id)).toMatchObject({ state: 'active', status: 'active_acknowledged' });
  });

  it('an exceedance shorter than the 24 h window does not fire the 24 h standard', async () => {
    const { svc, clock, sink } = await setup();
    const air = await registerDevice(state, 'air');
    // 20 hours near 20 µg/m³, then 4 hours at 100 (each hour far above 37.5): the 24 h mean is about 33.5
    for (let i = 0; i < 24; i++) {
      const value = i < 20 ? 20 + (i % 3) : 100;
      svc.engine.handleReadings(air, [reading(clock.now - (23 - i) * HOUR, { pm25: value })]);
    }
    await svc.tick();
    expect(await alertOf(air, 'air.pm25.24h')).toEqual([]);
    expect(sink.notifications.filter((n) => n.device?.id === air.id && n.ruleId === 'air.pm25.24h')).toEqual([]);
  });

  it('a gap in the data gives insufficient data: the active 24 h alert stays until a complete window meets the standard', async () => {
    const { svc, clock, sink } = await setup();
    const air = await registerDevice(state, 'air');
    const t0 = clock.now;
    for (let i = 0; i < 24; i++) svc.engine.handleReadings(air, [reading(t0 - (23 - i) * HOUR, { pm25: 60 + (i % 3) })]);
    await svc.tick();
    const [alert] = await alertOf(air, 'air.pm25.24h');
    expect(alert).toMatchObject({ state: 'active', standardId: 'th-aaqs-pm25-24h', standardVersion: '2023-06-01', value: 61 });
    // the station goes silent: 15 of 24 hours after 10 h, none after 30 h
    clock.now = t0 + 10 * HOUR;
    await svc.tick();
    clock.now = t0 + 30 * HOUR;
    await svc.tick();
    expect((await repo.get(alert!.id))?.state).toBe('active');
    // it comes back with a day of clean air (delivered late, as a device that buffered would)
    for (let i = 0; i < 24; i++) svc.engine.handleReadings(air, [reading(clock.now - (23 - i) * HOUR, { pm25: 10 + (i % 3) })]);
    await svc.tick();
    clock.advance(HOUR);
    svc.engine.handleReadings(air, [reading(clock.now, { pm25: 11 })]);
    await svc.tick();
    expect((await repo.get(alert!.id))?.state).toBe('cleared');
    // nobody acknowledged it during the silence: it escalated to the last level, but never cleared on missing data
    expect(sink.of(alert!.id)).toEqual(['raised', 'escalated', 'escalated', 'cleared']);
  });

  it('changes severity with the AQI band (major in band 4, critical above 200)', async () => {
    const { svc, clock, sink } = await setup();
    const air = await registerDevice(state, 'air');
    const t0 = clock.now;
    for (let i = 0; i < 24; i++) svc.engine.handleReadings(air, [reading(t0 - (23 - i) * HOUR, { pm25: 50 + (i % 2) })]);
    for (let i = 1; i <= 8; i++) {
      clock.now = t0 + i * HOUR;
      svc.engine.handleReadings(air, [reading(clock.now, { pm25: 200 })]);
    }
    await svc.tick();
    const [alert] = await alertOf(air, 'air.aqi.band');
    const mine = sink.notifications.filter((n) => n.alertId === alert!.id);
    expect(mine.map((n) => [n.transition, n.severity])).toEqual([
      ['raised', 'major'],
      ['severity_changed', 'critical'],
    ]);
    expect(mine[0]).toMatchObject({ parameter: 'aqi', standard: { id: 'th-aqi', version: '2023-06-01', limit: 100 } });
    expect(mine[1]!.value).toBeGreaterThan(200);
  });

  it('raises and clears the offline alert from the broker status', async () => {
    const { svc, clock, sink } = await setup();
    const bin = await registerDevice(state, 'waste');
    svc.engine.handleStatus(bin, false, clock.now);
    clock.advance(14 * MINUTE);
    await svc.tick();
    expect(await alertOf(bin, 'ops.device.offline')).toEqual([]);
    clock.advance(2 * MINUTE);
    await svc.tick();
    const [alert] = await alertOf(bin, 'ops.device.offline');
    expect(alert).toMatchObject({ state: 'active', value: 16, unit: 'min' });
    svc.engine.handleStatus(bin, true, clock.now);
    clock.advance(5 * MINUTE);
    await svc.tick();
    expect(sink.of(alert!.id)).toEqual(['raised', 'cleared']);
  });

  it('after a restart: continues the active alert instead of raising a second one, and rebuilds the 24 h mean from the telemetry store', async () => {
    const first = await setup();
    const bin = await registerDevice(state, 'waste');
    first.svc.engine.handleReadings(bin, [reading(first.clock.now, { fillingLevel: 95 })]);
    await first.svc.flush();
    const [alert] = await alertOf(bin, 'waste.fill.high');

    const air = await registerDevice(state, 'air');
    const now = first.clock.now;
    await telemetry.writePoints(Array.from({ length: 24 }, (_, i) => ({ ts: now - (23 - i) * HOUR, city: 'cnx', site: 'cnx-nimman', device: air.id, domain: 'air' as const, values: { pm25: 45 + (i % 4) } })));

    const second = await setup();
    second.clock.now = now + MINUTE;
    await second.svc.engine.seed();
    await second.svc.tick();
    second.svc.engine.handleReadings(bin, [reading(second.clock.now, { fillingLevel: 97 })]);
    await second.svc.tick();
    expect(second.sink.of(alert!.id)).toEqual([]);
    expect(await repo.count({ deviceId: bin.id, state: 'active' })).toBe(1);
    const [pm] = await alertOf(air, 'air.pm25.24h');
    expect(pm).toMatchObject({ state: 'active', value: 46.5 });
    expect(second.sink.of(pm!.id)).toEqual(['raised']);

    second.svc.engine.handleReadings(bin, [reading(second.clock.now, { fillingLevel: 5 })]);
    second.clock.advance(5 * MINUTE);
    await second.svc.tick();
    expect(second.sink.of(alert!.id)).toEqual(['cleared']);
    expect((await repo.get(alert!.id))?.state).toBe('cleared');
  });
});

import { DAY_MS, HOUR_MS } from '@mueang/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attemptBadLogin, backfill, buildFleet, DEMO_FLEET_SPEC, publishOnce, runFleet, SimRunError, type Fleet, type RunProgress } from '../src/index.ts';
import { byDeviceAndTime, decodeAll, sortRejections, startBroker, type TestBroker } from './broker.ts';

// variety included: cnx-air-002 reports CO in ppb, cnx-air-003 and cnx-water-002 send SenML, cnx-energy-002 power in W
const fleet: Fleet = buildFleet({ ...DEMO_FLEET_SPEC, perDomain: { air: 3, water: 2, energy: 2, waste: 2 } });

function recorded(readings: Array<{ deviceId: string; ts: number; values: Record<string, number> }>) {
  return byDeviceAndTime(readings.map((r) => ({ deviceId: r.deviceId, ts: r.ts, values: r.values })));
}

describe('runner against an in-process Aedes broker', () => {
  let broker: TestBroker;

  beforeAll(async () => {
    broker = await startBroker();
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('delivers exactly the recorded readings, and each fault causes the recorded rejection', async () => {
    broker.messages.length = 0;
    const progress: RunProgress[] = [];
    const run = await runFleet({
      url: broker.url,
      fleet,
      rate: { intervalMs: 40 },
      readingsPerDevice: 16,
      record: true,
      faults: [
        { kind: 'malformed', every: 4 },
        { kind: 'out_of_range', every: 5 },
        { kind: 'stuck', every: 7, readings: 3 },
        { kind: 'spike', rate: 0.1 },
        { kind: 'dropout', every: 9, readings: 2 },
      ],
      onProgress: (p) => progress.push(p),
      progressIntervalMs: 100,
    });
    const summary = await run.done;
    const rec = run.recorder!;

    expect(summary.sent).toBe(broker.messages.length);
    expect(summary.acked).toBe(summary.sent);
    expect(summary.errors).toBe(0);
    expect(summary.sent + summary.skipped).toBe(fleet.devices.length * 16);
    expect(progress.length).toBeGreaterThan(1);

    const delivered = decodeAll(broker.messages);
    expect(delivered.readings.length).toBeGreaterThan(fleet.devices.length * 8);
    expect(byDeviceAndTime(delivered.readings)).toEqual(recorded(rec.readings));

    const expected = rec.expectedDeadLetters().map((f) => ({ deviceId: f.deviceId, code: (f.expected as { code: string }).code, param: (f.expected as { param?: string }).param }));
    expect(expected.length).toBeGreaterThan(fleet.devices.length);
    expect(sortRejections(delivered.rejections)).toEqual(sortRejections(expected));
    // SenML and declared units were part of it
    const senml = broker.messages.find((m) => m.topic.includes('cnx-air-003'))!;
    expect(senml.payload.toString().startsWith('[')).toBe(true);
    expect(broker.messages.some((m) => m.payload.toString().includes('"units":{"co":"ppb"}'))).toBe(true);
    expect(rec.faults.filter((f) => f.kind === 'dropout').length).toBeGreaterThan(0);
  });

  it('stamps readings with a simulated clock that runs faster than real time', async () => {
    broker.messages.length = 0;
    const startMs = Date.now() - 2 * DAY_MS;
    const realStart = Date.now();
    const run = await runFleet({ url: broker.url, fleet, rate: { intervalMs: 25 }, readingsPerDevice: 8, record: true, clock: { startMs, speed: 3600 } });
    const summary = await run.done;
    const realElapsed = Date.now() - realStart;
    expect(summary.sent).toBe(fleet.devices.length * 8);
    const readings = run.recorder!.readings;
    for (const device of fleet.devices) {
      const ts = readings.filter((r) => r.deviceId === device.id).map((r) => r.ts);
      expect(ts).toHaveLength(8);
      // the k-th reading goes out no earlier than k intervals after the start: k * 25 ms * 3600 = k * 90 s of sim time
      expect(Math.max(...ts) - startMs).toBeGreaterThanOrEqual(7 * 90_000);
      expect(Math.max(...ts)).toBeLessThanOrEqual(startMs + realElapsed * 3600);
    }
    expect(byDeviceAndTime(decodeAll(broker.messages).readings)).toEqual(recorded(readings));
  });

  it('runs until stop(), drains the outstanding acknowledgements, and reports a total rate', async () => {
    const run = await runFleet({ url: broker.url, fleet, rate: { perSecond: 300 } });
    while (run.progress().acked < 60) await new Promise((r) => setTimeout(r, 20));
    const summary = await run.stop();
    expect(summary.inFlight).toBe(0);
    expect(summary.acked).toBe(summary.sent);
    expect(await run.stop()).toBe(summary);
    expect(await run.done).toBe(summary);
  });

  it('reconnects after the broker drops every connection, and loses no acknowledged reading', async () => {
    broker.messages.length = 0;
    const run = await runFleet({ url: broker.url, fleet, rate: { intervalMs: 20 }, record: true });
    while (run.progress().acked < 40) await new Promise((r) => setTimeout(r, 10));
    await broker.interrupt(300);
    await expect.poll(() => run.progress().connected, { timeout: 10_000 }).toBe(fleet.devices.length);
    const afterReconnect = run.progress().acked;
    while (run.progress().acked < afterReconnect + 40) await new Promise((r) => setTimeout(r, 10));
    const summary = await run.stop();
    expect(summary.inFlight).toBe(0);
    // a message whose PUBACK was lost in the cut arrives twice (QoS 1 is at least once): the store keeps one per device and time
    const unique = new Map(decodeAll(broker.messages).readings.map((r) => [`${r.deviceId}/${r.ts}`, r]));
    expect(byDeviceAndTime([...unique.values()])).toEqual(recorded(run.recorder!.readings));
    expect(run.recorder!.readings.length).toBe(summary.acked);
  });

  it('backfills past hours as batch payloads, same readings as recorded', async () => {
    broker.messages.length = 0;
    const to = Date.now();
    const result = await backfill({ url: broker.url, fleet, from: to - 6 * HOUR_MS, to, intervalMs: 60_000, batchSize: 100, record: true });
    expect(result.readingsAcked).toBe(fleet.devices.length * 360);
    expect(result.messages).toBe(fleet.devices.length * 4);
    expect(broker.messages).toHaveLength(result.messages);
    const delivered = decodeAll(broker.messages);
    expect(delivered.rejections).toEqual([]);
    expect(byDeviceAndTime(delivered.readings)).toEqual(recorded(result.recorder!.readings));
    expect(broker.messages.some((m) => m.payload.toString().startsWith('{"readings":['))).toBe(true);
  });

  it('publishes a single reading with publishOnce', async () => {
    broker.messages.length = 0;
    const device = fleet.devices.find((d) => d.id === 'cnx-energy-002')!;
    const ts = Date.now() - 1000;
    const sent = await publishOnce(device, { ts, values: { activePower: 12.5, voltage: 231 } }, { url: broker.url });
    expect(sent.topic).toBe('v1/cnx/energy/cnx-energy-002/telemetry');
    expect(JSON.parse(sent.payload)).toEqual({ ts, values: { activePower: 12500, voltage: 231 }, units: { activePower: 'W' } });
    expect(decodeAll(broker.messages).readings).toEqual([{ deviceId: device.id, ts, values: { activePower: 12.5, voltage: 231 } }]);
    expect(sent.stored).toEqual([{ ts, values: { activePower: 12.5, voltage: 231 } }]);
  });

  it('refuses bad options with a clear message', async () => {
    await expect(runFleet({ url: 'localhost:1883', fleet })).rejects.toThrow(/^url: expected a broker url such as mqtt:\/\/localhost:1883/);
    await expect(runFleet({ url: broker.url, fleet, rate: { perSecond: 0 } })).rejects.toThrow(/rate.perSecond: expected a positive number/);
    await expect(runFleet({ url: broker.url, fleet, faults: [{ kind: 'spike' }] })).rejects.toThrow(/give a rate \(0-1\) or every/);
    await expect(runFleet({ url: broker.url, fleet, episodes: [{ kind: 'haze', startMs: 0, durationMs: 1, peak: 9000 }] })).rejects.toThrow(/peak: expected a PM2.5 level/);
    await expect(backfill({ url: broker.url, fleet, from: Date.now(), to: Date.now() + DAY_MS })).rejects.toThrow(/ingest rejects readings from the future/);
  });
});

describe('runner against a broker that checks credentials', () => {
  let broker: TestBroker;
  const secrets = new Map(fleet.devices.map((d) => [d.id, d.secret]));
  const small: Fleet = { ...fleet, devices: fleet.devices.slice(0, 3) };

  beforeAll(async () => {
    broker = await startBroker({
      authenticate: (_client, username, password, done) => {
        const ok = username !== undefined && password !== undefined && secrets.get(username) === password.toString();
        if (ok) done(null, true);
        else done(Object.assign(new Error('bad username or password'), { returnCode: 4 as const }), null);
      },
    });
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('connects with each device id and secret, and records a refused impostor', async () => {
    const run = await runFleet({ url: broker.url, fleet: small, rate: { intervalMs: 30 }, readingsPerDevice: 4, record: true, faults: [{ kind: 'bad_credentials', every: 4 }] });
    const summary = await run.done;
    expect(summary.acked).toBe(12);
    const attempts = run.recorder!.faults.filter((f) => f.kind === 'bad_credentials');
    expect(attempts).toHaveLength(3);
    await expect.poll(() => attempts.every((f) => f.observed === 'refused'), { timeout: 5000 }).toBe(true);
    expect(await attemptBadLogin(broker.url, 'cnx-air-001')).toBe('refused');
  });

  it('fails clearly when a device is not provisioned, or runs without it when allowed', async () => {
    const stranger: Fleet = { ...small, devices: [...small.devices, { ...small.devices[0]!, id: 'cnx-air-999', secret: 'unknown' }] };
    const error = await runFleet({ url: broker.url, fleet: stranger, connectTimeoutMs: 5000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SimRunError);
    expect((error as SimRunError).message).toMatch(/1 of 4 device\(s\) could not connect .*cnx-air-999: the broker refused the credentials \(bad username or password\); provision the device/);
    const run = await runFleet({ url: broker.url, fleet: stranger, requireAllConnected: false, rate: { intervalMs: 30 }, readingsPerDevice: 2 });
    const summary = await run.done;
    expect(summary.failedDevices.map((f) => f.deviceId)).toEqual(['cnx-air-999']);
    expect(summary.acked).toBe(6);
  });
});

import { requireComponents } from '@mueang/testkit';
import mqtt from 'mqtt';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfill, buildFleet, runFleet, type Fleet } from '../src/index.ts';
import { byDeviceAndTime, decodeAll, sortRejections, type TestBroker } from './broker.ts';

const ok = await requireComponents('sim runner against Mosquitto', 'mosquitto');
const URL = 'mqtt://127.0.0.1:1883';

describe.skipIf(!ok)('runner against Mosquitto at 127.0.0.1:1883', () => {
  // a city id of its own, so other tests on the shared broker cannot mix in
  const cityId = `simtest-${randomBytes(4).toString('hex')}`;
  const fleet: Fleet = buildFleet({
    cities: [{ id: cityId, name: 'Sim Test', nameTh: 'ทดสอบ', province: 'Bangkok', center: { lat: 13.75, lon: 100.5 }, region: 'central' }],
    perDomain: { air: 3, water: 2, energy: 2, waste: 1 },
    seed: 99,
  });
  const messages: TestBroker['messages'] = [];
  let subscriber: mqtt.MqttClient;

  beforeAll(async () => {
    subscriber = mqtt.connect(URL, { clientId: `${cityId}-sub`, clean: true });
    subscriber.on('message', (topic, payload) => messages.push({ topic, payload, receivedAt: Date.now() }));
    await new Promise<void>((resolve, reject) => {
      subscriber.once('error', reject);
      subscriber.once('connect', () => subscriber.subscribe(`v1/${cityId}/+/+/telemetry`, { qos: 1 }, (err) => (err ? reject(err) : resolve())));
    });
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => subscriber?.end(false, {}, () => resolve()));
  });

  async function received(count: number): Promise<void> {
    await expect.poll(() => messages.length, { timeout: 10_000, interval: 20 }).toBe(count);
  }

  it('delivers exactly the recorded readings and faults through a foreign broker', async () => {
    messages.length = 0;
    const run = await runFleet({ url: URL, fleet, rate: { intervalMs: 30 }, readingsPerDevice: 12, record: true, faults: [{ kind: 'malformed', every: 5 }, { kind: 'out_of_range', every: 7 }] });
    const summary = await run.done;
    expect(summary.acked).toBe(summary.sent);
    await received(summary.sent);
    const delivered = decodeAll(messages);
    expect(byDeviceAndTime(delivered.readings)).toEqual(byDeviceAndTime(run.recorder!.readings.map(({ deviceId, ts, values }) => ({ deviceId, ts, values }))));
    const expected = run.recorder!.expectedDeadLetters().map((f) => ({ deviceId: f.deviceId, code: (f.expected as { code: string }).code, param: (f.expected as { param?: string }).param }));
    expect(expected.length).toBeGreaterThan(0);
    expect(sortRejections(delivered.rejections)).toEqual(sortRejections(expected));
  });

  it('backfills through it', async () => {
    messages.length = 0;
    const to = Date.now();
    const result = await backfill({ url: URL, fleet, from: to - 3 * 3_600_000, to, intervalMs: 120_000, batchSize: 40, record: true });
    await received(result.messages);
    expect(byDeviceAndTime(decodeAll(messages).readings)).toEqual(byDeviceAndTime(result.recorder!.readings.map(({ deviceId, ts, values }) => ({ deviceId, ts, values }))));
  });
});

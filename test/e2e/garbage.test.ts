import { telemetryTopic } from '@mueang/core';
import { buildFleet, DEMO_FLEET_SPEC, provisionFleet } from '@mueang/sim';
import mqtt from 'mqtt';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE, settle, startPipeline, type Pipeline } from './harness.ts';

const fleet = buildFleet({ ...DEMO_FLEET_SPEC, perDomain: { air: 2, water: 1, energy: 1, waste: 1 } });
const device = fleet.devices.find((d) => d.domain === 'air')!;

/** hostile payloads a device (or a broken gateway) might send on its own topic */
function garbage(i: number): Buffer {
  const now = Date.now();
  const kinds: Array<() => Buffer | string> = [
    () => randomBytes(1 + (i % 200)),
    () => Buffer.alloc(300_000, 0x7b), // a huge payload: 300 kB of '{'
    () => `{"ts":${now},"values":{"pm25":NaN}}`,
    () => JSON.stringify({ ts: now, values: { pm25: 'high' } }),
    () => JSON.stringify({ ts: now, values: { pm25: { nested: [1, 2, 3] } } }),
    () => JSON.stringify({ ts: 'yesterday', values: { pm25: 12 } }),
    () => JSON.stringify({ ts: now + 365 * 86_400_000, values: { pm25: 12 } }),
    () => JSON.stringify({ ts: now, values: { pm25: 1e308 * 10 } }),
    () => JSON.stringify({ ts: now, values: { radiation: 3 } }),
    () => '[' .repeat(50_000),
    () => JSON.stringify({ readings: Array.from({ length: 5 }, () => ({ ts: null, values: null })) }),
    () => '',
    () => 'null',
    () => JSON.stringify([{ bn: 'x', n: 'pm25', v: 'str' }]),
    () => JSON.stringify({ ts: now, values: { pm25: -5 } }),
  ];
  const made = kinds[i % kinds.length]!();
  return Buffer.isBuffer(made) ? made : Buffer.from(made);
}

describe('ingest under a burst of garbage', () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await startPipeline('duckdb');
    await provisionFleet(pipeline.state, fleet);
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  it('survives random bytes, huge payloads, NaN, wrong types and unknown devices, and stores every valid reading sent in between', async () => {
    const asDevice = await mqtt.connectAsync(pipeline.broker.url, { username: device.id, password: device.secret, clientId: `${device.id}-garbage`, reconnectPeriod: 0 });
    // a service account may publish anywhere: it stands in for a gateway forwarding unknown or misfiled devices
    const asGateway = await mqtt.connectAsync(pipeline.broker.url, { ...SERVICE, clientId: 'garbage-gateway', reconnectPeriod: 0 });
    const topic = telemetryTopic(device.cityId, 'air', device.id);
    const before = pipeline.ingest.messagesReceived;
    const validTs: number[] = [];
    const base = Date.now() - 3_600_000;
    let messages = 0;
    for (let i = 0; i < 600; i++) {
      await asDevice.publishAsync(topic, garbage(i), { qos: 1 });
      messages++;
      if (i % 3 === 0) {
        const ts = base + i * 1000;
        validTs.push(ts);
        await asDevice.publishAsync(topic, JSON.stringify({ ts, values: { pm25: (i % 90) + 0.5, pm10: i % 150 } }), { qos: 1 });
        messages++;
      }
      if (i % 50 === 0) {
        await asGateway.publishAsync(telemetryTopic(device.cityId, 'air', 'ghost-device'), JSON.stringify({ ts: base, values: { pm25: 10 } }), { qos: 1 });
        await asGateway.publishAsync(`v1/${device.cityId}/radio/${device.id}/telemetry`, '{}', { qos: 1 });
        await asGateway.publishAsync(`v1/${device.cityId}/air/Bad Id!/telemetry`, '{}', { qos: 1 });
        await asGateway.publishAsync(telemetryTopic(device.cityId, 'water', device.id), JSON.stringify({ ts: base, values: { pH: 7 } }), { qos: 1 });
        messages += 4;
      }
    }
    await asDevice.endAsync();
    await asGateway.endAsync();
    await settle(pipeline, () => pipeline.ingest.messagesReceived - before >= messages);

    expect(pipeline.ingest.health().mqttConnected).toBe(true);
    const stored = await pipeline.telemetry.queryRaw({ domain: 'air', device: device.id, from: base - 1, to: Date.now() + 400 * 86_400_000 });
    expect(stored.map((p) => p.ts).sort((a, b) => a - b)).toEqual(validTs);
    expect(stored.every((p) => Number.isFinite(p.values.pm25))).toBe(true);

    const letters = await pipeline.telemetry.queryDeadLetters({ limit: 100_000 });
    const reasons = new Set(letters.map((d) => d.reason));
    for (const reason of ['payload.malformed_json', 'payload.too_large', 'value.wrong_type', 'value.unknown_parameter', 'reading.ts_future', 'value.out_of_range', 'device.unknown', 'device.topic_mismatch', 'topic.domain', 'topic.id']) {
      expect(reasons, `dead letters should include ${reason}; got ${[...reasons].join(', ')}`).toContain(reason);
    }
    // every garbage message left at least one dead letter; payload excerpts stay small
    expect(letters.length).toBeGreaterThanOrEqual(600);
    expect(Math.max(...letters.map((d) => d.payload.length))).toBeLessThan(5000);

    // and ingest still takes readings afterwards
    const after = await mqtt.connectAsync(pipeline.broker.url, { username: device.id, password: device.secret, clientId: `${device.id}-after`, reconnectPeriod: 0 });
    const n = pipeline.ingest.messagesReceived;
    await after.publishAsync(topic, JSON.stringify({ ts: base - 10_000, values: { pm25: 42 } }), { qos: 1 });
    await after.endAsync();
    await settle(pipeline, () => pipeline.ingest.messagesReceived > n);
    expect(await pipeline.telemetry.queryRaw({ domain: 'air', device: device.id, from: base - 10_000, to: base - 9_999 })).toHaveLength(1);
  });
});

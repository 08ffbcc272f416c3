import { telemetryTopic } from '@mueang/core';
import { buildFleet, DEMO_FLEET_SPEC, provisionFleet } from '@mueang/sim';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE, settle, startPipeline, type Pipeline } from '../e2e/harness.ts';

const COUNT = Number(process.env.FUZZ_COUNT ?? 100_000);
const fleet = buildFleet({ ...DEMO_FLEET_SPEC, perDomain: { air: 2, water: 1, energy: 1, waste: 1 } });
const air = fleet.devices.find((d) => d.domain === 'air')!;
const other = fleet.devices.filter((d) => d.domain === 'air')[1]!;

/** a small deterministic generator so a failing case can be replayed */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hostilePayload(r: () => number, now: number): string | Buffer {
  const pick = Math.floor(r() * 12);
  const ts = now - Math.floor(r() * 3_600_000);
  switch (pick) {
    case 0:
      return Buffer.from(Array.from({ length: 1 + Math.floor(r() * 64) }, () => Math.floor(r() * 256)));
    case 1:
      return `{"ts":${ts},"values":{"pm25":NaN}}`;
    case 2:
      return `{"ts":${ts},"values":{"pm25":Infinity}}`;
    case 3:
      return JSON.stringify({ ts, values: { pm25: ['array'] } });
    case 4:
      return JSON.stringify({ ts: now + 10 * 86_400_000, values: { pm25: 10 } });
    case 5:
      return JSON.stringify({ ts: 1, values: { pm25: 10 } });
    case 6:
      return `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`;
    case 7:
      return JSON.stringify({ ts, values: { pm25: 1e9 } });
    case 8:
      return JSON.stringify({ ts, values: { ['$where']: 1 } });
    case 9:
      return Buffer.alloc(70_000, 0x41);
    case 10:
      return JSON.stringify({ readings: 'not a list' });
    default:
      return JSON.stringify([{ n: 'pm25', v: 'x', t: 'y' }]);
  }
}

describe('fuzz: hostile payloads and topics at the broker and ingest', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await startPipeline('duckdb');
    await provisionFleet(pipeline.state, fleet);
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  it(`${COUNT} hostile messages: no crash, every rejection counted with its reason, valid traffic in between all stored`, async () => {
    const r = rng(2567);
    const now = Date.now();
    const topic = telemetryTopic(air.cityId, 'air', air.id);
    const device = await mqtt.connectAsync(pipeline.broker.url, { username: air.id, password: air.secret, clientId: `${air.id}-fuzz`, reconnectPeriod: 0 });
    const before = pipeline.ingest.messagesReceived;
    const validTs: number[] = [];
    let hostile = 0;
    let sent = 0;
    const inFlight: Promise<unknown>[] = [];
    const flushWindow = async () => {
      await Promise.all(inFlight.splice(0));
    };
    for (let i = 0; i < COUNT; i++) {
      inFlight.push(device.publishAsync(topic, hostilePayload(r, now), { qos: 1 }));
      hostile++;
      sent++;
      if (i % 100 === 0) {
        const ts = now - 7_200_000 + validTs.length * 1000;
        validTs.push(ts);
        inFlight.push(device.publishAsync(topic, JSON.stringify({ ts, values: { pm25: 20 + (i % 7), pm10: 40 } }), { qos: 1 }));
        sent++;
      }
      if (inFlight.length >= 500) await flushWindow();
    }
    await flushWindow();
    await settle(pipeline, () => pipeline.ingest.messagesReceived - before >= sent);

    // hostile topics: each refused by the broker's ACL (the connection is closed), none reaches ingest
    const received = pipeline.ingest.messagesReceived;
    const hostileTopics = [
      telemetryTopic(other.cityId, 'air', other.id), // another device's topic
      `v1/${air.cityId}/air/${air.id}/status/extra`,
      '$SYS/broker/uptime',
      `v1/${air.cityId}/alerts/fake`,
      'mueang/registry/devices/' + other.id,
    ];
    for (const t of hostileTopics) {
      const c: MqttClient = await mqtt.connectAsync(pipeline.broker.url, { username: air.id, password: air.secret, clientId: `${air.id}-t${hostileTopics.indexOf(t)}`, reconnectPeriod: 0 });
      const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
      c.publish(t, '{"ts":1,"values":{"pm25":1}}', { qos: 1 });
      await closed;
      c.end(true);
    }
    // wildcards in a subscription to others' data are refused too
    const sub = await mqtt.connectAsync(pipeline.broker.url, { username: air.id, password: air.secret, clientId: `${air.id}-sub`, reconnectPeriod: 0 });
    const granted = await sub.subscribeAsync('v1/#', { qos: 1 }).catch(() => [{ qos: 128 }]);
    expect(granted[0]!.qos).toBe(128);
    sub.end(true);
    await settle(pipeline);
    expect(pipeline.ingest.messagesReceived).toBe(received);
    const refusals = (await pipeline.broker.metrics.getSingleMetric('mueang_broker_acl_refusals_total')!.get()).values;
    expect(refusals.filter((v) => v.labels.action === 'publish').reduce((n, v) => n + v.value, 0)).toBeGreaterThanOrEqual(hostileTopics.length);

    // still alive and healthy; every valid reading stored
    expect(pipeline.ingest.health().mqttConnected).toBe(true);
    const stored = await pipeline.telemetry.queryRaw({ domain: 'air', device: air.id, from: now - 7_300_000, to: now - 7_200_000 + validTs.length * 1000 });
    expect(stored.map((p) => p.ts)).toEqual(validTs);
    // every hostile message left at least one dead letter, each with a reason; the metric counts them by reason
    const deadLetterMetric = (await pipeline.ingest.metrics.getSingleMetric('mueang_ingest_dead_letters_total')!.get()).values;
    const counted = deadLetterMetric.reduce((n, v) => n + v.value, 0);
    expect(counted).toBeGreaterThanOrEqual(hostile);
    expect(deadLetterMetric.every((v) => typeof v.labels.reason === 'string' && v.labels.reason.length > 0)).toBe(true);
    const letters = await pipeline.telemetry.queryDeadLetters({ limit: 1_000_000 });
    expect(letters.length).toBe(counted);
    await device.endAsync();
  }, 300_000);
});

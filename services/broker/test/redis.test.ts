import { statusTopic, telemetryTopic } from '@mueang/core';
import { requireComponents } from '@mueang/testkit';
import type { MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisUnavailableError, type BrokerHandle } from '../src/index.ts';
import { connect, connectService, connectWithInbox, Inbox, MemoryRegistry, metricValue, SERVICE, startBroker, uid, waitForClose } from './helpers.ts';

const ok = await requireComponents('broker with Redis (multi-node, durable sessions)', 'redis');

/** a database of its own on the shared Redis; every key the tests create is removed at the end */
const REDIS_URL = process.env.BROKER_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/9';

describe.skipIf(!ok)('broker with Redis', () => {
  const registry = new MemoryRegistry();
  const city = uid('city');
  const brokers: BrokerHandle[] = [];
  const retainedToClear = new Set<string>();
  const sessionsToClear = new Set<string>();

  const start = async () => {
    const broker = await startBroker(registry, { redis: { url: REDIS_URL }, brokerId: uid('node') });
    brokers.push(broker);
    return broker;
  };
  const stop = async (broker: BrokerHandle) => {
    await broker.close();
    brokers.splice(brokers.indexOf(broker), 1);
  };

  afterAll(async () => {
    if (!ok) return;
    // leave Redis as found: drop retained statuses and persistent sessions made here
    const cleaner = brokers[0] ?? (await start());
    const service = await connectService(cleaner.url);
    for (const topic of retainedToClear) await service.publishAsync(topic, '', { qos: 1, retain: true });
    await service.endAsync();
    for (const clientId of sessionsToClear) {
      const client = await connect(cleaner.url, { clientId, clean: true, username: SERVICE.username, password: SERVICE.password });
      await client.endAsync();
    }
    await Promise.all(brokers.splice(0).map((b) => b.close()));
  });

  it('delivers a message published on one node to a subscriber on another, retained status included', async () => {
    const a = await start();
    const b = await start();
    const subscriber = await connectService(b.url);
    const inbox = new Inbox(subscriber);
    await subscriber.subscribeAsync(`v1/${city}/#`, { qos: 1 });

    const { device, secret } = await registry.add({ city });
    retainedToClear.add(statusTopic(city, 'air', device.id));
    const publisher = await connect(a.url, { username: device.id, password: secret });
    const topic = telemetryTopic(city, 'air', device.id);
    await publisher.publishAsync(topic, '{"values":{"pm25":17}}', { qos: 1 });
    const received = await inbox.waitFor((m) => m.topic === topic, 'the reading from the other node');
    expect(JSON.parse(received.payload)).toEqual({ values: { pm25: 17 } });

    // node a set the device online; a late subscriber on node b sees it from the shared store
    const late = await connectService(b.url);
    const lateInbox = new Inbox(late);
    await late.subscribeAsync(statusTopic(city, 'air', device.id), { qos: 1 });
    const status = await lateInbox.waitFor((m) => m.topic === statusTopic(city, 'air', device.id), 'retained status via Redis');
    expect(JSON.parse(status.payload).status).toBe('online');

    await Promise.all([publisher.endAsync(), subscriber.endAsync(), late.endAsync()]);
    await stop(a);
    await stop(b);
  });

  it('keeps a persistent QoS 1 session, and what arrived meanwhile, across a broker restart', async () => {
    const first = await start();
    const clientId = uid('svc-persist');
    sessionsToClear.add(clientId);
    const session = { clientId, clean: false, username: SERVICE.username, password: SERVICE.password };
    const filter = `v1/${city}/+/+/telemetry`;

    const subscriber = await connect(first.url, session);
    await subscriber.subscribeAsync(filter, { qos: 1 });
    await subscriber.endAsync();
    await stop(first);

    const restarted = await start();
    const { device, secret } = await registry.add({ city });
    retainedToClear.add(statusTopic(city, 'air', device.id));
    const publisher = await connect(restarted.url, { username: device.id, password: secret });
    const topic = telemetryTopic(city, 'air', device.id);
    await publisher.publishAsync(topic, '{"values":{"pm25":42}}', { qos: 1 });
    await publisher.endAsync();

    const back = await connectWithInbox(restarted.url, session);
    const received = await back.inbox.waitFor((m) => m.topic === topic, 'the reading queued while the subscriber was away');
    expect(JSON.parse(received.payload)).toEqual({ values: { pm25: 42 } });
    await back.client.endAsync();
    await stop(restarted);
  });

  it('does not publish offline when a device moves to another node with the same client id', async () => {
    const a = await start();
    const b = await start();
    const { device, secret } = await registry.add({ city });
    retainedToClear.add(statusTopic(city, 'air', device.id));
    const clientId = uid('moving');
    const onA: MqttClient = await connect(a.url, { clientId, username: device.id, password: secret });
    const aDisconnected = new Promise<void>((resolve) => a.aedes.once('clientDisconnect', () => resolve()));
    const closed = waitForClose(onA);
    const onB = await connect(b.url, { clientId, username: device.id, password: secret });
    await closed;
    await aDisconnected;
    onA.end(true);
    expect(await metricValue(a.metrics, 'mueang_broker_device_status_published_total', { status: 'offline' })).toBe(0);
    expect(await metricValue(b.metrics, 'mueang_broker_device_status_published_total', { status: 'online' })).toBe(1);
    await onB.endAsync();
    await stop(a);
    await stop(b);
  });

  it('fails fast with a clear error when Redis cannot be reached', async () => {
    const attempt = startBroker(registry, { redis: { url: 'redis://127.0.0.1:1/0' } });
    await expect(attempt).rejects.toBeInstanceOf(RedisUnavailableError);
    await expect(attempt).rejects.toThrow('REDIS_URL');
  });
});

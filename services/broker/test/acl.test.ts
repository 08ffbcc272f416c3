import { deviceTopicPrefix, statusTopic, telemetryTopic } from '@mueang/core';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNACK, type BrokerHandle } from '../src/index.ts';
import {
  connackCode,
  connect,
  connectService,
  flushWithMarker,
  Inbox,
  MemoryRegistry,
  metricValue,
  startBroker,
  subscribeGranted,
  uid,
  waitForClose,
} from './helpers.ts';

describe('broker ACL', () => {
  const city = uid('city');
  const otherCity = uid('city');
  const registry = new MemoryRegistry();
  let broker: BrokerHandle;
  let service: MqttClient;
  let inbox: Inbox;

  beforeAll(async () => {
    broker = await startBroker(registry);
    service = await connectService(broker.url);
    inbox = new Inbox(service);
    await service.subscribeAsync('v1/#', { qos: 1 });
  });

  afterAll(async () => {
    await service?.endAsync();
    await broker?.close();
  });

  const refusals = (action: string, reason: string) => metricValue(broker.metrics, 'mueang_broker_acl_refusals_total', { action, reason });

  async function deviceClient(domain: 'air' | 'water' = 'air') {
    const { device, secret } = await registry.add({ city, domain });
    const client = await connect(broker.url, { username: device.id, password: secret });
    return { device, secret, client };
  }

  /** publish something the ACL must refuse: the broker closes the connection and delivers nothing */
  async function expectRefusedPublish(client: MqttClient, topic: string) {
    const closed = waitForClose(client);
    client.publish(topic, '{"values":{"pm25":500}}', { qos: 0 });
    await closed;
    client.end(true);
    await flushWithMarker(service, inbox, `v1/${city}/air/marker/telemetry`);
    expect(inbox.on(topic)).toEqual([]);
  }

  it('lets a device publish to its own telemetry and status topics', async () => {
    const { device, client } = await deviceClient('water');
    const telemetry = telemetryTopic(city, 'water', device.id);
    const status = statusTopic(city, 'water', device.id);
    await client.publishAsync(telemetry, '{"values":{"pH":7.1}}', { qos: 1 });
    await client.publishAsync(status, '{"status":"maintenance"}', { qos: 1 });
    await inbox.waitFor((m) => m.topic === telemetry, 'own telemetry');
    await inbox.waitFor((m) => m.topic === status && m.payload.includes('maintenance'), 'own status');
    await client.endAsync();
  });

  it("does not deliver a device's publish to another device's topic", async () => {
    const { client } = await deviceClient();
    const { device: victim } = await registry.add({ city });
    const before = await refusals('publish', 'not_own_topic');
    await expectRefusedPublish(client, telemetryTopic(city, 'air', victim.id));
    expect(await refusals('publish', 'not_own_topic')).toBe(before + 1);
  });

  it("does not deliver a device's publish to its own id under another city or domain", async () => {
    const a = await deviceClient();
    await expectRefusedPublish(a.client, telemetryTopic(otherCity, 'air', a.device.id));
    const b = await deviceClient();
    await expectRefusedPublish(b.client, telemetryTopic(city, 'energy', b.device.id));
    const c = await deviceClient();
    await expectRefusedPublish(c.client, `${deviceTopicPrefix(city, 'air', c.device.id)}commands`);
  });

  it('refuses publishing to $SYS, also for a service account', async () => {
    const svc = await connectService(broker.url);
    const before = await refusals('publish', 'sys_topic');
    const closed = waitForClose(svc);
    svc.publish('$SYS/fake/heartbeat', 'x');
    await closed;
    svc.end(true);
    expect(await refusals('publish', 'sys_topic')).toBe(before + 1);
  });

  it("gives a device nothing for v1/#, #, $SYS/# or another device's topic, but its own prefix works", async () => {
    const { device, client } = await deviceClient();
    const devInbox = new Inbox(client);
    const { device: neighbour, secret: neighbourSecret } = await registry.add({ city });
    const before = await refusals('subscribe', 'outside_own_prefix');
    const ownPrefix = deviceTopicPrefix(city, 'air', device.id);
    const granted = await subscribeGranted(client, ['v1/#', '#', '$SYS/#', telemetryTopic(city, 'air', neighbour.id), `v1/${city}/+/+/telemetry`, `${ownPrefix}#`]);
    expect(granted).toEqual([128, 128, 128, 128, 128, 1]);
    expect(await refusals('subscribe', 'outside_own_prefix')).toBe(before + 4);

    const neighbourClient = await connect(broker.url, { username: neighbour.id, password: neighbourSecret });
    await neighbourClient.publishAsync(telemetryTopic(city, 'air', neighbour.id), '{"values":{"pm25":12}}', { qos: 1 });
    await neighbourClient.endAsync();
    await service.publishAsync(`v1/${otherCity}/air/someone/telemetry`, 'x', { qos: 1 });

    // the service may publish into the device's prefix (e.g. commands): that arrives, and it comes last
    const command = `${ownPrefix}commands`;
    await service.publishAsync(command, 'calibrate', { qos: 1 });
    await devInbox.waitFor((m) => m.topic === command, 'the command in its own prefix');
    const foreign = devInbox.messages.filter((m) => !m.topic.startsWith(ownPrefix));
    expect(foreign).toEqual([]);
    await client.endAsync();
  });

  it('clears the retain flag on telemetry, so no reading is replayed to later subscribers', async () => {
    const { device, client } = await deviceClient();
    const topic = telemetryTopic(city, 'air', device.id);
    const before = await metricValue(broker.metrics, 'mueang_broker_telemetry_retain_dropped_total');
    await client.publishAsync(topic, '{"values":{"pm25":30}}', { qos: 1, retain: true });
    await inbox.waitFor((m) => m.topic === topic, 'the live reading');
    await client.endAsync();
    expect(await metricValue(broker.metrics, 'mueang_broker_telemetry_retain_dropped_total')).toBe(before + 1);

    const late = await connectService(broker.url);
    const lateInbox = new Inbox(late);
    await late.subscribeAsync(topic, { qos: 1 });
    await flushWithMarker(late, lateInbox, topic);
    expect(lateInbox.on(topic).filter((m) => m.retain)).toEqual([]);
    await late.endAsync();
  });

  it('refuses at CONNECT a device whose last will points outside its own topics (CONNACK 5)', async () => {
    const { device, secret } = await registry.add({ city });
    const { device: victim } = await registry.add({ city });
    const code = await connackCode(broker.url, {
      username: device.id,
      password: secret,
      will: { topic: statusTopic(city, 'air', victim.id), payload: Buffer.from('{"status":"offline"}'), qos: 1, retain: true },
    });
    expect(code).toBe(CONNACK.NOT_AUTHORIZED);
    expect(await metricValue(broker.metrics, 'mueang_broker_auth_failures_total', { reason: 'will_not_allowed' })).toBe(1);
  });
});

import { deviceTopicPrefix, statusFilter, statusTopic, telemetryTopic } from '@mueang/core';
import { requireComponents } from '@mueang/testkit';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerHandle, DeviceStatusMessage } from '../src/index.ts';
import { connect, connectService, flushWithMarker, Inbox, MemoryRegistry, metricValue, runCommand, startBroker, uid, waitForClose } from './helpers.ts';

const hasMosquittoClients = await requireComponents('broker status with mosquitto_sub', 'mosquittoPub');

describe('device status', () => {
  const city = uid('city');
  const registry = new MemoryRegistry();
  let broker: BrokerHandle;
  let service: MqttClient;
  let inbox: Inbox;

  beforeAll(async () => {
    broker = await startBroker(registry);
    service = await connectService(broker.url);
    inbox = new Inbox(service);
    await service.subscribeAsync(statusFilter(city), { qos: 1 });
  });

  afterAll(async () => {
    await service?.endAsync();
    await broker?.close();
  });

  const statuses = (topic: string) => inbox.on(topic).map((m) => JSON.parse(m.payload) as DeviceStatusMessage | { status: string });
  const waitStatus = (topic: string, status: string, nth = 1) =>
    inbox.waitFor(() => statuses(topic).filter((s) => s.status === status).length >= nth, `${status} #${nth} on ${topic}`);

  it('publishes a retained online on connect and offline on a clean disconnect', async () => {
    const { device, secret } = await registry.add({ city });
    const topic = statusTopic(city, 'air', device.id);
    const client = await connect(broker.url, { username: device.id, password: secret });
    await waitStatus(topic, 'online');
    const online = statuses(topic)[0] as DeviceStatusMessage;
    expect(typeof online.ts).toBe('number');
    expect(await metricValue(broker.metrics, 'mueang_broker_connected_devices')).toBe(1);

    // a subscriber that arrives later gets the retained state
    const late = await connectService(broker.url);
    const lateInbox = new Inbox(late);
    await late.subscribeAsync(topic, { qos: 1 });
    const retained = await lateInbox.waitFor((m) => m.topic === topic, 'retained online');
    expect(retained.retain).toBe(true);
    expect(JSON.parse(retained.payload).status).toBe('online');
    await late.endAsync();

    await client.endAsync();
    await waitStatus(topic, 'offline');
    expect(await metricValue(broker.metrics, 'mueang_broker_connected_devices')).toBe(0);
  });

  it('publishes offline when the connection drops without DISCONNECT', async () => {
    const { device, secret } = await registry.add({ city });
    const topic = statusTopic(city, 'air', device.id);
    const client = await connect(broker.url, { username: device.id, password: secret });
    await waitStatus(topic, 'online');
    client.stream.destroy();
    client.end(true);
    await waitStatus(topic, 'offline');
  });

  it("delivers a device's own last will on its status topic, then the broker's offline", async () => {
    const { device, secret } = await registry.add({ city });
    const topic = statusTopic(city, 'air', device.id);
    const client = await connect(broker.url, {
      username: device.id,
      password: secret,
      will: { topic, payload: Buffer.from('{"status":"lost","reason":"power"}'), qos: 1, retain: true },
    });
    await waitStatus(topic, 'online');
    client.stream.destroy();
    client.end(true);
    await waitStatus(topic, 'lost');
    await waitStatus(topic, 'offline');
    expect(statuses(topic).map((s) => s.status)).toEqual(['online', 'lost', 'offline']);
  });

  it('publishes offline when the platform disconnects the device', async () => {
    const { device, secret } = await registry.add({ city });
    const topic = statusTopic(city, 'air', device.id);
    const client = await connect(broker.url, { username: device.id, password: secret });
    await waitStatus(topic, 'online');
    const closed = waitForClose(client);
    expect(await broker.disconnectDevice(device.id)).toBe(1);
    await closed;
    client.end(true);
    await waitStatus(topic, 'offline');
  });

  it('does not flap offline when a device reconnects with the same client id', async () => {
    const { device, secret } = await registry.add({ city });
    const topic = statusTopic(city, 'air', device.id);
    const clientId = uid('same');
    const first = await connect(broker.url, { clientId, username: device.id, password: secret });
    await waitStatus(topic, 'online');
    const closed = waitForClose(first);
    const second = await connect(broker.url, { clientId, username: device.id, password: secret });
    await closed;
    first.end(true);
    await waitStatus(topic, 'online', 2);
    await flushWithMarker(service, inbox, statusTopic(city, 'air', 'marker'));
    expect(statuses(topic).map((s) => s.status)).toEqual(['online', 'online']);
    await second.endAsync();
    await waitStatus(topic, 'offline');
  });

  it.skipIf(!hasMosquittoClients)('mosquitto_sub as a device sees only its own prefix, including its retained status', async () => {
    const { device, secret } = await registry.add({ city });
    const prefix = deviceTopicPrefix(city, 'air', device.id);
    const subscribed = new Promise<void>((resolve) => {
      const onSubscribe = (_subs: unknown, client: { id: string }) => {
        if (client.id === `${device.id}/sub-${device.id}`) {
          broker.aedes.removeListener('subscribe', onSubscribe);
          resolve();
        }
      };
      broker.aedes.on('subscribe', onSubscribe);
    });
    const sub = runCommand('mosquitto_sub', [
      '-h', '127.0.0.1', '-p', String(broker.mqttPort), '-i', `sub-${device.id}`, '-u', device.id, '-P', secret,
      '-t', 'v1/#', '-t', '#', '-t', `${prefix}#`, '-v', '-C', '2', '-q', '1',
    ]);
    await subscribed;
    await service.publishAsync(telemetryTopic(city, 'air', 'someone-else'), '{"values":{"pm25":1}}', { qos: 1 });
    await service.publishAsync(`${prefix}commands`, 'reboot', { qos: 1 });
    const result = await sub;
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^${prefix}status \\{"status":"online","ts":\\d+\\}$`));
    expect(lines[1]).toBe(`${prefix}commands reboot`);
  });
});

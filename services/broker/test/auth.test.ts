import { statusTopic, telemetryTopic } from '@mueang/core';
import { requireComponents } from '@mueang/testkit';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNACK, type BrokerHandle } from '../src/index.ts';
import {
  connackCode,
  connect,
  connectService,
  connectWithInbox,
  flushWithMarker,
  Inbox,
  MemoryRegistry,
  metricValue,
  mosquittoPub,
  SERVICE,
  startBroker,
  uid,
  waitForClose,
} from './helpers.ts';

const ok = await requireComponents('broker authentication', 'mosquittoPub');

describe.skipIf(!ok)('broker authentication', () => {
  const city = uid('city');
  const registry = new MemoryRegistry();
  let broker: BrokerHandle;
  let service: MqttClient;
  let inbox: Inbox;

  beforeAll(async () => {
    broker = await startBroker(registry);
    service = await connectService(broker.url);
    inbox = new Inbox(service);
    await service.subscribeAsync(`v1/${city}/#`, { qos: 1 });
  });

  afterAll(async () => {
    await service?.endAsync();
    await broker?.close();
  });

  const marker = () => flushWithMarker(service, inbox, `v1/${city}/air/marker/telemetry`);
  const failures = (reason: string) => metricValue(broker.metrics, 'mueang_broker_auth_failures_total', { reason });

  it('delivers a reading mosquitto_pub sends with the right secret to a service subscriber', async () => {
    const { device, secret } = await registry.add({ city });
    const topic = telemetryTopic(city, 'air', device.id);
    const result = await mosquittoPub(broker.mqttPort, { user: device.id, password: secret, topic, message: '{"values":{"pm25":21}}' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const received = await inbox.waitFor((m) => m.topic === topic, 'the reading');
    expect(JSON.parse(received.payload)).toEqual({ values: { pm25: 21 } });
    expect(await metricValue(broker.metrics, 'mueang_broker_publishes_received_total', { principal: 'device' })).toBeGreaterThanOrEqual(1);
  });

  it('refuses a wrong secret: mosquitto_pub fails, nothing is delivered, CONNACK 4, counted', async () => {
    const { device } = await registry.add({ city });
    const topic = telemetryTopic(city, 'air', device.id);
    const before = await failures('bad_secret');
    const result = await mosquittoPub(broker.mqttPort, { user: device.id, password: 'not-the-secret', topic, message: '{"values":{"pm25":99}}' });
    expect(result.code).not.toBe(0);
    expect(await connackCode(broker.url, { username: device.id, password: 'still-wrong' })).toBe(CONNACK.BAD_USERNAME_OR_PASSWORD);
    await marker();
    expect(inbox.on(topic)).toEqual([]);
    expect(await failures('bad_secret')).toBe(before + 2);
  });

  it('refuses an unknown device and a missing password with CONNACK 4', async () => {
    const ghost = uid('ghost');
    const topic = telemetryTopic(city, 'air', ghost);
    const result = await mosquittoPub(broker.mqttPort, { user: ghost, password: 'whatever', topic, message: '{"values":{"pm25":1}}' });
    expect(result.code).not.toBe(0);
    expect(await connackCode(broker.url, { username: ghost, password: 'x' })).toBe(CONNACK.BAD_USERNAME_OR_PASSWORD);
    expect(await connackCode(broker.url, { username: 'Not A Valid Id!', password: 'x' })).toBe(CONNACK.BAD_USERNAME_OR_PASSWORD);
    expect(await connackCode(broker.url, {})).toBe(CONNACK.BAD_USERNAME_OR_PASSWORD);
    await marker();
    expect(inbox.on(topic)).toEqual([]);
    expect(await failures('unknown_device')).toBeGreaterThanOrEqual(3);
    expect(await failures('missing_credentials')).toBeGreaterThanOrEqual(1);
  });

  it('refuses a revoked device with CONNACK 5 even with its right secret', async () => {
    const { device, secret } = await registry.add({ city, status: 'revoked' });
    const topic = telemetryTopic(city, 'air', device.id);
    const result = await mosquittoPub(broker.mqttPort, { user: device.id, password: secret, topic, message: '{"values":{"pm25":5}}' });
    expect(result.code).not.toBe(0);
    expect(await connackCode(broker.url, { username: device.id, password: secret })).toBe(CONNACK.NOT_AUTHORIZED);
    await marker();
    expect(inbox.on(topic)).toEqual([]);
    expect(await failures('device_revoked')).toBe(2);
  });

  it('refuses a service account with a wrong password', async () => {
    expect(await connackCode(broker.url, { username: SERVICE.username, password: `${SERVICE.password}x` })).toBe(CONNACK.BAD_USERNAME_OR_PASSWORD);
    expect(await failures('bad_service_password')).toBe(1);
  });

  it('after a rotation and invalidateDevice the old secret fails at once and the new one works', async () => {
    const { device, secret: oldSecret } = await registry.add({ city });
    const first = await connect(broker.url, { username: device.id, password: oldSecret });
    await first.endAsync();

    const newSecret = 'rotated-secret-0123456789abcdef';
    await registry.rotate(device.id, newSecret);
    broker.invalidateDevice(device.id);

    expect(await connackCode(broker.url, { username: device.id, password: oldSecret })).toBe(CONNACK.BAD_USERNAME_OR_PASSWORD);
    const again = await connect(broker.url, { username: device.id, password: newSecret });
    await again.endAsync();
  });

  it('revoking + invalidateDevice + disconnectDevice ends the session and blocks the next login', async () => {
    const { device, secret } = await registry.add({ city });
    const client = await connect(broker.url, { username: device.id, password: secret });
    registry.revoke(device.id);
    broker.invalidateDevice(device.id);
    const closed = waitForClose(client);
    expect(await broker.disconnectDevice(device.id)).toBe(1);
    await closed;
    client.end(true);
    expect(await connackCode(broker.url, { username: device.id, password: secret })).toBe(CONNACK.NOT_AUTHORIZED);
  });

  it('verifies a secret with scrypt once and then from the cache', async () => {
    const { device, secret } = await registry.add({ city });
    const checks = (result: string) => metricValue(broker.metrics, 'mueang_broker_device_secret_checks_total', { result });
    const verifiedBefore = await checks('verified');
    const cacheBefore = await checks('cache');
    for (let i = 0; i < 3; i++) {
      const client = await connect(broker.url, { username: device.id, password: secret });
      await client.endAsync();
    }
    expect(await checks('verified')).toBe(verifiedBefore + 1);
    expect(await checks('cache')).toBe(cacheBefore + 2);
  });

  it("keeps each device's client ids in its own namespace; a device may take over only its own session", async () => {
    const { device, secret } = await registry.add({ city });
    const { device: other, secret: otherSecret } = await registry.add({ city });
    const clientId = uid('shared-id');
    const holder = await connect(broker.url, { clientId, username: device.id, password: secret });
    // the same id from another device is another session: both stay connected
    const neighbour = await connect(broker.url, { clientId, username: other.id, password: otherSecret });
    expect(holder.connected).toBe(true);
    await neighbour.endAsync();

    const closed = waitForClose(holder);
    const successor = await connect(broker.url, { clientId, username: device.id, password: secret });
    await closed;
    holder.end(true);
    await successor.endAsync();
  });

  it("cannot touch a service's persistent session by using its client id", async () => {
    const clientId = uid('ingest-session');
    const session = { clientId, clean: false, username: SERVICE.username, password: SERVICE.password };
    const topic = telemetryTopic(city, 'air', uid('dev'));
    const first = await connect(broker.url, session);
    await first.subscribeAsync(topic, { qos: 1 });
    await first.endAsync();

    const { device, secret } = await registry.add({ city });
    // clean=true with the service's id would wipe its session if the id were taken as is
    const intruder = await connect(broker.url, { clientId, clean: true, username: device.id, password: secret });
    await intruder.endAsync();

    await service.publishAsync(topic, 'queued while the service was away', { qos: 1 });
    const back = await connectWithInbox(broker.url, session);
    const received = await back.inbox.waitFor((m) => m.topic === topic, 'the queued message');
    expect(received.payload).toBe('queued while the service was away');
    await back.client.endAsync();
    const cleanup = await connect(broker.url, { ...session, clean: true });
    await cleanup.endAsync();
  });

  it('refuses a second service account taking over a client id another one holds (CONNACK 2)', async () => {
    const second = { username: 'svc-other', password: 'another-service-password-0123456789' };
    const own = await startBroker(registry, { serviceAccounts: [SERVICE, second] });
    try {
      const clientId = uid('svc-id');
      const holder = await connect(own.url, { clientId, username: SERVICE.username, password: SERVICE.password });
      expect(await connackCode(own.url, { clientId, username: second.username, password: second.password })).toBe(CONNACK.IDENTIFIER_REJECTED);
      expect(holder.connected).toBe(true);
      expect(await metricValue(own.metrics, 'mueang_broker_auth_failures_total', { reason: 'client_id_in_use' })).toBe(1);
      await holder.endAsync();
    } finally {
      await own.close();
    }
  });

  it('never puts a secret or password in the logs', async () => {
    const lines: string[] = [];
    const { default: pino } = await import('pino');
    const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
    const logged = await startBroker(registry, { logger });
    try {
      const { device, secret } = await registry.add({ city });
      const client = await connect(logged.url, { username: device.id, password: secret });
      const closed = waitForClose(client);
      client.publish(statusTopic(city, 'air', `${device.id}x`), 'not mine', { qos: 0 });
      await closed;
      client.end(true);
      await connackCode(logged.url, { username: device.id, password: 'wrong-password-value' });
      await connackCode(logged.url, { username: SERVICE.username, password: 'wrong-service-password' });
      expect(lines.length).toBeGreaterThan(3);
      const all = lines.join('\n');
      for (const value of [secret, 'wrong-password-value', 'wrong-service-password', SERVICE.password, 'not mine']) expect(all).not.toContain(value);
    } finally {
      await logged.close();
    }
  });
});

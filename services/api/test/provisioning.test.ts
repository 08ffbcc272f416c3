import { createBroker, type BrokerHandle } from '@mueang/broker';
import { ROLLUP_REBUILD_TOPIC, parseRollupRebuild } from '@mueang/core';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MqttRegistryEvents } from '../src/index.ts';
import { createFixture, type Fixture } from './fixtures.ts';

/**
 * Provisioning against a real broker (Aedes from @mueang/broker, reading the same registry):
 * the credentials the API returns connect; after rotate the old ones fail and the connected
 * device is dropped; after revoke the device is disconnected and cannot log in again. The API
 * reaches the broker only through MQTT (registry events), as it would from another process.
 */
const SERVICE = { username: 'api', password: 'api-service-password-0123456789' };

interface Login {
  ok: boolean;
  client?: MqttClient;
  error?: string;
}

async function login(url: string, username: string, password: string): Promise<Login> {
  try {
    const client = await connectAsync(url, { username, password, clientId: username, reconnectPeriod: 0, connectTimeout: 5000 });
    return { ok: true, client };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

function closed(client: MqttClient, timeoutMs = 5000): Promise<void> {
  if (!client.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the broker did not close the connection within ${timeoutMs} ms`)), timeoutMs);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('device provisioning with a real broker', () => {
  let f: Fixture;
  let broker: BrokerHandle;
  let events: MqttRegistryEvents;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    f = await createFixture();
    // a long registry cache: without the registry events the broker would keep trusting stale entries
    broker = await createBroker({ registry: f.state, serviceAccounts: [SERVICE], host: '127.0.0.1', mqttPort: 0, registryCacheTtlMs: 600_000, loginLimit: { maxFailures: 50 } });
    events = new MqttRegistryEvents({ url: broker.url, ...SERVICE });
    await events.waitConnected();
    await f.app.close();
    f = await createFixture({ state: f.state, telemetry: f.telemetry, api: { registryEvents: events, ingestControl: events, mqttPublicUrl: broker.url } });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    await events?.close();
    await broker?.close();
    await f?.close();
    await f?.state.close();
  });

  it('returns credentials once that connect and publish; rotate and revoke take effect at once', async () => {
    const provisioned = await f.call({ method: 'POST', url: '/v1/cities/cnx/devices', as: 'operatorCnx', payload: { id: 'cnx-live1', siteId: 'cnx-s1', domain: 'air', kind: 'aq-station' } });
    expect(provisioned.statusCode).toBe(201);
    const { mqtt, brokerNotified } = provisioned.json();
    expect(brokerNotified).toBe(true);
    expect(mqtt).toMatchObject({ username: 'cnx-live1', clientId: 'cnx-live1', topicPrefix: 'v1/cnx/air/cnx-live1/', telemetryTopic: 'v1/cnx/air/cnx-live1/telemetry', brokerUrl: broker.url });
    // the secret is never shown again
    const shown = await f.call({ method: 'GET', url: '/v1/cities/cnx/devices/cnx-live1', as: 'adminAll' });
    expect(shown.body).not.toContain(mqtt.password);
    expect(shown.json().hasCredentials).toBe(true);

    const first = await login(broker.url, mqtt.username, mqtt.password);
    expect(first.ok, first.error).toBe(true);
    clients.push(first.client as MqttClient);
    await (first.client as MqttClient).publishAsync(mqtt.telemetryTopic, JSON.stringify({ ts: Date.now(), values: { pm25: 12 } }), { qos: 1 });
    expect((await login(broker.url, mqtt.username, 'not-the-secret')).ok).toBe(false);

    // rotate: the connected device is dropped, the old secret fails, the new one works
    const dropped = closed(first.client as MqttClient);
    const rotated = await f.call({ method: 'POST', url: '/v1/cities/cnx/devices/cnx-live1/rotate', as: 'operatorCnx' });
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json().brokerNotified).toBe(true);
    const secret2 = rotated.json().mqtt.password as string;
    expect(secret2).not.toBe(mqtt.password);
    await dropped;
    expect((await login(broker.url, mqtt.username, mqtt.password)).ok).toBe(false);
    const second = await login(broker.url, mqtt.username, secret2);
    expect(second.ok, second.error).toBe(true);
    clients.push(second.client as MqttClient);

    // revoke: the connection closes and the device cannot log in again
    const gone = closed(second.client as MqttClient);
    const revoked = await f.call({ method: 'POST', url: '/v1/cities/cnx/devices/cnx-live1/revoke', as: 'operatorCnx' });
    expect(revoked.json()).toMatchObject({ device: { status: 'revoked' }, brokerNotified: true });
    await gone;
    const again = await login(broker.url, mqtt.username, secret2);
    expect(again.ok).toBe(false);
    expect(again.error).toMatch(/Not authorized|Bad username or password/i);

    // reactivate (admin) issues yet another secret; the revoked one stays dead
    expect((await f.call({ method: 'POST', url: '/v1/cities/cnx/devices/cnx-live1/rotate', as: 'operatorCnx' })).statusCode).toBe(409);
    const back = await f.call({ method: 'POST', url: '/v1/cities/cnx/devices/cnx-live1/reactivate', as: 'adminCnx' });
    expect(back.statusCode).toBe(200);
    expect((await login(broker.url, mqtt.username, secret2)).ok).toBe(false);
    const third = await login(broker.url, mqtt.username, back.json().mqtt.password);
    expect(third.ok, third.error).toBe(true);
    clients.push(third.client as MqttClient);
  });

  it('publishes registry events as QoS 1 JSON on mueang/registry/devices/{id}', async () => {
    const listener = await connectAsync(broker.url, { ...SERVICE, clientId: 'api-test-listener', reconnectPeriod: 0 });
    clients.push(listener);
    const received = new Promise<{ topic: string; qos: number; body: Record<string, unknown> }>((resolve) => {
      listener.on('message', (topic, payload, packet) => resolve({ topic, qos: packet.qos, body: JSON.parse(payload.toString()) }));
    });
    await listener.subscribeAsync('mueang/registry/devices/+', { qos: 1 });
    const res = await f.call({ method: 'PATCH', url: '/v1/cities/cnx/devices/cnx-aq2', as: 'operatorCnx', payload: { name: 'City Hall AQ (moved)' } });
    expect(res.statusCode).toBe(200);
    const event = await received;
    expect(event.topic).toBe('mueang/registry/devices/cnx-aq2');
    expect(event.qos).toBe(1);
    expect(event.body).toEqual({ action: 'updated', deviceId: 'cnx-aq2', at: expect.any(Number) });
  });

  it('asks ingest for a rollup rebuild as QoS 1 JSON on mueang/ingest/rollups/rebuild, which a device cannot publish to', async () => {
    const listener = await connectAsync(broker.url, { ...SERVICE, clientId: 'api-test-rebuild-listener', reconnectPeriod: 0 });
    clients.push(listener);
    const received: Array<{ qos: number; body: unknown }> = [];
    listener.on('message', (topic, payload, packet) => {
      if (topic === ROLLUP_REBUILD_TOPIC) received.push({ qos: packet.qos, body: JSON.parse(payload.toString()) });
    });
    await listener.subscribeAsync(ROLLUP_REBUILD_TOPIC, { qos: 1 });
    // a device's own credentials: its publish outside its topics never reaches ingest
    const device = await f.call({ method: 'POST', url: '/v1/cities/cnx/devices', as: 'operatorCnx', payload: { id: 'cnx-rebuild-probe', siteId: 'cnx-s1', domain: 'air', kind: 'aq-station' } });
    const probe = await login(broker.url, 'cnx-rebuild-probe', device.json().mqtt.password);
    expect(probe.ok, probe.error).toBe(true);
    clients.push(probe.client as MqttClient);
    await probe.client!.publishAsync(ROLLUP_REBUILD_TOPIC, JSON.stringify({ from: 0, to: 3_600_000 }), { qos: 0 }).catch(() => undefined);
    const res = await f.call({ method: 'POST', url: '/v1/rollups/rebuild', as: 'adminAll', payload: { from: '2025-03-01', to: '2025-03-02', domains: ['air'] } });
    expect(res.statusCode, res.body).toBe(202);
    const deadline = Date.now() + 5000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toHaveLength(1);
    expect(received[0]!.qos).toBe(1);
    expect(parseRollupRebuild(JSON.stringify(received[0]!.body))).toEqual({
      ok: true,
      request: { from: Date.parse('2025-02-28T17:00:00Z'), to: Date.parse('2025-03-01T17:00:00Z'), domains: ['air'], requestedAt: expect.any(Number), requestedBy: 'test adminAll' },
    });
  });

  it('still applies the change when the broker is unreachable, and says so', async () => {
    const offline = new MqttRegistryEvents({ url: 'mqtt://127.0.0.1:1', ...SERVICE, ackTimeoutMs: 300 });
    const api = await createFixture({ state: f.state, telemetry: f.telemetry, api: { registryEvents: offline } });
    try {
      const res = await api.call({ method: 'POST', url: '/v1/cities/cnx/devices/cnx-aq2/rotate', as: 'operatorCnx' });
      expect(res.statusCode).toBe(200);
      expect(res.json().brokerNotified).toBe(false);
      expect((await f.state.getDevice('cnx-aq2'))?.secretHash).toMatch(/^scrypt\$/);
    } finally {
      await api.app.close();
      await offline.close();
    }
  });
});

import { telemetryTopic } from '@mueang/core';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BrokerConfigError, PortInUseError, type BrokerHandle } from '../src/index.ts';
import { connect, connectService, Inbox, MemoryRegistry, startBroker, uid } from './helpers.ts';

/** a port something else is listening on */
async function occupiedPort(): Promise<{ port: number; release: () => Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { port, release: () => new Promise((resolve) => server.close(() => resolve())) };
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('broker listeners', () => {
  const registry = new MemoryRegistry();
  const city = uid('city');
  const started: BrokerHandle[] = [];

  afterEach(async () => {
    await Promise.all(started.splice(0).map((b) => b.close()));
  });

  it('accepts MQTT over WebSocket next to TCP and reports both bound ports', async () => {
    const broker = await startBroker(registry, { wsPort: 0 });
    started.push(broker);
    expect(broker.mqttPort).toBeGreaterThan(0);
    expect(broker.wsPort).toBeGreaterThan(0);
    expect(broker.wsUrl).toBe(`ws://127.0.0.1:${broker.wsPort}/mqtt`);

    const service = await connectService(broker.url);
    const inbox = new Inbox(service);
    await service.subscribeAsync(`v1/${city}/#`, { qos: 1 });

    const { device, secret } = await registry.add({ city });
    const overWs = await connect(broker.wsUrl!, { username: device.id, password: secret });
    const topic = telemetryTopic(city, 'air', device.id);
    await overWs.publishAsync(topic, '{"values":{"pm10":40}}', { qos: 1 });
    const received = await inbox.waitFor((m) => m.topic === topic, 'the reading sent over WebSocket');
    expect(JSON.parse(received.payload)).toEqual({ values: { pm10: 40 } });
    await overWs.endAsync();
    await service.endAsync();
  });

  it('refuses a bad WebSocket login the same way as TCP', async () => {
    const broker = await startBroker(registry, { wsPort: 0 });
    started.push(broker);
    const { device } = await registry.add({ city });
    await expect(connect(broker.wsUrl!, { username: device.id, password: 'wrong' })).rejects.toMatchObject({ code: 4 });
  });

  it('answers a plain HTTP request on the WebSocket port with 426 and a hint', async () => {
    const broker = await startBroker(registry, { wsPort: 0 });
    started.push(broker);
    const response = await fetch(`http://127.0.0.1:${broker.wsPort}/`);
    expect(response.status).toBe(426);
    expect(await response.text()).toContain('MQTT over WebSocket');
  });

  it('names MQTT_PORT when the TCP port is taken', async () => {
    const taken = await occupiedPort();
    try {
      const attempt = startBroker(registry, { mqttPort: taken.port });
      await expect(attempt).rejects.toBeInstanceOf(PortInUseError);
      await expect(attempt).rejects.toThrow(`MQTT port ${taken.port} is already in use (set MQTT_PORT to a free port)`);
    } finally {
      await taken.release();
    }
  });

  it('names MQTT_WS_PORT when the WebSocket port is taken, and frees the TCP port it had bound', async () => {
    const taken = await occupiedPort();
    const tcp = await occupiedPort();
    const tcpPort = tcp.port;
    await tcp.release();
    try {
      const attempt = startBroker(registry, { mqttPort: tcpPort, wsPort: taken.port });
      await expect(attempt).rejects.toThrow(`MQTT over WebSocket port ${taken.port} is already in use (set MQTT_WS_PORT to a free port)`);
      expect(await canBind(tcpPort)).toBe(true);
    } finally {
      await taken.release();
    }
  });

  it('close() ends connections and frees both ports; health() follows', async () => {
    const broker = await startBroker(registry, { wsPort: 0 });
    const service = await connectService(broker.url);
    expect(broker.health()).toMatchObject({ ok: true, clients: 1 });
    expect(broker.health().uptimeS).toBeGreaterThanOrEqual(0);
    const closed = new Promise<void>((resolve) => service.once('close', () => resolve()));
    await broker.close();
    await closed;
    service.end(true);
    expect(broker.health().ok).toBe(false);
    expect(await canBind(broker.mqttPort)).toBe(true);
    expect(await canBind(broker.wsPort!)).toBe(true);
    await broker.close(); // idempotent
  });

  it('reports every invalid option at once', async () => {
    const attempt = startBroker(registry, {
      mqttPort: 70000,
      wsPort: -1,
      serviceAccounts: [{ username: '', password: 'x' }, { username: 'a', password: '' }],
      redis: { url: 'http://localhost' },
    });
    await expect(attempt).rejects.toBeInstanceOf(BrokerConfigError);
    const message = await attempt.catch((err: Error) => err.message);
    for (const part of ['mqttPort', 'wsPort', 'serviceAccounts[0].username', 'serviceAccounts[1].password', 'redis.url']) expect(message).toContain(part);
  });

  it('exposes its metrics in the Prometheus text format', async () => {
    const broker = await startBroker(registry);
    started.push(broker);
    const text = await broker.metrics.metrics();
    for (const name of [
      'mueang_broker_connected_clients',
      'mueang_broker_connected_devices',
      'mueang_broker_publishes_received_total',
      'mueang_broker_auth_failures_total{reason="bad_secret"} 0',
      'mueang_broker_acl_refusals_total',
    ]) {
      expect(text).toContain(name);
    }
  });
});

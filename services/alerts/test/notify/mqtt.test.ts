import { readFileSync } from 'node:fs';
import { alertTopic } from '@mueang/core';
import { freeLocalPort, requireComponents } from '@mueang/testkit';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseNotifyConfig } from '../../src/notify/config.ts';
import { renderMessage } from '../../src/notify/message.ts';
import { createMqttNotifier } from '../../src/notify/mqtt/index.ts';
import { deliveryIdOf, notificationKeyOf, type AlertPayload } from '../../src/notify/payload.ts';
import type { DeliveryContext, Recipient } from '../../src/notify/types.ts';
import { pm25Notification, waitFor } from './fixtures.ts';

const BROKER = 'mqtt://127.0.0.1:1883';
const ok = await requireComponents('mqtt notifier', 'mosquitto');

// a city id of our own, so parallel test runs on the shared Mosquitto do not see each other's messages
const city = `t${process.pid}${Math.random().toString(36).slice(2, 8)}`;
const notification = pm25Notification({ city: { id: city, name: 'Test City', nameTh: null } });
const recipient: Recipient = { id: 'alert-topic', name: 'alert topics', channel: 'mqtt', address: 'platform broker', language: 'both' };
const context: DeliveryContext = { deliveryId: deliveryIdOf(notificationKeyOf(notification), recipient.id), attempt: 1, message: renderMessage(notification) };

describe.skipIf(!ok)('MQTT notifier (Mosquitto at 127.0.0.1:1883)', () => {
  let subscriber: MqttClient;
  const messages: Array<{ topic: string; payload: AlertPayload; qos: number }> = [];

  beforeAll(async () => {
    subscriber = await mqtt.connectAsync(BROKER, { clientId: `sub-${city}` });
    subscriber.on('message', (topic, payload, packet) => messages.push({ topic, payload: JSON.parse(payload.toString('utf8')) as AlertPayload, qos: packet.qos }));
    await subscriber.subscribeAsync(`v1/${city}/alerts/+`, { qos: 1 });
  });
  afterAll(async () => subscriber?.endAsync());
  beforeEach(() => {
    messages.length = 0;
  });

  it('publishes the alert JSON at QoS 1 to v1/{city}/alerts/{alertId}', async () => {
    const notifier = createMqttNotifier({ url: BROKER, clientId: `pub-${city}` });
    try {
      expect(await notifier.send(notification, recipient, context)).toEqual({ ok: true, status: 'puback', retryable: false, error: null });
      await waitFor(() => messages.length === 1, 'the alert message');
      const [message] = messages;
      expect(message?.topic).toBe(alertTopic(city, notification.alertId));
      expect(message?.topic).toBe(`v1/${city}/alerts/cnx-air-001.air-pm25-24h`);
      expect(message?.qos).toBe(1);
      expect(message?.payload).toMatchObject({
        schema: 'mueang.alert-notification/v1',
        deliveryId: context.deliveryId,
        alertId: notification.alertId,
        transition: 'raised',
        value: 62.44,
        standard: notification.standard,
        title: context.message.title,
      });
    } finally {
      await notifier.close?.();
    }
  });

  it('publishes through a client it is given, and leaves that client open', async () => {
    const client = await mqtt.connectAsync(BROKER, { clientId: `given-${city}` });
    const notifier = createMqttNotifier({}, { client });
    expect((await notifier.send(notification, recipient, context)).ok).toBe(true);
    await notifier.close?.();
    expect(client.connected).toBe(true);
    await client.endAsync();
    await waitFor(() => messages.length === 1, 'the alert message');
  });

  it('refuses an alert id that would change the topic', async () => {
    const notifier = createMqttNotifier({}, { client: subscriber });
    const result = await notifier.send({ ...notification, alertId: 'a/#' }, recipient, context);
    expect(result).toMatchObject({ ok: false, status: 'bad-topic', retryable: false });
  });
});

describe('MQTT notifier without a broker', () => {
  it('reports a broker that cannot be reached as retryable', async () => {
    const notifier = createMqttNotifier({ url: `mqtt://127.0.0.1:${await freeLocalPort()}`, timeoutMs: 300 });
    try {
      expect(await notifier.send(notification, recipient, context)).toMatchObject({ ok: false, status: 'not-connected', retryable: true });
    } finally {
      await notifier.close?.();
    }
  });
});

describe('MQTT sample-config.json', () => {
  it('is a valid notify configuration', () => {
    const sample = JSON.parse(readFileSync(new URL('../../src/notify/mqtt/sample-config.json', import.meta.url), 'utf8')) as unknown;
    const parsed = parseNotifyConfig(sample, { MUEANG_MQTT_ALERTS_PASSWORD: 'pw' });
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.value.mqtt).toMatchObject({ url: 'mqtt://127.0.0.1:1883', username: 'svc-alerts', password: 'pw', retain: false });
  });
});

/**
 * MQTT notifier: publish the alert JSON (the same body webhooks get) to `v1/{city}/alerts/{alertId}` at QoS 1,
 * so dashboards, Node-RED flows and other services can follow alerts without polling the API.
 */
import { alertTopic, isValidId } from '@mueang/core';
import mqtt, { type MqttClient } from 'mqtt';
import { z } from 'zod';
import { delivered, networkFailure, permanentFailure, retryableFailure, withTimeout } from '../delivery-result.ts';
import { buildAlertPayload, notificationKeyOf } from '../payload.ts';
import type { AlertNotification, DeliveryContext, DeliveryResult, Notifier, Recipient } from '../types.ts';

export const mqttConfigSchema = z.object({
  /** mqtt://host:1883, mqtts://host:8883 or ws(s)://...; ignored when a client is passed in */
  url: z.string().regex(/^(mqtts?|wss?|tcp|ssl):\/\/.+/, { error: 'url must look like mqtt://127.0.0.1:1883 (or mqtts://, ws://, wss://)' }).optional(),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  clientId: z.string().min(1).max(64).optional(),
  /** keep the latest message of each alert on the broker for late subscribers */
  retain: z.boolean().default(false),
  timeoutMs: z.number().int().positive().max(120_000).default(10_000),
});
export type MqttNotifierConfig = z.input<typeof mqttConfigSchema>;

export interface MqttNotifierOptions {
  /** publish through this connected (or connecting) client instead of opening one; it is not closed by close() */
  client?: MqttClient;
  now?: () => number;
}

/** MQTT wildcards and separators may not appear inside a topic segment */
const TOPIC_UNSAFE = /[/+#\u0000]/;

export function createMqttNotifier(config: MqttNotifierConfig, options: MqttNotifierOptions = {}): Notifier {
  const settings = mqttConfigSchema.parse(config);
  const now = options.now ?? Date.now;
  if (!options.client && !settings.url) throw new Error('mqtt notifier: set "url" (e.g. mqtt://127.0.0.1:1883) or pass a client');
  const ownsClient = !options.client;
  const client =
    options.client ??
    mqtt.connect(settings.url as string, {
      ...(settings.username ? { username: settings.username } : {}),
      ...(settings.password ? { password: settings.password } : {}),
      clientId: settings.clientId ?? `mueang-alerts-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      reconnectPeriod: 2_000,
      connectTimeout: settings.timeoutMs,
    });
  // errors surface per publish; an unhandled 'error' event would crash the process
  if (ownsClient) client.on('error', () => undefined);

  return {
    channel: 'mqtt',
    async send(notification: AlertNotification, _recipient: Recipient, context: DeliveryContext): Promise<DeliveryResult> {
      if (!isValidId(notification.city.id)) return permanentFailure('bad-topic', `city id "${notification.city.id}" cannot be a topic segment`);
      if (notification.alertId === '' || TOPIC_UNSAFE.test(notification.alertId)) {
        return permanentFailure('bad-topic', 'alert id is empty or contains "/", "+" or "#": it cannot be a topic segment');
      }
      const topic = alertTopic(notification.city.id, notification.alertId);
      const payload = buildAlertPayload(notification, context.message, { notificationKey: notificationKeyOf(notification), deliveryId: context.deliveryId }, now());
      try {
        if (!client.connected) await waitForConnect(client, settings.timeoutMs);
        // resolves on PUBACK: the broker has the message
        await withTimeout(client.publishAsync(topic, JSON.stringify(payload), { qos: 1, retain: settings.retain }), settings.timeoutMs, 'MQTT broker');
        return delivered('puback');
      } catch (error) {
        if (!client.connected) return retryableFailure('not-connected', `MQTT broker not connected: ${error instanceof Error ? error.message : String(error)}`);
        return networkFailure(error, 'MQTT broker');
      }
    },
    async close() {
      if (ownsClient) await client.endAsync();
    },
  };
}

/** wait for the (re)connection, removing the listener either way so repeated attempts do not pile listeners up */
function waitForConnect(client: MqttClient, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onConnect = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      client.removeListener('connect', onConnect);
      reject(new Error(`no connection within ${ms} ms`));
    }, ms);
    timer.unref();
    client.once('connect', onConnect);
  });
}

import { ROLLUP_REBUILD_TOPIC, registryEventTopic, type RegistryAction, type RegistryEvent, type RollupRebuildRequest } from '@mueang/core';
import { connect, type MqttClient } from 'mqtt';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';

/**
 * Tells the broker (and ingest) that a device changed, so a rotated or revoked secret stops
 * working at once even when the API runs in another process. The change is already stored when
 * this is called; brokers also re-read the registry after their cache TTL, so a lost message
 * only delays the change.
 */
export interface RegistryEvents {
  deviceChanged(deviceId: string, action: RegistryAction): Promise<void>;
  close?(): Promise<void>;
}

/**
 * Asks ingest for work over MQTT (services talk through MQTT and the stores): today the recomputation of past rollups.
 * Resolves once the broker has the request (ingest notes it before acknowledging its copy).
 */
export interface IngestControl {
  requestRollupRebuild(request: RollupRebuildRequest): Promise<void>;
}

/** For an API without a broker (tests, read-only deployments). */
export const noRegistryEvents: RegistryEvents = {
  async deviceChanged() {
    // nothing listens
  },
};

export interface MqttRegistryEventsOptions {
  /** mqtt://host:port of the broker */
  url: string;
  /** a service account of the broker (devices may not publish outside their own topics) */
  username: string;
  password: string;
  logger?: Logger;
  /** how long to wait for the broker's PUBACK before reporting failure (default 5000 ms) */
  ackTimeoutMs?: number;
}

/** The API's one MQTT connection: registry events for the broker and ingest, requests for ingest. */
export class MqttRegistryEvents implements RegistryEvents, IngestControl {
  private readonly client: MqttClient;
  private readonly ackTimeoutMs: number;

  constructor(private readonly options: MqttRegistryEventsOptions) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 5000;
    this.client = connect(options.url, {
      username: options.username,
      password: options.password,
      clientId: `mueang-api-${randomBytes(4).toString('hex')}`,
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      clean: true,
    });
    this.client.on('error', (err) => options.logger?.warn({ err: err.message, broker: options.url }, 'registry events: mqtt error'));
  }

  /** resolves once connected (or rejects after timeoutMs); publishing works without it (messages queue) */
  waitConnected(timeoutMs = 10_000): Promise<void> {
    if (this.client.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.client.off('connect', onConnect);
        reject(new Error(`registry events: no connection to ${this.options.url} within ${timeoutMs} ms; check MQTT_URL and the service account`));
      }, timeoutMs);
      const onConnect = () => {
        clearTimeout(timer);
        resolve();
      };
      this.client.once('connect', onConnect);
    });
  }

  async deviceChanged(deviceId: string, action: RegistryAction): Promise<void> {
    const event: RegistryEvent = { action, deviceId, at: Date.now() };
    await this.publish(registryEventTopic(deviceId), JSON.stringify(event), 'registry event');
  }

  async requestRollupRebuild(request: RollupRebuildRequest): Promise<void> {
    await this.publish(ROLLUP_REBUILD_TOPIC, JSON.stringify(request), 'rollup rebuild request');
  }

  /** QoS 1, resolved on the broker's PUBACK; rejected after ackTimeoutMs (the message stays queued and is sent on reconnect) */
  private async publish(topic: string, payload: string, what: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the broker did not acknowledge the ${what} within ${this.ackTimeoutMs} ms (it stays queued and is sent on reconnect)`)), this.ackTimeoutMs);
    });
    try {
      await Promise.race([this.client.publishAsync(topic, payload, { qos: 1 }), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

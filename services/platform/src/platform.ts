import { createBroker, type BrokerHandle } from '@mueang/broker';
import { generateSecret } from '@mueang/core';
import { startIngest, type Ingest } from '@mueang/ingest';
import { describeStore, startStatusServer, type StatusServer } from '@mueang/runtime';
import { openStateStore, openTelemetryStore, type StateStore, type TelemetryStore } from '@mueang/storage';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { PlatformConfig } from './config.ts';
import { startDemo, type Demo } from './demo.ts';

export interface Platform {
  broker: BrokerHandle;
  ingest: Ingest;
  state: StateStore;
  telemetry: TelemetryStore;
  http: StatusServer;
  demo: Demo | null;
  addresses: { mqtt: string; ws: string | null; http: string };
  stop(): Promise<void>;
}

/** The service account the in-process services use on the broker. */
export const PLATFORM_ACCOUNT = 'platform';

/**
 * Every service in one process (the `npm start` demo and small sites): broker, ingest and the
 * simulator, on the stores the configuration names (embedded DuckDB + PGlite by default).
 */
export async function startPlatform(config: PlatformConfig, log: Logger): Promise<Platform> {
  fs.mkdirSync(config.dataDir, { recursive: true });
  const stopStack: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    while (stopStack.length > 0) {
      const stop = stopStack.pop()!;
      await stop().catch((err: unknown) => log.error({ err }, 'error while stopping a part of the platform'));
    }
  };
  try {
    const state = await openStateStore(config.state, { logger: log });
    stopStack.push(() => state.close());
    const telemetry = await openTelemetryStore(config.telemetry);
    stopStack.push(() => telemetry.close());
    log.info({ state: describeStore(config.state), telemetry: describeStore(config.telemetry) }, 'stores open');

    const password = config.SERVICE_PASSWORD ?? generateSecret();
    const broker = await createBroker({
      registry: state,
      serviceAccounts: [{ username: PLATFORM_ACCOUNT, password }],
      host: config.HOST,
      mqttPort: config.MQTT_PORT,
      wsPort: config.MQTT_WS_PORT,
      logger: log,
      ...(config.REDIS_URL ? { redis: { url: config.REDIS_URL } } : {}),
    });
    stopStack.push(() => broker.close());

    const ingest = await startIngest({
      mqtt: { url: broker.url, username: PLATFORM_ACCOUNT, password },
      store: telemetry,
      registry: state,
      journalDir: path.join(config.dataDir, 'journal'),
      retention: {
        ...(config.RETENTION_RAW_DAYS !== undefined ? { rawDays: config.RETENTION_RAW_DAYS } : {}),
        ...(config.RETENTION_DEAD_LETTER_DAYS !== undefined ? { deadLetterDays: config.RETENTION_DEAD_LETTER_DAYS } : {}),
      },
      logger: log.child({ component: 'ingest' }),
    });
    stopStack.push(() => ingest.stop());

    const http = await startStatusServer({
      host: config.HOST,
      port: config.HTTP_PORT,
      registries: [broker.metrics, ingest.metrics],
      sources: [
        { name: 'broker', health: () => broker.health() },
        { name: 'ingest', health: () => ingest.health() },
        { name: 'telemetryStore', health: async () => ({ ok: await telemetry.ping() }) },
      ],
    });
    stopStack.push(() => http.close());

    let demo: Demo | null = null;
    if (config.SIMULATOR) {
      demo = await startDemo({ dataDir: config.dataDir, brokerUrl: broker.url, state, ratePerMinute: config.SIM_RATE, backfillDays: config.SIM_BACKFILL_DAYS, logger: log });
      const running = demo;
      // the simulator stops first so its last readings are acknowledged and stored
      stopStack.push(() => running.stop());
    }

    const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
    return {
      broker,
      ingest,
      state,
      telemetry,
      http,
      demo,
      addresses: { mqtt: broker.url.replace('127.0.0.1', host), ws: broker.wsUrl?.replace('127.0.0.1', host) ?? null, http: `http://${host}:${http.port}` },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

import { createNotificationDispatcher, loadAlertsConfig, startAlertsService, type AlertsService, type NotificationDispatcher } from '@mueang/alerts';
import { consoleOptions, createApi, MqttRegistryEvents } from '@mueang/api';
import { createBroker, type BrokerHandle } from '@mueang/broker';
import { generateSecret } from '@mueang/core';
import { startIngest, type Ingest } from '@mueang/ingest';
import { describeStore } from '@mueang/runtime';
import { alertRepository, openStateStore, openTelemetryStore, type StateStore, type TelemetryStore } from '@mueang/storage';
import type { FastifyInstance } from 'fastify';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { PlatformConfig } from './config.ts';
import { startDemo, type Demo } from './demo.ts';

export interface Platform {
  broker: BrokerHandle;
  ingest: Ingest;
  state: StateStore;
  telemetry: TelemetryStore;
  alerts: AlertsService;
  api: FastifyInstance;
  demo: Demo | null;
  /** the admin API key of this installation (API_ADMIN_KEY, or generated at first start into DATA_DIR/admin-key.txt) */
  adminKey: string;
  addresses: { mqtt: string; ws: string | null; http: string; console: string; docs: string };
  stop(): Promise<void>;
}

/** The service account the in-process services use on the broker. */
export const PLATFORM_ACCOUNT = 'platform';

/** API_ADMIN_KEY, or a key generated at the first start and kept in DATA_DIR/admin-key.txt (0600) */
function adminKeyOf(config: PlatformConfig): string {
  if (config.API_ADMIN_KEY) return config.API_ADMIN_KEY;
  const file = path.join(config.dataDir, 'admin-key.txt');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const key = `mk_admin_${generateSecret()}`;
  fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

/**
 * Every service in one process (the `npm start` demo and small sites): broker, ingest, alerts, the
 * API with the console, and the simulator, on the stores the configuration names (embedded DuckDB
 * + PGlite by default). All services share one metrics registry, served by the API at /metrics.
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
    const metrics = new Registry();
    const alertsConfig = loadAlertsConfig(config.ALERTS_CONFIG);
    const broker = await createBroker({
      metricsRegistry: metrics,
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
      metricsRegistry: metrics,
      journalDir: path.join(config.dataDir, 'journal'),
      disk: { thresholds: config.diskThresholds, intervalMs: config.DISK_CHECK_INTERVAL_S * 1000 },
      retention: {
        ...(config.RETENTION_RAW_DAYS !== undefined ? { rawDays: config.RETENTION_RAW_DAYS } : {}),
        ...(config.RETENTION_DEAD_LETTER_DAYS !== undefined ? { deadLetterDays: config.RETENTION_DEAD_LETTER_DAYS } : {}),
      },
      logger: log.child({ component: 'ingest' }),
    });
    stopStack.push(() => ingest.stop());

    let notifications: NotificationDispatcher | null = null;
    if (alertsConfig.notify) {
      notifications = await createNotificationDispatcher({ notify: alertsConfig.notify, repository: alertRepository(state), logger: log, metricsRegistry: metrics, refreshMs: alertsConfig.engine.routingRefreshMs });
      const running = notifications;
      stopStack.push(() => running.close({ timeoutMs: 10_000 }).then(() => undefined));
    }
    const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
    const scheme = config.https ? 'https' : 'http';
    const alerts = await startAlertsService({
      mqttUrl: broker.url,
      mqttUsername: PLATFORM_ACCOUNT,
      mqttPassword: password,
      state,
      telemetry,
      dispatcher: notifications?.dispatcher ?? null,
      logger: log,
      metricsRegistry: metrics,
      rules: alertsConfig.rules,
      tickIntervalMs: alertsConfig.engine.tickIntervalMs,
      evaluationSpacingMs: alertsConfig.engine.evaluationSpacingMs,
      consoleBaseUrl: alertsConfig.engine.consoleBaseUrl ?? `${scheme}://${host}:${config.HTTP_PORT}`,
    });
    stopStack.push(() => alerts.stop());

    const registryEvents = new MqttRegistryEvents({ url: broker.url, username: PLATFORM_ACCOUNT, password, logger: log });
    stopStack.push(async () => registryEvents.close?.());
    const adminKey = adminKeyOf(config);
    const api = await createApi({
      state,
      telemetry,
      logger: log.child({ component: 'api' }),
      registryEvents,
      ingestControl: registryEvents,
      metricsRegistry: metrics,
      bootstrapAdminKey: adminKey,
      mqttPublicUrl: broker.url.replace('127.0.0.1', host),
      cors: config.CORS_ORIGINS ? { origins: config.CORS_ORIGINS === '*' ? '*' : config.CORS_ORIGINS.split(',').map((o) => o.trim()) } : false,
      https: config.https ?? undefined,
      console: consoleOptions(config),
    });
    try {
      await api.listen({ host: config.HOST, port: config.HTTP_PORT });
    } catch (err) {
      await api.close();
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new Error(`HTTP port ${config.HTTP_PORT} is already in use (set HTTP_PORT to a free port)`);
      throw err;
    }
    stopStack.push(() => api.close());
    const address = api.server.address();
    const httpPort = typeof address === 'object' && address ? address.port : config.HTTP_PORT;
    const httpUrl = `${scheme}://${host}:${httpPort}`;

    let demo: Demo | null = null;
    if (config.SIMULATOR) {
      demo = await startDemo({ dataDir: config.dataDir, brokerUrl: broker.url, state, ratePerMinute: config.SIM_RATE, backfillDays: config.SIM_BACKFILL_DAYS, logger: log });
      const running = demo;
      // the simulator stops first so its last readings are acknowledged and stored
      stopStack.push(() => running.stop());
    }

    return {
      broker,
      ingest,
      state,
      telemetry,
      alerts,
      api,
      demo,
      adminKey,
      addresses: { mqtt: broker.url.replace('127.0.0.1', host), ws: broker.wsUrl?.replace('127.0.0.1', host) ?? null, http: httpUrl, console: `${httpUrl}/`, docs: `${httpUrl}/docs` },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

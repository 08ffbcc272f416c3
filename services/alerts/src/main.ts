import { ConfigError, describeStore, logLevelVar, onShutdown, portVar, readEnv, startStatusServer, stateStoreConfig, storeVars, telemetryStoreConfig } from '@mueang/runtime';
import { alertRepository, openStateStore, openTelemetryStore } from '@mueang/storage';
import pino from 'pino';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { AlertsConfigError, loadAlertsConfig } from './config.ts';
import { createNotificationDispatcher, type NotificationDispatcher } from './routing-store.ts';
import { startAlertsService } from './service.ts';

/** Run the alerts service alone (docker-compose); configuration from the environment and the ALERTS_CONFIG file. */
const shape = {
  MQTT_URL: z.string().regex(/^(mqtts?|wss?):\/\//, 'MQTT_URL must be an mqtt://, mqtts://, ws:// or wss:// URL').default('mqtt://127.0.0.1:1883'),
  MQTT_USERNAME: z.string().min(1).default('alerts'),
  MQTT_PASSWORD: z.string({ error: 'MQTT_PASSWORD is required: the password of the alerts service account on the broker' }).min(1),
  /** JSON file: rules, notify (notifiers, recipients, routes), engine */
  ALERTS_CONFIG: z.string().min(1).optional(),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** /health and /metrics */
  HTTP_PORT: portVar('HTTP_PORT', 9102),
  ...storeVars,
  LOG_LEVEL: logLevelVar,
};

async function main(): Promise<void> {
  let env;
  let config;
  try {
    env = readEnv(shape);
    config = loadAlertsConfig(env.ALERTS_CONFIG);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof AlertsConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = pino({ name: 'mueang-alerts', level: env.LOG_LEVEL, redact: ['password', '*.password', '*.pass', '*.channelAccessToken', '*.secret', '*.address'] });
  const stateConfig = stateStoreConfig(env);
  const telemetryConfig = telemetryStoreConfig(env);
  const state = await openStateStore(stateConfig, { logger: log });
  const telemetry = await openTelemetryStore(telemetryConfig);
  const metrics = new Registry();
  let notifications: NotificationDispatcher | null = null;
  if (config.notify) {
    notifications = await createNotificationDispatcher({ notify: config.notify, repository: alertRepository(state), logger: log, metricsRegistry: metrics, refreshMs: config.engine.routingRefreshMs });
  } else {
    log.warn('no notify section in ALERTS_CONFIG: alerts are stored and published on MQTT, but nobody is notified');
  }
  const service = await startAlertsService({
    mqttUrl: env.MQTT_URL,
    mqttUsername: env.MQTT_USERNAME,
    mqttPassword: env.MQTT_PASSWORD,
    state,
    telemetry,
    dispatcher: notifications?.dispatcher ?? null,
    logger: log,
    metricsRegistry: metrics,
    rules: config.rules,
    tickIntervalMs: config.engine.tickIntervalMs,
    evaluationSpacingMs: config.engine.evaluationSpacingMs,
    consoleBaseUrl: config.engine.consoleBaseUrl,
    ...(config.engine.cities ? { cities: config.engine.cities } : {}),
    ...(config.engine.maxSamplesPerSeries ? { maxSamplesPerSeries: config.engine.maxSamplesPerSeries } : {}),
  });
  const status = await startStatusServer({
    host: env.HOST,
    port: env.HTTP_PORT,
    registries: [metrics],
    sources: [
      { name: 'alerts', health: () => service.health() },
      { name: 'telemetryStore', health: async () => ({ ok: await telemetry.ping() }) },
      { name: 'notifications', health: () => ({ ok: true, pending: notifications?.dispatcher.pending().length ?? 0 }) },
    ],
  });
  log.info(
    { mqtt: env.MQTT_URL, telemetry: describeStore(telemetryConfig), state: describeStore(stateConfig), httpPort: status.port, notifiers: config.notify ? Object.keys(config.notify).filter((k) => ['webhook', 'email', 'line', 'mqtt'].includes(k)) : [] },
    'alerts ready',
  );
  onShutdown(log, async () => {
    await service.stop();
    await notifications?.close({ timeoutMs: 10_000 });
    await status.close();
    await telemetry.close();
    await state.close();
  });
}

await main();

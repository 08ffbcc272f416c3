import { ConfigError, describeStore, diskVars, logLevelVar, onShutdown, portVar, readEnv, startStatusServer, stateStoreConfig, storeVars, telemetryStoreConfig } from '@mueang/runtime';
import { openStateStore, openTelemetryStore } from '@mueang/storage';
import path from 'node:path';
import pino from 'pino';
import { z } from 'zod';
import { diskThresholdsFromEnv } from './disk-monitor.ts';
import { startIngest } from './ingest.ts';

/** Run ingest alone (docker-compose, or one process per city partition); configuration from the environment. */
const shape = {
  MQTT_URL: z.string().regex(/^(mqtts?|wss?):\/\//, 'MQTT_URL must be an mqtt://, mqtts://, ws:// or wss:// URL').default('mqtt://127.0.0.1:1883'),
  MQTT_USERNAME: z.string().min(1).default('ingest'),
  MQTT_PASSWORD: z.string({ error: 'MQTT_PASSWORD is required: the password of the ingest service account on the broker' }).min(1),
  /** take one city only (v1/{city}/#): run one ingest per city to spread the load */
  INGEST_CITY: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'INGEST_CITY must be a city id such as cnx').optional(),
  /** the write-ahead journal of received, not yet stored readings */
  JOURNAL_DIR: z.string().optional(),
  /** hold acknowledgements (QoS 1 back-pressure) while the journal holds more than this, bytes */
  JOURNAL_MAX_BYTES: z.coerce.number({ error: 'JOURNAL_MAX_BYTES must be a number of bytes' }).int().min(1_000_000, 'JOURNAL_MAX_BYTES must be at least 1000000').default(1024 ** 3),
  /** hold acknowledgements while more points than this wait in memory for the store */
  MAX_PENDING_POINTS: z.coerce.number({ error: 'MAX_PENDING_POINTS must be a number' }).int().min(1000, 'MAX_PENDING_POINTS must be at least 1000').default(200_000),
  /** days of raw readings kept (rollups are kept forever); unset = keep everything */
  RETENTION_RAW_DAYS: z.coerce.number({ error: 'RETENTION_RAW_DAYS must be a number of days' }).int().min(2, 'RETENTION_RAW_DAYS must be at least 2 (rollups are computed from raw readings)').optional(),
  /** days of dead letters kept; unset = keep everything */
  RETENTION_DEAD_LETTER_DAYS: z.coerce.number({ error: 'RETENTION_DEAD_LETTER_DAYS must be a number of days' }).int().min(1).optional(),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** /health and /metrics */
  HTTP_PORT: portVar('HTTP_PORT', 9101),
  ...storeVars,
  /** disk space levels of the journal's and the embedded store's volumes (system.disk-space alert) */
  ...diskVars,
  LOG_LEVEL: logLevelVar,
};

async function main(): Promise<void> {
  let env;
  let diskThresholds;
  try {
    env = readEnv(shape);
    diskThresholds = diskThresholdsFromEnv(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = pino({ name: 'mueang-ingest', level: env.LOG_LEVEL, redact: ['password', '*.password'] });
  const stateConfig = stateStoreConfig(env);
  const telemetryConfig = telemetryStoreConfig(env);
  const state = await openStateStore(stateConfig, { logger: log });
  const telemetry = await openTelemetryStore(telemetryConfig);
  const journalDir = path.resolve(env.JOURNAL_DIR ?? path.join(env.DATA_DIR, `journal-${env.INGEST_CITY ?? 'all'}`));
  const ingest = await startIngest({
    mqtt: { url: env.MQTT_URL, username: env.MQTT_USERNAME, password: env.MQTT_PASSWORD, ...(env.INGEST_CITY ? { city: env.INGEST_CITY } : {}) },
    store: telemetry,
    registry: state,
    journalDir,
    maxJournalBytes: env.JOURNAL_MAX_BYTES,
    maxPendingPoints: env.MAX_PENDING_POINTS,
    retention: {
      ...(env.RETENTION_RAW_DAYS !== undefined ? { rawDays: env.RETENTION_RAW_DAYS } : {}),
      ...(env.RETENTION_DEAD_LETTER_DAYS !== undefined ? { deadLetterDays: env.RETENTION_DEAD_LETTER_DAYS } : {}),
    },
    disk: { thresholds: diskThresholds, intervalMs: env.DISK_CHECK_INTERVAL_S * 1000 },
    logger: log,
  });
  const status = await startStatusServer({
    host: env.HOST,
    port: env.HTTP_PORT,
    registries: [ingest.metrics],
    sources: [{ name: 'ingest', health: () => ingest.health() }, { name: 'telemetryStore', health: async () => ({ ok: await telemetry.ping() }) }],
  });
  log.info({ mqtt: env.MQTT_URL, city: env.INGEST_CITY ?? 'all', telemetry: describeStore(telemetryConfig), state: describeStore(stateConfig), journalDir, httpPort: status.port }, 'ingest ready');
  onShutdown(log, async () => {
    await ingest.stop();
    await status.close();
    await telemetry.close();
    await state.close();
  });
}

await main();

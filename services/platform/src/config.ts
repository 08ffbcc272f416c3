import { ConfigError, diskVars, flagVar, httpsVars, logLevelVar, portVar, readEnv, readHttpsFiles, stateStoreConfig, storeVars, telemetryStoreConfig, type HttpsFiles } from '@mueang/runtime';
import type { DiskThresholds } from '@mueang/core';
import { consoleVars } from '@mueang/api';
import { diskThresholdsFromEnv } from '@mueang/ingest';
import type { StateStoreConfig, TelemetryStoreConfig } from '@mueang/storage';
import path from 'node:path';
import { z } from 'zod';

const shape = {
  HOST: z.string().min(1).default('0.0.0.0'),
  MQTT_PORT: portVar('MQTT_PORT', 1883),
  MQTT_WS_PORT: portVar('MQTT_WS_PORT', 8083),
  HTTP_PORT: portVar('HTTP_PORT', 8080),
  /** HTTPS_CERT + HTTPS_KEY: the API and console over HTTPS on HTTP_PORT */
  ...httpsVars,
  ...storeVars,
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'REDIS_URL must be a redis:// URL').optional(),
  /** password the in-process services use on the broker; generated per run when unset */
  SERVICE_PASSWORD: z.string().min(16, 'SERVICE_PASSWORD must be at least 16 characters').optional(),
  SIMULATOR: flagVar(true),
  /** readings per device per minute in the demo */
  SIM_RATE: z.coerce.number({ error: 'SIM_RATE must be a number' }).positive('SIM_RATE must be above 0').max(600).default(6),
  /** days of history written at first start so dashboards and KPIs have data */
  SIM_BACKFILL_DAYS: z.coerce.number({ error: 'SIM_BACKFILL_DAYS must be a number' }).int().min(0).max(400).default(3),
  /** days of raw readings kept (rollups are kept forever); unset = keep everything */
  RETENTION_RAW_DAYS: z.coerce.number({ error: 'RETENTION_RAW_DAYS must be a number of days' }).int().min(2, 'RETENTION_RAW_DAYS must be at least 2 (rollups are computed from raw readings)').optional(),
  RETENTION_DEAD_LETTER_DAYS: z.coerce.number({ error: 'RETENTION_DEAD_LETTER_DAYS must be a number of days' }).int().min(1).optional(),
  /** disk space levels of DATA_DIR's volume (metrics, system.disk-space alert) */
  ...diskVars,
  /** admin API key; unset = generated at the first start into DATA_DIR/admin-key.txt */
  API_ADMIN_KEY: z.string().min(24, 'API_ADMIN_KEY must be at least 24 characters').optional(),
  /** allowed origins for the authenticated API: comma-separated, or * */
  CORS_ORIGINS: z.string().optional(),
  /** TILE_URL, TILE_ATTRIBUTION: map tiles under the console's station map */
  ...consoleVars,
  /** JSON file for the alerts service: rules overrides, notify (notifiers, recipients, routes), engine */
  ALERTS_CONFIG: z.string().min(1).optional(),
  LOG_LEVEL: logLevelVar,
};

export type PlatformConfig = ReturnType<typeof readEnv<typeof shape>> & {
  dataDir: string;
  state: StateStoreConfig;
  telemetry: TelemetryStoreConfig;
  /** the API's certificate and key when HTTPS_CERT and HTTPS_KEY are set; null = plain HTTP */
  https: HttpsFiles | null;
  diskThresholds: DiskThresholds;
};

/** Validate the environment at start, with one clear message per problem (throws ConfigError). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const parsed = readEnv(shape, env);
  const problems: string[] = [];
  const https = readHttpsFiles(parsed, problems);
  let diskThresholds: DiskThresholds | undefined;
  try {
    diskThresholds = diskThresholdsFromEnv(parsed);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  if (problems.length > 0 || !diskThresholds) throw new ConfigError(problems);
  return { ...parsed, dataDir: path.resolve(parsed.DATA_DIR), state: stateStoreConfig(parsed), telemetry: telemetryStoreConfig(parsed), https, diskThresholds };
}

import { ConfigError, flagVar, httpsVars, logLevelVar, portVar, readEnv, readHttpsFiles, stateStoreConfig, storeVars, telemetryStoreConfig, type HttpsFiles } from '@mueang/runtime';
import type { StateStoreConfig, TelemetryStoreConfig } from '@mueang/storage';
import { z } from 'zod';

const perMinute = (name: string, fallback: number) =>
  z.coerce.number({ error: `${name} must be a number of requests per minute` }).int(`${name} must be a whole number`).min(0, `${name} must be 0 (off) or more`).default(fallback);

/** The operator console's optional map tiles: read by the API alone and by `npm start`. */
export const consoleVars = {
  /** slippy-map tile URL template, e.g. https://tiles.example.go.th/{z}/{x}/{y}.png; unset = stations drawn on a plain background */
  TILE_URL: z
    .string()
    .regex(/^https?:\/\/[^\s]+$/, 'TILE_URL must be an http(s) URL template such as https://tiles.example.go.th/{z}/{x}/{y}.png')
    .refine((v) => ['{z}', '{x}', '{y}'].every((part) => v.includes(part)), 'TILE_URL must contain {z}, {x} and {y}')
    .optional(),
  /** attribution shown under the tiles, as the tile provider's licence requires (e.g. "© OpenStreetMap contributors") */
  TILE_ATTRIBUTION: z.string().min(1).optional(),
};

export function consoleOptions(env: { TILE_URL?: string | undefined; TILE_ATTRIBUTION?: string | undefined }): { tileUrl?: string; tileAttribution?: string } {
  return { ...(env.TILE_URL ? { tileUrl: env.TILE_URL } : {}), ...(env.TILE_ATTRIBUTION ? { tileAttribution: env.TILE_ATTRIBUTION } : {}) };
}

/** Environment of the API run alone (docker-compose); `npm start` passes the same settings in code. */
const shape = {
  HOST: z.string().min(1).default('0.0.0.0'),
  HTTP_PORT: portVar('HTTP_PORT', 8080),
  /** HTTPS_CERT + HTTPS_KEY: serve HTTPS on HTTP_PORT instead of plain HTTP */
  ...httpsVars,
  ...storeVars,
  /** comma-separated origins allowed to call /v1 from a browser, or * ; unset = none (open data always allows any) */
  CORS_ORIGINS: z.string().optional(),
  /** an all-cities admin key kept in memory, to create the first stored keys */
  API_ADMIN_KEY: z.string().min(32, 'API_ADMIN_KEY must be at least 32 characters (e.g. openssl rand -base64 32)').optional(),
  /** the broker, for registry change events (service account) */
  MQTT_URL: z.string().regex(/^(mqtts?|wss?):\/\//, 'MQTT_URL must be an mqtt://, mqtts://, ws:// or wss:// URL').optional(),
  MQTT_USERNAME: z.string().min(1).default('api'),
  MQTT_PASSWORD: z.string().min(1).optional(),
  /** broker address shown to devices with their credentials */
  MQTT_PUBLIC_URL: z.string().optional(),
  RATE_LIMIT_PER_MINUTE: perMinute('RATE_LIMIT_PER_MINUTE', 600),
  PUBLIC_RATE_LIMIT_PER_MINUTE: perMinute('PUBLIC_RATE_LIMIT_PER_MINUTE', 60),
  TRUST_PROXY: flagVar(false),
  ...consoleVars,
  LOG_LEVEL: logLevelVar,
};

export type ApiEnv = ReturnType<typeof readEnv<typeof shape>>;

export interface ApiConfig {
  env: ApiEnv;
  state: StateStoreConfig;
  telemetry: TelemetryStoreConfig;
  corsOrigins: string[] | '*' | null;
  /** the certificate and key when HTTPS_CERT and HTTPS_KEY are set; null = plain HTTP */
  https: HttpsFiles | null;
}

/** Validate the environment (throws ConfigError listing every problem). */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const parsed = readEnv(shape, env);
  const problems: string[] = [];
  if (parsed.MQTT_URL && !parsed.MQTT_PASSWORD) problems.push('MQTT_PASSWORD: required with MQTT_URL (the password of the API service account on the broker)');
  const https = readHttpsFiles(parsed, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  const cors = parsed.CORS_ORIGINS?.trim();
  return {
    env: parsed,
    state: stateStoreConfig(parsed),
    telemetry: telemetryStoreConfig(parsed),
    corsOrigins: !cors ? null : cors === '*' ? '*' : cors.split(',').map((o) => o.trim()).filter((o) => o !== ''),
    https,
  };
}

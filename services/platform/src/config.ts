import path from 'node:path';
import { z } from 'zod';

const port = (name: string, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a port number` })
    .int(`${name} must be a whole number`)
    .min(0, `${name} must be between 0 and 65535`)
    .max(65535, `${name} must be between 0 and 65535`)
    .default(fallback);

const flag = (fallback: boolean) =>
  z
    .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'], { error: 'use true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const schema = z.object({
  HOST: z.string().min(1).default('0.0.0.0'),
  MQTT_PORT: port('MQTT_PORT', 1883),
  MQTT_WS_PORT: port('MQTT_WS_PORT', 8083),
  HTTP_PORT: port('HTTP_PORT', 8080),
  DATA_DIR: z.string().min(1).default('./data'),
  /** PostgreSQL URL for the state store; empty = embedded PGlite in DATA_DIR/state */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL (or unset for the embedded store)')
    .optional(),
  /** InfluxDB URL for telemetry (v1 API: 1.x, 2.5+, 3 Core); empty = embedded DuckDB in DATA_DIR */
  INFLUX_URL: z.url({ error: 'INFLUX_URL must be a URL such as http://localhost:8086' }).optional(),
  INFLUX_DATABASE: z.string().min(1).default('mueang'),
  INFLUX_TOKEN: z.string().optional(),
  INFLUX_USERNAME: z.string().optional(),
  INFLUX_PASSWORD: z.string().optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'REDIS_URL must be a redis:// URL').optional(),
  /** password platform services use on the broker; generated per run when unset */
  SERVICE_PASSWORD: z.string().min(16, 'SERVICE_PASSWORD must be at least 16 characters').optional(),
  SIMULATOR: flag(true),
  /** readings per device per minute in the demo */
  SIM_RATE: z.coerce.number({ error: 'SIM_RATE must be a number' }).positive('SIM_RATE must be above 0').max(600).default(6),
  /** days of history written at first start so dashboards and KPIs have data */
  SIM_BACKFILL_DAYS: z.coerce.number().int().min(0).max(400).default(2),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type PlatformConfig = z.infer<typeof schema> & { dataDir: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validate the environment at start, with one clear message per problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = issue.path.join('.');
        return `${key}=${JSON.stringify(input[key] ?? '')}: ${issue.message}`;
      }),
    );
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.DATA_DIR) };
}

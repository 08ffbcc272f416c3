import type { StateStoreConfig, TelemetryStoreConfig } from '@mueang/storage';
import path from 'node:path';
import { z } from 'zod';

/** A configuration that cannot work, with one line per problem naming the variable and what to do. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export const portVar = (name: string, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a port number` })
    .int(`${name} must be a whole number`)
    .min(0, `${name} must be between 0 and 65535 (0 = any free port)`)
    .max(65535, `${name} must be between 0 and 65535 (0 = any free port)`)
    .default(fallback);

export const flagVar = (fallback: boolean) =>
  z
    .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'], { error: 'use true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

export const logLevelVar = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** Where the stores are: shared by every service so one `.env` configures them all. */
export const storeVars = {
  DATA_DIR: z.string().min(1).default('./data'),
  /** PostgreSQL URL for the state store; unset = embedded PGlite in DATA_DIR/state */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL (or unset for the embedded store)')
    .optional(),
  /** InfluxDB URL for telemetry (v1 API: 1.x, 2.5+, 3 Core); unset = embedded DuckDB in DATA_DIR */
  INFLUX_URL: z.url({ error: 'INFLUX_URL must be a URL such as http://localhost:8086' }).optional(),
  INFLUX_DATABASE: z.string().min(1).default('mueang'),
  INFLUX_TOKEN: z.string().optional(),
  INFLUX_USERNAME: z.string().optional(),
  INFLUX_PASSWORD: z.string().optional(),
};

/** Parse the environment against a zod object shape; empty strings count as unset. */
export function readEnv<S extends z.ZodRawShape>(shape: S, env: NodeJS.ProcessEnv = process.env): z.infer<z.ZodObject<S>> {
  const schema = z.object(shape);
  const input: Record<string, string> = {};
  for (const key of Object.keys(shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = issue.path.join('.');
        const shown = /PASSWORD|TOKEN|SECRET|KEY/.test(key) ? '<hidden>' : JSON.stringify(input[key] ?? '');
        return `${key}=${shown}: ${issue.message}`;
      }),
    );
  }
  return parsed.data;
}

type StoreEnv = { DATA_DIR: string; DATABASE_URL?: string | undefined; INFLUX_URL?: string | undefined; INFLUX_DATABASE: string; INFLUX_TOKEN?: string | undefined; INFLUX_USERNAME?: string | undefined; INFLUX_PASSWORD?: string | undefined };

export function stateStoreConfig(env: StoreEnv): StateStoreConfig {
  return env.DATABASE_URL ? { kind: 'postgres', url: env.DATABASE_URL } : { kind: 'pglite', dataDir: path.join(path.resolve(env.DATA_DIR), 'state') };
}

export function telemetryStoreConfig(env: StoreEnv): TelemetryStoreConfig {
  if (!env.INFLUX_URL) return { kind: 'duckdb', path: path.join(path.resolve(env.DATA_DIR), 'telemetry.duckdb') };
  return {
    kind: 'influxdb',
    url: env.INFLUX_URL,
    database: env.INFLUX_DATABASE,
    ...(env.INFLUX_TOKEN ? { token: env.INFLUX_TOKEN } : {}),
    ...(env.INFLUX_USERNAME ? { username: env.INFLUX_USERNAME } : {}),
    ...(env.INFLUX_PASSWORD ? { password: env.INFLUX_PASSWORD } : {}),
  };
}

/** A readable description of where a store is, without credentials. */
export function describeStore(config: StateStoreConfig | TelemetryStoreConfig): string {
  switch (config.kind) {
    case 'duckdb':
      return `DuckDB ${config.path}`;
    case 'influxdb':
      return `InfluxDB ${config.url} database ${config.database}`;
    case 'postgres':
      return `PostgreSQL ${redactUrl(config.url)}`;
    case 'pglite':
      return `PGlite ${config.dataDir ?? '(in memory)'}`;
    default:
      return 'store';
  }
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

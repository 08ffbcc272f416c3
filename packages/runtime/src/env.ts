import type { StateStoreConfig, TelemetryStoreConfig } from '@mueang/storage';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
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
  /**
   * InfluxDB retention policy for the hourly and daily rollups (unset or empty = the database's default one). Point it at
   * a policy with year-long shard groups: a year-long assessment then reads one shard instead of 52 (README "InfluxDB").
   */
  INFLUX_ROLLUP_RETENTION_POLICY: z.string().optional(),
};

const percentVar = (name: string) =>
  z.coerce.number({ error: `${name} must be a percentage such as 10` }).min(0, `${name} must be from 0 to 99 (0 = off)`).max(99, `${name} must be from 0 to 99 (0 = off)`).optional();
const bytesVar = (name: string) => z.coerce.number({ error: `${name} must be a number of bytes such as 2000000000` }).int(`${name} must be a whole number of bytes`).min(0, `${name} must be 0 or more (0 = off)`).optional();

/**
 * Disk space levels of the volumes ingest writes to (journal, embedded store): a level is reached below its percentage
 * OR its bytes of free space; unset = the defaults of @mueang/core (warning 10 % / 2 GB, critical 5 % / 500 MB).
 */
export const diskVars = {
  DISK_WARNING_FREE_PERCENT: percentVar('DISK_WARNING_FREE_PERCENT'),
  DISK_WARNING_FREE_BYTES: bytesVar('DISK_WARNING_FREE_BYTES'),
  DISK_CRITICAL_FREE_PERCENT: percentVar('DISK_CRITICAL_FREE_PERCENT'),
  DISK_CRITICAL_FREE_BYTES: bytesVar('DISK_CRITICAL_FREE_BYTES'),
  /** seconds between disk samples */
  DISK_CHECK_INTERVAL_S: z.coerce.number({ error: 'DISK_CHECK_INTERVAL_S must be a number of seconds' }).int().min(5, 'DISK_CHECK_INTERVAL_S must be at least 5').max(3600, 'DISK_CHECK_INTERVAL_S must be at most 3600').default(30),
};

/** HTTPS for the API: a PEM certificate (chain) and its private key, both or neither (read with readHttpsFiles). */
export const httpsVars = {
  /** PEM certificate, with the intermediate certificates after it (e.g. Let's Encrypt's fullchain.pem) */
  HTTPS_CERT: z.string().optional(),
  /** PEM private key of that certificate, unencrypted */
  HTTPS_KEY: z.string().optional(),
};

export interface HttpsFiles {
  cert: Buffer;
  key: Buffer;
  /** the certificate's subject and end of validity (epoch ms), for the start-up log */
  subject: string;
  validTo: number;
}

/**
 * The HTTPS files named by HTTPS_CERT and HTTPS_KEY, checked the way the server will use them (readable, PEM, the
 * key belongs to the certificate); null when neither is set (plain HTTP). Problems are pushed to `problems`, one
 * line each naming the variable and what to do, so they are reported with the rest of the configuration.
 */
export function readHttpsFiles(env: { HTTPS_CERT?: string | undefined; HTTPS_KEY?: string | undefined }, problems: string[]): HttpsFiles | null {
  const certFile = env.HTTPS_CERT?.trim() || undefined;
  const keyFile = env.HTTPS_KEY?.trim() || undefined;
  if (certFile === undefined && keyFile === undefined) return null;
  if (certFile === undefined || keyFile === undefined) {
    problems.push(
      certFile === undefined
        ? 'HTTPS_CERT: required with HTTPS_KEY (the PEM certificate of that key); set both to serve HTTPS, or neither for plain HTTP'
        : 'HTTPS_KEY: required with HTTPS_CERT (the PEM private key of that certificate); set both to serve HTTPS, or neither for plain HTTP',
    );
    return null;
  }
  const read = (name: string, file: string, what: string): Buffer | null => {
    try {
      return fs.readFileSync(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      problems.push(`${name}=${JSON.stringify(file)}: cannot read the file (${code}); give the path of a readable ${what}`);
      return null;
    }
  };
  const cert = read('HTTPS_CERT', certFile, 'PEM certificate file');
  const key = read('HTTPS_KEY', keyFile, 'PEM private key file');
  if (!cert || !key) return null;
  let x509: X509Certificate;
  try {
    if (!cert.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no -----BEGIN CERTIFICATE----- block');
    x509 = new X509Certificate(cert);
  } catch (err) {
    problems.push(`HTTPS_CERT=${JSON.stringify(certFile)}: not a PEM certificate (${(err as Error).message}); give the certificate (and its chain) in PEM format`);
    return null;
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    problems.push(
      `HTTPS_KEY=${JSON.stringify(keyFile)}: not a usable PEM private key (${(err as Error).message}); give the unencrypted key (openssl pkey -in encrypted.pem -out key.pem)`,
    );
    return null;
  }
  if (!x509.checkPrivateKey(privateKey)) {
    problems.push(`HTTPS_KEY=${JSON.stringify(keyFile)}: is not the key of the certificate in HTTPS_CERT (${x509.subject.replace(/\n/g, ', ')}); give the key the certificate was issued for`);
    return null;
  }
  try {
    tls.createSecureContext({ cert, key });
  } catch (err) {
    problems.push(`HTTPS_CERT/HTTPS_KEY: the TLS library refuses them (${(err as Error).message}); check the files`);
    return null;
  }
  return { cert, key, subject: x509.subject.replace(/\n/g, ', '), validTo: Date.parse(x509.validTo) };
}

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

type StoreEnv = { DATA_DIR: string; DATABASE_URL?: string | undefined; INFLUX_URL?: string | undefined; INFLUX_DATABASE: string; INFLUX_TOKEN?: string | undefined; INFLUX_USERNAME?: string | undefined; INFLUX_PASSWORD?: string | undefined; INFLUX_ROLLUP_RETENTION_POLICY?: string | undefined };

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
    ...(env.INFLUX_ROLLUP_RETENTION_POLICY ? { rollupRetentionPolicy: env.INFLUX_ROLLUP_RETENTION_POLICY } : {}),
  };
}

/** A readable description of where a store is, without credentials. */
export function describeStore(config: StateStoreConfig | TelemetryStoreConfig): string {
  switch (config.kind) {
    case 'duckdb':
      return `DuckDB ${config.path}`;
    case 'influxdb':
      return `InfluxDB ${config.url} database ${config.database}${config.rollupRetentionPolicy ? ` (rollups in retention policy ${config.rollupRetentionPolicy})` : ''}`;
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

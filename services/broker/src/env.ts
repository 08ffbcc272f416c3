import fs from 'node:fs';
import type { StateStoreConfig } from '@mueang/storage';
import path from 'node:path';
import type { ServiceAccount } from './service-accounts.ts';

/** The standalone broker's configuration, read from the environment. */
export interface BrokerEnv {
  host: string;
  mqttPort: number;
  /** undefined when MQTT_WS_PORT=off */
  wsPort: number | undefined;
  /** MQTT over TLS when MQTT_TLS_CERT and MQTT_TLS_KEY are set (port MQTT_TLS_PORT, default 8883) */
  tls: { port: number; cert: Buffer; key: Buffer } | undefined;
  stateStore: StateStoreConfig;
  serviceAccounts: ServiceAccount[];
  redisUrl: string | undefined;
  registryCacheTtlMs: number | undefined;
  logLevel: string;
  /** not fatal, worth a log line (e.g. short service passwords) */
  warnings: string[];
}

export class BrokerEnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Broker configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'BrokerEnvError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const MIN_SERVICE_PASSWORD = 16;

function port(name: string, raw: string | undefined, fallback: number, problems: string[]): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    problems.push(`${name}=${JSON.stringify(raw)}: must be a port number between 0 and 65535 (0 = any free port)`);
    return fallback;
  }
  return value;
}

/** "ingest:secret,alerts:secret" (a password may contain ':' but not ','); never echoes passwords */
export function parseServiceAccounts(raw: string | undefined): { accounts: ServiceAccount[]; problems: string[]; warnings: string[] } {
  const accounts: ServiceAccount[] = [];
  const problems: string[] = [];
  const warnings: string[] = [];
  const entries = (raw ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '');
  entries.forEach((entry, i) => {
    const colon = entry.indexOf(':');
    const username = colon > 0 ? entry.slice(0, colon) : '';
    const password = colon > 0 ? entry.slice(colon + 1) : '';
    if (colon <= 0 || password === '') {
      problems.push(`SERVICE_ACCOUNTS entry ${i + 1}: expected name:password (for example ingest:<long random password>)`);
      return;
    }
    if (accounts.some((a) => a.username === username)) {
      problems.push(`SERVICE_ACCOUNTS entry ${i + 1}: account "${username}" is listed twice`);
      return;
    }
    if (password.length < MIN_SERVICE_PASSWORD) {
      warnings.push(`SERVICE_ACCOUNTS: the password of "${username}" is shorter than ${MIN_SERVICE_PASSWORD} characters; use a long random one`);
    }
    accounts.push({ username, password });
  });
  return { accounts, problems, warnings };
}

function stateStore(raw: string | undefined, dataDir: string): StateStoreConfig {
  if (raw === undefined || raw.trim() === '') return { kind: 'pglite', dataDir: path.resolve(dataDir, 'state') };
  if (/^postgres(ql)?:\/\//.test(raw)) return { kind: 'postgres', url: raw };
  if (raw === 'memory:') return { kind: 'pglite' };
  return { kind: 'pglite', dataDir: path.resolve(raw) };
}

/**
 * MQTT_PORT (1883), MQTT_WS_PORT (8083, or "off"), HOST (0.0.0.0), STATE_STORE (postgres:// URL,
 * a PGlite data directory, or "memory:"; default DATA_DIR/state), SERVICE_ACCOUNTS
 * (name:password,...), REDIS_URL, REGISTRY_CACHE_TTL_MS, LOG_LEVEL (info).
 * Throws BrokerEnvError listing every problem.
 */
export function loadBrokerEnv(env: NodeJS.ProcessEnv = process.env): BrokerEnv {
  const problems: string[] = [];
  const mqttPort = port('MQTT_PORT', env.MQTT_PORT, 1883, problems);
  const wsRaw = env.MQTT_WS_PORT?.trim().toLowerCase();
  const wsPort = wsRaw === 'off' || wsRaw === 'none' ? undefined : port('MQTT_WS_PORT', env.MQTT_WS_PORT, 8083, problems);
  if (wsPort !== undefined && wsPort !== 0 && wsPort === mqttPort) problems.push(`MQTT_WS_PORT=${wsPort}: is also MQTT_PORT; choose another port (or "off")`);

  const accounts = parseServiceAccounts(env.SERVICE_ACCOUNTS);
  problems.push(...accounts.problems);

  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) problems.push('REDIS_URL: must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379');

  let registryCacheTtlMs: number | undefined;
  if (env.REGISTRY_CACHE_TTL_MS !== undefined && env.REGISTRY_CACHE_TTL_MS.trim() !== '') {
    registryCacheTtlMs = Number(env.REGISTRY_CACHE_TTL_MS);
    if (!Number.isInteger(registryCacheTtlMs) || registryCacheTtlMs < 0) {
      problems.push(`REGISTRY_CACHE_TTL_MS=${JSON.stringify(env.REGISTRY_CACHE_TTL_MS)}: must be a whole number of milliseconds, 0 or more`);
    }
  }

  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL=${JSON.stringify(logLevel)}: use one of ${LOG_LEVELS.join(', ')}`);

  const certFile = env.MQTT_TLS_CERT?.trim() || undefined;
  const keyFile = env.MQTT_TLS_KEY?.trim() || undefined;
  let tls: BrokerEnv['tls'];
  if ((certFile === undefined) !== (keyFile === undefined)) problems.push('MQTT_TLS_CERT and MQTT_TLS_KEY: set both (PEM files) to enable MQTT over TLS, or neither');
  else if (certFile && keyFile) {
    const tlsPort = port('MQTT_TLS_PORT', env.MQTT_TLS_PORT, 8883, problems);
    try {
      tls = { port: tlsPort, cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) };
    } catch (err) {
      problems.push(`MQTT_TLS_CERT/MQTT_TLS_KEY: cannot read ${(err as NodeJS.ErrnoException).path ?? 'the file'} (${(err as NodeJS.ErrnoException).code ?? 'error'}); give readable PEM files`);
    }
  }

  const host = env.HOST?.trim() || '0.0.0.0';
  if (problems.length > 0) throw new BrokerEnvError(problems);
  const warnings = [...accounts.warnings];
  if (accounts.accounts.length === 0) warnings.push('SERVICE_ACCOUNTS is empty: no platform service (ingest, alerts) can read device data');
  return {
    host,
    mqttPort,
    wsPort,
    tls,
    // DATABASE_URL is what every other service reads; STATE_STORE stays for a PGlite directory or memory:
    stateStore: stateStore(env.STATE_STORE?.trim() || env.DATABASE_URL, env.DATA_DIR?.trim() || './data'),
    serviceAccounts: accounts.accounts,
    redisUrl,
    registryCacheTtlMs,
    logLevel,
    warnings,
  };
}

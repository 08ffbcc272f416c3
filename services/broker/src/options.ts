import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { DeviceRegistry } from './device-cache.ts';
import { BrokerConfigError } from './errors.ts';
import type { LoginLimitOptions } from './login-limiter.ts';
import type { RedisOptions } from './redis.ts';
import type { ServiceAccount } from './service-accounts.ts';

export interface BrokerOptions {
  /** device lookup; the StateStore satisfies it */
  registry: DeviceRegistry;
  /** platform services (ingest, alerts, ...): full access except publishing to $SYS */
  serviceAccounts: ServiceAccount[];
  /** interface to bind (default '0.0.0.0') */
  host?: string;
  /** MQTT over TCP; 0 = a free port */
  mqttPort: number;
  /** MQTT over WebSocket; 0 = a free port, undefined = no WebSocket listener */
  wsPort?: number;
  /** MQTT over TLS (mqtts://) on this port with this PEM key and certificate; off when undefined */
  tls?: { port: number; key: string | Buffer; cert: string | Buffer };
  logger?: Logger;
  /** shared Redis for durable QoS 1 sessions, retained messages and several broker nodes */
  redis?: RedisOptions;
  /** how long a device read from the registry is trusted (default 30 000 ms; 0 = always re-read) */
  registryCacheTtlMs?: number;
  /** successful secret verifications remembered at most (default 10 000) */
  verifiedSecretCacheSize?: number;
  /** failed-login limiter per client address */
  loginLimit?: LoginLimitOptions;
  /** Prometheus registry to register the broker's metrics in (default: a new one) */
  metricsRegistry?: Registry;
  /** Aedes broker id (default: random); shown in $SYS topics */
  brokerId?: string;
  /** ms to wait for CONNECT after a socket opens (default 10 000) */
  connectTimeoutMs?: number;
}

const isPort = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65535;
const isNonNegativeInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isPositiveInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** Check options up front and report every problem at once, each naming the option. */
export function validateBrokerOptions(options: BrokerOptions): void {
  const problems: string[] = [];
  const o = (options ?? {}) as Partial<BrokerOptions>;
  if (typeof o.registry?.getDevice !== 'function') problems.push('registry: must be an object with getDevice(id) (for example the StateStore)');
  if (!Array.isArray(o.serviceAccounts)) {
    problems.push('serviceAccounts: must be an array of { username, password } (may be empty)');
  } else {
    const seen = new Set<string>();
    o.serviceAccounts.forEach((account, i) => {
      const username = (account as Partial<ServiceAccount> | undefined)?.username;
      const password = (account as Partial<ServiceAccount> | undefined)?.password;
      if (typeof username !== 'string' || username === '') problems.push(`serviceAccounts[${i}].username: must be a non-empty string`);
      else if (seen.has(username)) problems.push(`serviceAccounts[${i}].username: "${username}" is listed twice`);
      else seen.add(username);
      if (typeof password !== 'string' || password === '') problems.push(`serviceAccounts[${i}].password: must be a non-empty string`);
    });
  }
  if (o.host !== undefined && (typeof o.host !== 'string' || o.host === '')) problems.push('host: must be a non-empty interface address such as 0.0.0.0 or 127.0.0.1');
  if (!isPort(o.mqttPort)) problems.push(`mqttPort: ${JSON.stringify(o.mqttPort)} is not a port (0-65535; 0 = any free port)`);
  if (o.tls !== undefined && (!isPort(o.tls.port) || !o.tls.key || !o.tls.cert)) problems.push('tls: needs { port (0-65535), key, cert } with the PEM key and certificate');
  if (o.wsPort !== undefined && !isPort(o.wsPort)) problems.push(`wsPort: ${JSON.stringify(o.wsPort)} is not a port (0-65535; 0 = any free port; leave undefined for no WebSocket listener)`);
  if (isPort(o.mqttPort) && o.mqttPort !== 0 && o.wsPort === o.mqttPort) problems.push(`wsPort: ${o.wsPort} is also mqttPort; give the WebSocket listener its own port`);
  if (o.redis !== undefined && (typeof o.redis?.url !== 'string' || !/^rediss?:\/\//.test(o.redis.url))) problems.push('redis.url: must be a redis:// or rediss:// URL');
  if (o.redis?.offlineMessageTtlS !== undefined && !isPositiveInt(o.redis.offlineMessageTtlS)) problems.push('redis.offlineMessageTtlS: must be a whole number of seconds above 0');
  if (o.registryCacheTtlMs !== undefined && !isNonNegativeInt(o.registryCacheTtlMs)) problems.push('registryCacheTtlMs: must be a whole number of milliseconds, 0 or more');
  if (o.verifiedSecretCacheSize !== undefined && !isPositiveInt(o.verifiedSecretCacheSize)) problems.push('verifiedSecretCacheSize: must be a whole number above 0');
  if (o.connectTimeoutMs !== undefined && !isPositiveInt(o.connectTimeoutMs)) problems.push('connectTimeoutMs: must be a whole number of milliseconds above 0');
  const limit = o.loginLimit;
  if (limit !== undefined) {
    for (const key of ['maxFailures', 'windowMs', 'blockMs', 'maxAddresses'] as const) {
      if (limit[key] !== undefined && !isPositiveInt(limit[key])) problems.push(`loginLimit.${key}: must be a whole number above 0`);
    }
  }
  if (problems.length > 0) throw new BrokerConfigError(problems);
}

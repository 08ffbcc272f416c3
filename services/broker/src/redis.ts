import aedesPersistenceRedis from 'aedes-persistence-redis';
import MQEmitterRedis from 'mqemitter-redis';
import net from 'node:net';
import type { Logger } from 'pino';
import { BrokerConfigError, RedisUnavailableError } from './errors.ts';

export interface RedisOptions {
  /** redis://[user:password@]host[:port][/db] or rediss:// for TLS */
  url: string;
  /** offline QoS 1 messages kept per session for at most this many seconds (default: no limit) */
  offlineMessageTtlS?: number;
}

interface RedisConnection {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: object;
}

/** Aedes persistence (sessions, retained, wills) and emitter (messages between nodes) on Redis. */
export interface RedisBackends {
  persistence: ReturnType<typeof aedesPersistenceRedis>;
  mq: ReturnType<typeof MQEmitterRedis>;
  /** the persistence's connections; Aedes closes the emitter itself */
  destroyPersistence(): Promise<void>;
}

export function parseRedisUrl(url: string): RedisConnection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BrokerConfigError([`redis.url: "${url.replace(/\/\/[^@/]*@/, '//***@')}" is not a URL; expected redis://host:6379 or rediss://user:password@host:6380/0`]);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new BrokerConfigError([`redis.url: scheme "${parsed.protocol}" is not supported; use redis:// (or rediss:// for TLS)`]);
  }
  const dbText = parsed.pathname.replace(/^\//, '');
  const db = dbText === '' ? undefined : Number(dbText);
  if (db !== undefined && (!Number.isInteger(db) || db < 0)) {
    throw new BrokerConfigError([`redis.url: database "${dbText}" must be a number such as /0`]);
  }
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db === undefined ? {} : { db }),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** fail fast with a clear message: ioredis would otherwise retry forever while Aedes waits */
function probe(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const fail = (reason: string) => {
      socket.destroy();
      reject(new RedisUnavailableError(`${host}:${port}`, reason));
    };
    socket.setTimeout(timeoutMs, () => fail(`no answer within ${timeoutMs} ms`));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
  });
}

export async function createRedisBackends(options: RedisOptions, concurrency: number, log: Logger): Promise<RedisBackends> {
  const connection = parseRedisUrl(options.url);
  await probe(connection.host, connection.port, 3000);
  const ttl = options.offlineMessageTtlS;
  const persistence = aedesPersistenceRedis({ ...connection, ...(ttl ? { packetTTL: () => ttl } : {}) });
  // matchEmptyLevels as Aedes' default emitter: "a/#" also matches "a" [MQTT-4.7.1-3]
  const mq = MQEmitterRedis({ ...connection, concurrency, matchEmptyLevels: true });
  (mq as unknown as { state: NodeJS.EventEmitter }).state.on('error', (err: Error) => log.error({ err }, 'redis emitter error'));
  let destroyed = false;
  return {
    persistence,
    mq,
    destroyPersistence: async () => {
      if (destroyed) return;
      destroyed = true;
      await persistence.destroy().catch((err: unknown) => log.warn({ err }, 'closing the redis persistence failed'));
    },
  };
}

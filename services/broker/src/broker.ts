import { Aedes, type AedesOptions, type Client } from 'aedes';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { Registry } from 'prom-client';
import { listenForRegistryEvents } from './registry-events.ts';
import { ClientIds } from './client-ids.ts';
import { DeviceCache } from './device-cache.ts';
import { createAuthenticate } from './handlers/authenticate.ts';
import { createAuthorizeForward } from './handlers/authorize-forward.ts';
import { createAuthorizePublish } from './handlers/authorize-publish.ts';
import { createAuthorizeSubscribe } from './handlers/authorize-subscribe.ts';
import { createPreConnect, PendingWills } from './handlers/pre-connect.ts';
import { DeviceStatusTracker } from './handlers/status.ts';
import { listenTcp, listenTls, listenWebSocket, type Listener } from './listeners.ts';
import { LoginLimiter } from './login-limiter.ts';
import { createBrokerMetrics } from './metrics.ts';
import { createMemoryPersistence } from './memory-persistence.ts';
import { validateBrokerOptions, type BrokerOptions } from './options.ts';
import { Principals } from './principal.ts';
import { createRedisBackends, type RedisBackends } from './redis.ts';
import { ServiceAccounts } from './service-accounts.ts';
import { OtherNodeTakeovers } from './takeovers.ts';
import { VerifiedSecrets } from './verified-secrets.ts';

export interface BrokerHealth {
  ok: boolean;
  /** established MQTT connections */
  clients: number;
  uptimeS: number;
}

export interface BrokerHandle {
  readonly aedes: Aedes;
  /** the bound TCP port (the real one when 0 was asked for) */
  readonly mqttPort: number;
  /** the bound WebSocket port, null without a WebSocket listener */
  readonly wsPort: number | null;
  /** mqtt://host:port for clients on this machine */
  readonly url: string;
  /** ws://host:port/mqtt, null without a WebSocket listener */
  readonly wsUrl: string | null;
  /** mqtts://host:port, null without a TLS listener */
  readonly tlsUrl: string | null;
  /** the broker's Prometheus metrics (serve with registry.metrics()) */
  readonly metrics: Registry;
  health(): BrokerHealth;
  /** close every connection of the device (e.g. after revoking it); resolves to how many */
  disconnectDevice(deviceId: string): Promise<number>;
  /** forget the cached registry entry and verified secrets, so a rotated or revoked secret fails at the next login */
  invalidateDevice(deviceId: string): void;
  /** devices go offline, listeners and connections close, the broker stops; idempotent */
  close(): Promise<void>;
}

const DEFAULT_CONCURRENCY = 100;
/**
 * Messages the in-process emitter (mqemitter) relays at once; 0 = no limit. Aedes acknowledges a
 * QoS 1 PUBLISH before relaying it and parses a whole socket read at once, so with a limit the
 * rest wait in mqemitter's array, whose shift() copies the array once it is large: 54 % of the
 * broker's CPU at 1,000. Measured with `npm run bench` (issue 7, 200 devices, 2,000 in flight):
 * Aedes' default 100 -> 1,000 doubled the platform's rate on a loaded machine (~1,450 -> ~2,900
 * readings/s); 1,000 -> no limit: broker ceiling 10,084 -> 19,034 msg/s, platform 6,127 -> 9,242
 * readings/s, peak RSS +50 MB. The limit bounded nothing else: what is in flight is still bounded
 * by each client's socket read (Aedes reads on after the batch is relayed) and by the
 * subscribers' socket back-pressure.
 */
const RELAY_CONCURRENCY = 0;

/** Start the MQTT broker: device auth, ACL, device status, TCP and WebSocket listeners, metrics. */
export async function createBroker(options: BrokerOptions): Promise<BrokerHandle> {
  validateBrokerOptions(options);
  const log = (options.logger ?? pino({ level: 'warn' })).child({ component: 'broker' });
  const host = options.host ?? '0.0.0.0';
  const registry = options.metricsRegistry ?? new Registry();

  const principals = new Principals();
  const clientIds = new ClientIds();
  const wills = new PendingWills();
  const serviceAccounts = new ServiceAccounts(options.serviceAccounts);
  let aedes: Aedes | undefined;
  let status: DeviceStatusTracker | undefined;
  const metrics = createBrokerMetrics(registry, {
    connectedClients: () => aedes?.connectedClients ?? 0,
    connectedDevices: () => status?.connectedDevices ?? 0,
  });
  const devices = new DeviceCache(options.registry, options.registryCacheTtlMs ?? 30_000);
  const verifiedSecrets = new VerifiedSecrets(options.verifiedSecretCacheSize ?? 10_000);

  const brokerId = options.brokerId ?? randomUUID();
  const takeovers = new OtherNodeTakeovers(brokerId, (clientId) => clientIds.holder(clientId) !== undefined);

  let redis: RedisBackends | undefined;
  const listeners: Listener[] = [];
  let tlsListener: Listener | undefined;
  try {
    if (options.redis) {
      redis = await createRedisBackends(options.redis, DEFAULT_CONCURRENCY, log);
      takeovers.listen(redis.mq);
    }
    const aedesOptions: AedesOptions = {
      id: brokerId,
      // without Redis: Aedes' in-memory persistence with O(1) outgoing queues (memory-persistence.ts)
      ...(redis ? { persistence: redis.persistence, mq: redis.mq } : { persistence: createMemoryPersistence() }),
      concurrency: RELAY_CONCURRENCY,
      connectTimeout: options.connectTimeoutMs ?? 10_000,
      preConnect: createPreConnect(wills, (username) => serviceAccounts.has(username)),
      // device client ids are namespaced as {deviceId}/{clientId} (see deviceClientId); MQTT 3.1 allowed 23 characters
      maxClientsIdLength: 64 + 1 + 23,
      authenticate: createAuthenticate({
        principals,
        serviceAccounts,
        devices,
        verifiedSecrets,
        limiter: new LoginLimiter(options.loginLimit),
        wills,
        clientIds,
        onSessionTakeover: (old) => status?.markReplaced(old),
        metrics,
        log,
      }),
      authorizePublish: createAuthorizePublish({ principals, metrics, log }),
      authorizeSubscribe: createAuthorizeSubscribe({ principals, metrics, log }),
      authorizeForward: createAuthorizeForward(principals),
    };
    aedes = await Aedes.createBroker(aedesOptions);
    const broker = aedes;
    status = new DeviceStatusTracker(broker, principals, metrics, log, (clientId) => takeovers.consume(clientId));
    wireEvents(broker, clientIds, log);

    listeners.push(await listenTcp(broker, options.mqttPort, host, log));
    if (options.wsPort !== undefined) listeners.push(await listenWebSocket(broker, options.wsPort, host, log));
    if (options.tls) tlsListener = await listenTls(broker, options.tls.port, host, options.tls, log);
  } catch (err) {
    await tlsListener?.close();
    await Promise.all(listeners.map((l) => l.close()));
    const started = aedes;
    if (started) await new Promise<void>((resolve) => started.close(() => resolve()));
    else redis?.mq.close(() => undefined);
    await redis?.destroyPersistence();
    // a caller's registry must be reusable for the next attempt
    for (const metric of Object.values(metrics)) registry.removeSingleMetric((metric as unknown as { name: string }).name);
    throw err;
  }

  const broker = aedes;
  const tracker = status;
  const [tcp, ws] = listeners as [Listener, Listener | undefined];
  const clientHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const startedAt = Date.now();
  let closing: Promise<void> | undefined;

  const handle: BrokerHandle = {
    aedes: broker,
    mqttPort: tcp.port,
    wsPort: ws?.port ?? null,
    url: `mqtt://${clientHost}:${tcp.port}`,
    wsUrl: ws ? `ws://${clientHost}:${ws.port}/mqtt` : null,
    tlsUrl: tlsListener ? `mqtts://${clientHost}:${tlsListener.port}` : null,
    metrics: registry,
    health: () => ({
      ok: closing === undefined && !broker.closed,
      clients: broker.connectedClients,
      uptimeS: Math.floor((Date.now() - startedAt) / 1000),
    }),
    disconnectDevice: async (deviceId) => {
      const ofDevice = (client: Client) => {
        const principal = principals.get(client);
        return principal?.kind === 'device' && principal.deviceId === deviceId;
      };
      // ready connections and those still setting up their session
      const clients = new Set([...tracker.clientsOf(deviceId), ...clientIds.all().filter(ofDevice)]);
      await Promise.all([...clients].map((client) => new Promise<void>((resolve) => client.close(() => resolve()))));
      if (clients.size > 0) log.info({ deviceId, connections: clients.size }, 'device disconnected by the platform');
      return clients.size;
    },
    invalidateDevice: (deviceId) => {
      devices.invalidate(deviceId);
      verifiedSecrets.invalidateDevice(deviceId);
    },
    close: () => {
      closing ??= (async () => {
        await tracker.publishOfflineForAll();
        const listenersClosed = Promise.all([...listeners, ...(tlsListener ? [tlsListener] : [])].map((l) => l.close()));
        await new Promise<void>((resolve) => broker.close(() => resolve()));
        await listenersClosed;
        await redis?.destroyPersistence();
        log.info('mqtt broker stopped');
      })();
      return closing;
    },
  };
  await listenForRegistryEvents(broker, handle, log);
  log.info({ mqtt: handle.url, ws: handle.wsUrl, redis: redis !== undefined, brokerId: broker.id }, 'mqtt broker listening');
  return handle;
}

function wireEvents(aedes: Aedes, clientIds: ClientIds, log: pino.Logger): void {
  aedes.on('client', (client) => clientIds.register(client));
  aedes.on('clientDisconnect', (client) => clientIds.unregister(client));
  // without a listener an 'error' (e.g. persistence failure) would crash the process
  (aedes as NodeJS.EventEmitter).on('error', (err: Error) => log.error({ err }, 'mqtt broker error'));
  aedes.on('clientError', (client, err) => log.debug({ clientId: client.id, err: err.message }, 'mqtt client error'));
  aedes.on('connectionError', (client, err) => log.debug({ clientId: client.id, err: err.message }, 'mqtt connection error'));
  aedes.on('keepaliveTimeout', (client) => log.debug({ clientId: client.id }, 'mqtt keepalive timeout'));
}

import { openStateStore, type StateStore } from '@mueang/storage';
import pino from 'pino';
import { createBroker, type BrokerHandle } from './broker.ts';
import { BrokerEnvError, loadBrokerEnv, type BrokerEnv } from './env.ts';
import { BrokerConfigError, ListenError, PortInUseError, RedisUnavailableError } from './errors.ts';

/** Run the broker alone (docker-compose, or next to other services): configuration from the environment. */
async function main(): Promise<void> {
  let env: BrokerEnv;
  try {
    env = loadBrokerEnv();
  } catch (err) {
    if (err instanceof BrokerEnvError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = pino({ name: 'mueang-broker', level: env.logLevel, redact: ['password', '*.password', 'secret', '*.secret'] });
  for (const warning of env.warnings) log.warn(warning);

  let store: StateStore | undefined;
  let broker: BrokerHandle | undefined;
  try {
    store = await openStateStore(env.stateStore, { logger: log });
    broker = await createBroker({
      registry: store,
      serviceAccounts: env.serviceAccounts,
      host: env.host,
      mqttPort: env.mqttPort,
      ...(env.wsPort === undefined ? {} : { wsPort: env.wsPort }),
      ...(env.tls ? { tls: env.tls } : {}),
      ...(env.redisUrl ? { redis: { url: env.redisUrl } } : {}),
      ...(env.registryCacheTtlMs === undefined ? {} : { registryCacheTtlMs: env.registryCacheTtlMs }),
      logger: log,
    });
  } catch (err) {
    await store?.close().catch(() => undefined);
    const known = err instanceof PortInUseError || err instanceof ListenError || err instanceof BrokerConfigError || err instanceof RedisUnavailableError;
    if (known) log.fatal(err.message);
    else log.fatal({ err }, 'broker failed to start');
    process.exit(1);
  }

  log.info(
    { host: env.host, mqttPort: broker.mqttPort, wsPort: broker.wsPort ?? 'off', url: broker.url, wsUrl: broker.wsUrl, stateStore: env.stateStore.kind, redis: env.redisUrl !== undefined },
    'broker ready',
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping broker');
    // a stuck connection must not keep the process alive forever
    setTimeout(() => {
      log.error('broker did not stop within 10 s; exiting');
      process.exit(1);
    }, 10_000).unref();
    void (async () => {
      await broker!.close();
      await store!.close();
      process.exit(0);
    })().catch((err: unknown) => {
      log.error({ err }, 'error while stopping the broker');
      process.exit(1);
    });
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

await main();

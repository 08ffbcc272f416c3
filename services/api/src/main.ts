import { ConfigError, describeStore, onShutdown } from '@mueang/runtime';
import { openStateStore, openTelemetryStore } from '@mueang/storage';
import pino from 'pino';
import { createApi } from './app.ts';
import { consoleOptions, loadApiConfig, type ApiConfig } from './config.ts';
import { MqttRegistryEvents } from './registry-events.ts';

/** Run the API alone (docker-compose); configuration from the environment (config.ts). */
async function main(): Promise<void> {
  let config: ApiConfig;
  try {
    config = loadApiConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  const { env } = config;
  const log = pino({ name: 'mueang-api', level: env.LOG_LEVEL, redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'password', '*.password'] });
  const state = await openStateStore(config.state, { logger: log });
  const telemetry = await openTelemetryStore(config.telemetry);
  const registryEvents = env.MQTT_URL && env.MQTT_PASSWORD ? new MqttRegistryEvents({ url: env.MQTT_URL, username: env.MQTT_USERNAME, password: env.MQTT_PASSWORD, logger: log }) : undefined;
  if (!registryEvents) log.warn('MQTT_URL is not set: device rotations and revocations reach the broker only after its cache TTL, and rollup rebuilds cannot be requested');
  const app = await createApi({
    state,
    telemetry,
    logger: log,
    registryEvents,
    ingestControl: registryEvents,
    cors: config.corsOrigins ? { origins: config.corsOrigins } : false,
    rateLimit: env.RATE_LIMIT_PER_MINUTE > 0 ? { max: env.RATE_LIMIT_PER_MINUTE, timeWindowMs: 60_000 } : false,
    publicRateLimit: env.PUBLIC_RATE_LIMIT_PER_MINUTE > 0 ? { max: env.PUBLIC_RATE_LIMIT_PER_MINUTE, timeWindowMs: 60_000 } : false,
    bootstrapAdminKey: env.API_ADMIN_KEY,
    mqttPublicUrl: env.MQTT_PUBLIC_URL,
    trustProxy: env.TRUST_PROXY,
    https: config.https ?? undefined,
    console: consoleOptions(env),
  });
  try {
    await app.listen({ host: env.HOST, port: env.HTTP_PORT });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      log.fatal(`HTTP_PORT ${env.HTTP_PORT} is taken by another program; set HTTP_PORT to a free port`);
      process.exit(2);
    }
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : env.HTTP_PORT;
  const scheme = config.https ? 'https' : 'http';
  if (config.https) {
    log.info({ subject: config.https.subject, validTo: new Date(config.https.validTo).toISOString() }, 'serving HTTPS');
    if (config.https.validTo < Date.now()) log.warn({ validTo: new Date(config.https.validTo).toISOString() }, 'the HTTPS certificate (HTTPS_CERT) has expired: clients will refuse it; renew it');
  }
  log.info({ port, scheme, docs: `${scheme}://localhost:${port}/docs`, state: describeStore(config.state), telemetry: describeStore(config.telemetry), broker: env.MQTT_URL ?? null }, 'api ready');
  onShutdown(log, async () => {
    await app.close();
    await registryEvents?.close();
    await telemetry.close();
    await state.close();
  });
}

await main();

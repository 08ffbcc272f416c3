import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import { alertRepository, type AlertRepository, type StateStore, type TelemetryStore } from '@mueang/storage';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { assessmentRoutes } from './assessment/index.ts';
import { AuditTrail } from './audit/trail.ts';
import { requireCity, requireRole } from './auth/guards.ts';
import { consoleApiRoutes, consoleStaticRoutes, type ConsoleOptions } from './console/index.ts';
import { ApiError, frameworkErrorHandler } from './errors.ts';
import { typeListNullables } from './schemas/nullable.ts';
import { authenticateHook, cityScopeHook, installAuthDecorators } from './plugins/auth.ts';
import { registerDocs } from './plugins/docs.ts';
import { countUnroutedResponse, installMetrics } from './plugins/metrics.ts';
import { installProblems } from './plugins/problem.ts';
import { installValidators } from './plugins/validators.ts';
import { rollupRoutes } from './routes/rollups.ts';
import { noRegistryEvents, type IngestControl, type RegistryEvents } from './registry-events.ts';
import { aqiRoutes } from './routes/data/aqi.ts';
import { completenessRoutes } from './routes/data/completeness.ts';
import { deadLetterRoutes } from './routes/data/dead-letters.ts';
import { exportRoutes } from './routes/data/exports.ts';
import { readingRoutes } from './routes/data/readings.ts';
import { alertRoutes } from './routes/alerts.ts';
import { auditRoutes } from './routes/audit.ts';
import { keyRoutes } from './routes/keys.ts';
import { openDataRoutes, type OpenDataLicense } from './routes/open-data/index.ts';
import { cityRoutes } from './routes/registry/cities.ts';
import { deviceRoutes } from './routes/registry/devices.ts';
import { siteRoutes } from './routes/registry/sites.ts';
import { systemRoutes } from './routes/system.ts';
import './auth/fastify-types.ts';

export const API_VERSION = '0.1.0';

/** One registered route: what the route-matrix tests walk so that no route is forgotten. */
export interface RouteSummary {
  method: string;
  url: string;
  access: string;
  /** has a schema and appears in the OpenAPI document */
  documented: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** every route registered on the API, in registration order */
    readonly apiRoutes: readonly RouteSummary[];
  }
}

export interface RateLimitOptions {
  /** requests per window */
  max: number;
  timeWindowMs: number;
}

export interface CorsOptions {
  /** allowed origins for the authenticated API ('*' = any); the open-data API always allows any origin */
  origins: string[] | '*';
}

export interface CreateApiOptions {
  state: StateStore;
  telemetry: TelemetryStore;
  /** pino logger; omitted = no request logs */
  logger?: Logger | undefined;
  /** alert lifecycle store (default: the alert tables of the StateStore) */
  alerts?: AlertRepository | undefined;
  /** the operator console served at / (services/api/src/console): map tiles, live alert polling */
  console?: ConsoleOptions | undefined;
  /** announces device changes to the broker (default: nobody listens) */
  registryEvents?: RegistryEvents | undefined;
  /** asks ingest for work over MQTT (rollup rebuilds); default none: POST /v1/rollups/rebuild answers 503 */
  ingestControl?: IngestControl | undefined;
  /** CORS for the authenticated API; default: no cross-origin access */
  cors?: CorsOptions | false | undefined;
  /** per API key on /v1 (default 600 per minute; false = off) */
  rateLimit?: RateLimitOptions | false | undefined;
  /** per client address on the open-data API (default 60 per minute; false = off) */
  publicRateLimit?: RateLimitOptions | false | undefined;
  /** where the request metrics go (default: a new registry, served at /metrics) */
  metricsRegistry?: Registry | undefined;
  /** API_ADMIN_KEY: an all-cities admin key held in memory only, to create the first stored keys */
  bootstrapAdminKey?: string | undefined;
  /** broker address shown to devices with their credentials */
  mqttPublicUrl?: string | undefined;
  /** licence of the open data (default CC BY 4.0) */
  openDataLicense?: OpenDataLicense | undefined;
  /** the clock; tests pin it (default Date.now) */
  now?: (() => number) | undefined;
  /** trust X-Forwarded-For from a reverse proxy for client addresses (default false) */
  trustProxy?: boolean | undefined;
  /** serve HTTPS with this PEM certificate (chain) and key (HTTPS_CERT / HTTPS_KEY, read by httpsConfig of @mueang/runtime); default plain HTTP */
  https?: HttpsOptions | undefined;
}

export interface HttpsOptions {
  cert: string | Buffer;
  key: string | Buffer;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { max: 600, timeWindowMs: 60_000 };
export const DEFAULT_PUBLIC_RATE_LIMIT: RateLimitOptions = { max: 60, timeWindowMs: 60_000 };
/** request bodies are small registry records; anything larger is a mistake or an attack */
export const BODY_LIMIT_BYTES = 64 * 1024;

function rateLimitError(scope: string) {
  return (_request: FastifyRequest, context: { max: number; after: string }) =>
    new ApiError(429, `Rate limit of ${context.max} requests per window reached for this ${scope}; retry in ${context.after}.`, { type: 'rate-limited' });
}

function checkOptions(options: CreateApiOptions): void {
  const problems: string[] = [];
  if (typeof options?.state?.findApiKeyByHash !== 'function') problems.push('state: a StateStore is required (openStateStore from @mueang/storage)');
  if (typeof options?.telemetry?.queryRaw !== 'function') problems.push('telemetry: a TelemetryStore is required (openTelemetryStore from @mueang/storage)');
  if (options?.bootstrapAdminKey !== undefined && options.bootstrapAdminKey.length < 32) problems.push('bootstrapAdminKey (API_ADMIN_KEY): use at least 32 random characters');
  for (const [name, limit] of [['rateLimit', options?.rateLimit], ['publicRateLimit', options?.publicRateLimit]] as const) {
    if (limit && (!(limit.max >= 1) || !(limit.timeWindowMs >= 1))) problems.push(`${name}: max and timeWindowMs must be positive numbers (or false to turn it off)`);
  }
  if (problems.length > 0) throw new Error(`createApi: ${problems.join('; ')}`);
}

/**
 * The API as a Fastify instance, ready for inject() or listen(); routes:
 * /health, /metrics, /docs (+ /docs/json), /v1/** (API key), /open/v1/** (public open data).
 */
export async function createApi(options: CreateApiOptions): Promise<FastifyInstance> {
  checkOptions(options);
  const { state, telemetry } = options;
  const now = options.now ?? Date.now;
  const metrics = options.metricsRegistry ?? new Registry();
  // typed as a plain instance: the route plugins bring the TypeBox type provider themselves
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    ...(options.https ? { https: { cert: options.https.cert, key: options.https.key, minVersion: 'TLSv1.2' as const } } : {}),
    // unique across processes and restarts: the audit log keeps it with each change
    genReqId: () => randomUUID(),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: options.trustProxy ?? false,
    routerOptions: { maxParamLength: 200 },
    frameworkErrors: (error, request, reply) => {
      countUnroutedResponse(metrics, request.method, reply);
      frameworkErrorHandler(error, request, reply);
    },
  }) as unknown as FastifyInstance;

  const routes: RouteSummary[] = [];
  app.addHook('onRoute', (route) => {
    const schema = route.schema as { body?: unknown } | undefined;
    if (schema?.body) route.schema = { ...schema, body: typeListNullables(schema.body) } as typeof route.schema;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routes.push({ method, url: route.url, access: route.config?.access ?? (route.url.startsWith('/v1/') ? 'viewer' : 'public'), documented: !(route.schema as { hide?: boolean } | undefined)?.hide && route.schema !== undefined });
  });
  app.decorate('apiRoutes', routes);
  installValidators(app);
  installProblems(app);
  installAuthDecorators(app);
  installMetrics(app, metrics);
  const corsOptions = options.cors;
  await app.register(cors, {
    delegator: (request, callback) => {
      const open = request.url.startsWith('/open/');
      const origin = open ? '*' : corsOptions ? (corsOptions.origins === '*' ? '*' : corsOptions.origins) : false;
      callback(null, { origin, methods: open ? ['GET'] : ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], allowedHeaders: ['Authorization', 'X-API-Key', 'Content-Type'], maxAge: 600 });
    },
  });
  await registerDocs(app, API_VERSION);

  await app.register(systemRoutes, { state, telemetry, metrics });
  await app.register(consoleStaticRoutes, { settings: options.console, now });

  await app.register(
    async (open) => {
      const limit = options.publicRateLimit === undefined ? DEFAULT_PUBLIC_RATE_LIMIT : options.publicRateLimit;
      if (limit) await open.register(rateLimit, { max: limit.max, timeWindow: limit.timeWindowMs, errorResponseBuilder: rateLimitError('client address') });
      await open.register(openDataRoutes, { state, telemetry, now, license: options.openDataLicense });
    },
    { prefix: '/open/v1' },
  );

  await app.register(
    async (v1) => {
      v1.addHook('onRequest', authenticateHook({ state, bootstrapAdminKey: options.bootstrapAdminKey }));
      v1.addHook('preHandler', cityScopeHook);
      const limit = options.rateLimit === undefined ? DEFAULT_RATE_LIMIT : options.rateLimit;
      if (limit) {
        await v1.register(rateLimit, {
          max: limit.max,
          timeWindow: limit.timeWindowMs,
          // after authentication: the limit follows the key, wherever it is used from
          hook: 'preHandler',
          keyGenerator: (request) => (request.principal ? `key:${request.principal.keyId}` : `ip:${request.ip}`),
          errorResponseBuilder: rateLimitError('API key'),
        });
      }
      const registryEvents = options.registryEvents ?? noRegistryEvents;
      const data = { state, telemetry, now };
      const audit = new AuditTrail(state, now);
      await v1.register(keyRoutes, { state, audit });
      await v1.register(cityRoutes, { state, audit });
      await v1.register(siteRoutes, { state, audit });
      await v1.register(deviceRoutes, { state, audit, registryEvents, mqttPublicUrl: options.mqttPublicUrl });
      await v1.register(readingRoutes, data);
      await v1.register(aqiRoutes, data);
      await v1.register(completenessRoutes, data);
      await v1.register(deadLetterRoutes, data);
      await v1.register(exportRoutes, data);
      await v1.register(assessmentRoutes, { telemetry, state, requireCity, requireRole, now, audit });
      await v1.register(alertRoutes, { state, alerts: options.alerts ?? alertRepository(state), now, audit, alertsInStateStore: options.alerts === undefined });
      await v1.register(auditRoutes, { state });
      await v1.register(rollupRoutes, { ingestControl: options.ingestControl ?? null, audit, now });
      await v1.register(consoleApiRoutes, { state, telemetry, now, alerts: options.alerts, alertPollIntervalMs: options.console?.alertPollIntervalMs, metrics });
    },
    { prefix: '/v1' },
  );

  return app;
}

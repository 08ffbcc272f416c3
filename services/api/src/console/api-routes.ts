import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { alertRepository, type AlertRepository, type StateStore, type TelemetryStore } from '@mueang/storage';
import type { Registry } from 'prom-client';
import { loadCity } from '../routes/registry/cities.ts';
import { loadDevice } from '../routes/registry/devices.ts';
import { CityParams, READ_PROBLEMS, problems } from '../schemas/common.ts';
import { AlertFeed } from './alert-feed.ts';
import { alertStreamRoutes } from './alert-stream.ts';
import { SiteStatusOut, TrendOut, TrendParams, TrendQuery } from './schemas.ts';
import { computeSiteStatus } from './site-status.ts';
import { computeTrend, type TrendRange } from './trend.ts';

export interface ConsoleApiOptions {
  state: StateStore;
  telemetry: TelemetryStore;
  now: () => number;
  /** where alert changes are read from (default: the alerts tables of the StateStore) */
  alerts?: Pick<AlertRepository, 'list'> | undefined;
  /** how often the live alert stream reads the alert store (default 2000 ms) */
  alertPollIntervalMs?: number | undefined;
  /** the API's request metrics (alert streams are counted when they end) */
  metrics?: Registry | undefined;
}

/**
 * The read models the console needs beyond the data routes, inside the authenticated /v1 scope
 * (viewer and above, city scope applies): site status, a station's trend with its standard, and
 * the live alert stream.
 */
export const consoleApiRoutes: FastifyPluginAsyncTypebox<ConsoleApiOptions> = async (app, options) => {
  const { state, telemetry, now } = options;
  const feed = new AlertFeed({ repository: options.alerts ?? alertRepository(state), pollIntervalMs: options.alertPollIntervalMs, now, logger: app.log });
  app.addHook('onClose', async () => feed.close());

  app.get(
    '/cities/:city/site-status',
    {
      schema: {
        tags: ['data'],
        summary: 'Status per site: devices reporting, water class compliance, energy against baseline, bins needing collection',
        description: 'What the console shows per site at a glance; each block states its method. Air quality: GET /v1/cities/{city}/aqi.',
        params: CityParams,
        response: { 200: SiteStatusOut, ...problems(...READ_PROBLEMS) },
      },
    },
    async (request) => {
      const { city } = request.params;
      await loadCity(state, city);
      return computeSiteStatus({ state, telemetry }, city, now());
    },
  );

  app.get(
    '/cities/:city/devices/:device/trend',
    {
      schema: {
        tags: ['data'],
        summary: "A device's hourly means over 24 h, 7 or 30 days, with its standard and the rolling mean the standard judges",
        params: TrendParams,
        querystring: TrendQuery,
        response: { 200: TrendOut, ...problems(...READ_PROBLEMS) },
      },
    },
    async (request) => {
      const { city, device: deviceId } = request.params;
      await loadCity(state, city);
      const device = await loadDevice(state, city, deviceId);
      const site = await state.getSite(device.siteId);
      return computeTrend(telemetry, { city, device, site: site ?? null, range: (request.query.range ?? '24h') as TrendRange, at: now() });
    },
  );

  await app.register(alertStreamRoutes, { state, feed, metrics: options.metrics });
};

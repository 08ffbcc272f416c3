import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DAY_MS, energyAveragedParams } from '@mueang/core';
import { aggregateReadings, type AggregateFunction, type GroupBy, type WindowName } from '../../data/aggregate.ts';
import { iso } from '../../data/format.ts';
import { allParams, parseParamList, resolveRange } from '../../data/query-params.ts';
import { CityParams, READ_PROBLEMS, problems } from '../../schemas/common.ts';
import { AggregateOut, AggregateQuery, LatestOut, LatestQuery, ReadingsOut, ReadingsQuery } from '../../schemas/data.ts';
import { loadCity } from '../registry/cities.ts';
import { checkTagFilter, tagFilter } from './filters.ts';
import type { DataRoutesOptions } from './options.ts';

export const RAW_RANGE = { defaultSpanMs: DAY_MS, maxSpanMs: 31 * DAY_MS };
export const AGGREGATE_RANGE = { defaultSpanMs: DAY_MS, maxSpanMs: 400 * DAY_MS };

/** Raw readings, aggregates (rollups over long ranges) and latest values. Viewer and above. */
export const readingRoutes: FastifyPluginAsyncTypebox<DataRoutesOptions> = async (app, { state, telemetry, now }) => {
  app.get(
    '/cities/:city/readings',
    {
      schema: {
        tags: ['data'],
        summary: 'Raw readings',
        description: 'Readings in canonical units, oldest first. At most 31 days per request (default the last 24 h); `limit` caps the number of readings.',
        params: CityParams,
        querystring: ReadingsQuery,
        response: { 200: ReadingsOut, ...problems(...READ_PROBLEMS) },
      },
    },
    async (request) => {
      const { city } = request.params;
      const q = request.query;
      await loadCity(state, city);
      const range = resolveRange(q, RAW_RANGE, now());
      const params = parseParamList(q.params, q.domain);
      await checkTagFilter(state, city, q, q.domain);
      const limit = q.limit ?? 1000;
      const points = await telemetry.queryRaw({ domain: q.domain, city, ...tagFilter(q), from: range.from, to: range.to, limit, ...(params ? { params } : {}) });
      return {
        city,
        domain: q.domain,
        from: iso(range.from),
        to: iso(range.to),
        count: points.length,
        truncated: points.length >= limit,
        readings: points.map((p) => ({ ts: iso(p.ts), device: p.device, site: p.site, values: p.values })),
      };
    },
  );

  app.get(
    '/cities/:city/readings/aggregate',
    {
      schema: {
        tags: ['data'],
        summary: 'Aggregated readings (window, function, group by device or site)',
        description:
          'Windows 1m/5m/15m/1h are UTC-aligned and computed from raw points; 1h over more than 2 days reads the hourly rollups; ' +
          '1d reads the daily rollups (Asia/Bangkok days whose start lies in the range). At most 400 days and 10 000 windows per request.',
        params: CityParams,
        querystring: AggregateQuery,
        response: { 200: AggregateOut, ...problems(...READ_PROBLEMS) },
      },
    },
    async (request) => {
      const { city } = request.params;
      const q = request.query;
      await loadCity(state, city);
      const range = resolveRange(q, AGGREGATE_RANGE, now());
      const fn = (q.fn ?? 'mean') as AggregateFunction;
      // without params: every parameter, or for fn=leq the sound levels
      const params = parseParamList(q.params, q.domain) ?? (fn === 'leq' ? energyAveragedParams(q.domain) : allParams(q.domain));
      await checkTagFilter(state, city, q, q.domain);
      const window = (q.window ?? '1h') as WindowName;
      const groupBy = (q.groupBy ?? 'device') as GroupBy;
      const result = await aggregateReadings(telemetry, { city, domain: q.domain, params, from: range.from, to: range.to, window, fn, groupBy, device: q.device, site: q.site });
      return {
        city,
        domain: q.domain,
        from: iso(range.from),
        to: iso(range.to),
        window,
        fn,
        groupBy,
        source: result.source,
        rows: result.rows.map((r) => ({ start: iso(r.start), ...(r.tags.device ? { device: r.tags.device } : {}), ...(r.tags.site ? { site: r.tags.site } : {}), values: r.values })),
      };
    },
  );

  app.get(
    '/cities/:city/latest',
    {
      schema: {
        tags: ['data'],
        summary: 'Latest values per device',
        description: 'Per device the newest value of each parameter; `ts` is the newest of them.',
        params: CityParams,
        querystring: LatestQuery,
        response: { 200: LatestOut, ...problems(...READ_PROBLEMS) },
      },
    },
    async (request) => {
      const { city } = request.params;
      const q = request.query;
      await loadCity(state, city);
      await checkTagFilter(state, city, q, q.domain);
      const points = await telemetry.latest({ city, ...tagFilter(q), ...(q.domain ? { domain: q.domain } : {}) });
      return { city, devices: points.map((p) => ({ device: p.device, site: p.site, domain: p.domain, ts: iso(p.ts), values: p.values })) };
    },
  );
};

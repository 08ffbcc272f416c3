import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DAY_MS } from '@mueang/core';
import { Type } from 'typebox';
import { toCsv } from '../../data/csv.ts';
import { iso } from '../../data/format.ts';
import { EXPECTED_INTERVAL_BY_DOMAIN, expectedIntervalMs } from '../../data/expected-interval.ts';
import { toNgsiLd, toNoiseLevelObserved } from '../../data/ngsi-ld.ts';
import { allParams, parseParamList, resolveRange } from '../../data/query-params.ts';
import { CityParams, Domain, ParamsList, READ_PROBLEMS, problems } from '../../schemas/common.ts';
import { RangeQuery, TagQuery } from '../../schemas/data.ts';
import { loadCity } from '../registry/cities.ts';
import { checkTagFilter, tagFilter } from './filters.ts';
import type { DataRoutesOptions } from './options.ts';

export const EXPORT_RANGE = { defaultSpanMs: DAY_MS, maxSpanMs: 31 * DAY_MS };
export const CSV_MAX_ROWS = 100_000;
export const NGSI_MAX_ENTITIES = 10_000;
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8; header=present';
export const NGSI_LD_CONTENT_TYPE = 'application/ld+json';

const CsvQuery = Type.Object(
  {
    domain: Domain,
    ...RangeQuery,
    ...TagQuery,
    params: Type.Optional(ParamsList),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: CSV_MAX_ROWS, default: CSV_MAX_ROWS, description: 'most rows' })),
  },
  { additionalProperties: false },
);

const NgsiQuery = Type.Object(
  {
    domain: Domain,
    ...RangeQuery,
    ...TagQuery,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: NGSI_MAX_ENTITIES, default: 1000, description: 'most entities (time-series mode)' })),
  },
  { additionalProperties: false },
);

/** CSV (RFC 4180) and FIWARE NGSI-LD exports. Viewer and above. */
export const exportRoutes: FastifyPluginAsyncTypebox<DataRoutesOptions> = async (app, { state, telemetry, now }) => {
  app.get(
    '/cities/:city/export/readings.csv',
    {
      schema: {
        tags: ['export'],
        summary: 'Readings as CSV (RFC 4180)',
        description: 'One row per reading: time (ISO 8601 UTC), city, site, device, domain, then one column per parameter (canonical units; empty = not reported). At most 31 days and 100 000 rows.',
        params: CityParams,
        querystring: CsvQuery,
        response: { 200: { description: 'CSV with a header row, CRLF line ends', content: { 'text/csv': { schema: Type.String() } } }, ...problems(...READ_PROBLEMS) },
      },
    },
    async (request, reply) => {
      const { city } = request.params;
      const q = request.query;
      await loadCity(state, city);
      const range = resolveRange(q, EXPORT_RANGE, now());
      const params = parseParamList(q.params, q.domain) ?? allParams(q.domain);
      await checkTagFilter(state, city, q, q.domain);
      const points = await telemetry.queryRaw({ domain: q.domain, city, ...tagFilter(q), from: range.from, to: range.to, params, limit: q.limit ?? CSV_MAX_ROWS });
      const csv = toCsv(
        ['time', 'city', 'site', 'device', 'domain', ...params],
        points.map((p) => [iso(p.ts), p.city, p.site, p.device, p.domain, ...params.map((name) => p.values[name])]),
      );
      const stamp = (ms: number) => iso(ms).slice(0, 19).replace(/[-:]/g, '');
      return reply
        .type(CSV_CONTENT_TYPE)
        .header('content-disposition', `attachment; filename="${city}-${q.domain}-${stamp(range.from)}-${stamp(range.to)}.csv"`)
        .send(csv);
    },
  );

  app.get(
    '/cities/:city/export/ngsi-ld',
    {
      schema: {
        tags: ['export'],
        summary: 'FIWARE Smart Data Models as NGSI-LD entities',
        description:
          'air → AirQualityObserved (and NoiseLevelObserved after it for a reading with a noise level), water → WaterQualityObserved, waste → WasteContainer, ' +
          'energy → ACMeasurement; normalized NGSI-LD with @context. ' +
          'Without from/to: one entity per device with its latest values; with from or to: one entity per reading (at most 31 days).',
        params: CityParams,
        querystring: NgsiQuery,
        response: { 200: { description: 'JSON-LD array of entities', content: { 'application/ld+json': { schema: Type.Array(Type.Object({}, { additionalProperties: true })) } } }, ...problems(...READ_PROBLEMS) },
      },
    },
    async (request, reply) => {
      const { city } = request.params;
      const q = request.query;
      const cityRecord = await loadCity(state, city);
      await checkTagFilter(state, city, q, q.domain);
      const sites = new Map((await state.listSites({ cityId: city })).map((s) => [s.id, s]));
      const perReading = q.from !== undefined || q.to !== undefined;
      let points;
      if (perReading) {
        const range = resolveRange(q, EXPORT_RANGE, now());
        points = await telemetry.queryRaw({ domain: q.domain, city, ...tagFilter(q), from: range.from, to: range.to, limit: q.limit ?? 1000 });
      } else {
        points = await telemetry.latest({ city, domain: q.domain, ...tagFilter(q) });
      }
      const devices = q.domain === 'air' ? new Map((await state.listDevices({ cityId: city, domain: 'air' })).map((d) => [d.id, d])) : new Map();
      const entities = points.flatMap((p) => {
        const context = { city, cityName: cityRecord.name, site: sites.get(p.site), perReading };
        const device = devices.get(p.device);
        const noise = toNoiseLevelObserved(p, context, device ? expectedIntervalMs(device) : EXPECTED_INTERVAL_BY_DOMAIN[p.domain]);
        return noise ? [toNgsiLd(p, context), noise] : [toNgsiLd(p, context)];
      });
      // serialised here: the entity attributes are dynamic, a response schema would strip them
      return reply.type(NGSI_LD_CONTENT_TYPE).send(JSON.stringify(entities) as never);
    },
  );
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DAY_MS, HOUR_MS } from '@mueang/core';
import { Type } from 'typebox';
import { COMPLETENESS_METHOD, computeCompleteness } from '../../data/completeness.ts';
import { iso } from '../../data/format.ts';
import { parseParamList, resolveRange } from '../../data/query-params.ts';
import { ApiError } from '../../errors.ts';
import { CityParams, Domain, IsoTime, ParamsList, READ_PROBLEMS, problems } from '../../schemas/common.ts';
import { RangeQuery, TagQuery } from '../../schemas/data.ts';
import { loadCity } from '../registry/cities.ts';
import { checkTagFilter } from './filters.ts';
import type { DataRoutesOptions } from './options.ts';

export const COMPLETENESS_RANGE = { defaultSpanMs: DAY_MS, maxSpanMs: 400 * DAY_MS };

const CompletenessQuery = Type.Object(
  {
    domain: Domain,
    ...RangeQuery,
    ...TagQuery,
    params: Type.Optional(ParamsList),
    expectedIntervalS: Type.Optional(
      Type.Integer({ minimum: 60, maximum: 86_400, description: 'override the expected reporting interval of every device; must divide 3600 or be a multiple of it' }),
    ),
  },
  { additionalProperties: false },
);

const CompletenessOut = Type.Object({
  city: Type.String(),
  domain: Domain,
  from: IsoTime,
  to: IsoTime,
  method: Type.String(),
  source: Type.Enum(['raw', 'rollup-1h']),
  devices: Type.Array(
    Type.Object({
      device: Type.String(),
      site: Type.String(),
      kind: Type.String(),
      expectedIntervalS: Type.Number(),
      expectedSlots: Type.Integer(),
      completeness: Type.Number({ description: '0-1, mean over the parameters' }),
      params: Type.Array(Type.Object({ param: Type.String(), coveredSlots: Type.Number(), completeness: Type.Number() })),
    }),
  ),
});

/** Data completeness per device and parameter (rule in data/completeness.ts). Viewer and above. */
export const completenessRoutes: FastifyPluginAsyncTypebox<DataRoutesOptions> = async (app, { state, telemetry, now }) => {
  app.get(
    '/cities/:city/completeness',
    {
      schema: {
        tags: ['data'],
        summary: 'Data completeness per device and parameter',
        description: `Completeness = ${COMPLETENESS_METHOD}. At most 400 days per request.`,
        params: CityParams,
        querystring: CompletenessQuery,
        response: { 200: CompletenessOut, ...problems(...READ_PROBLEMS) },
      },
    },
    async (request) => {
      const { city } = request.params;
      const q = request.query;
      await loadCity(state, city);
      const range = resolveRange(q, COMPLETENESS_RANGE, now());
      const params = parseParamList(q.params, q.domain);
      const intervalMs = q.expectedIntervalS === undefined ? undefined : q.expectedIntervalS * 1000;
      if (intervalMs !== undefined && HOUR_MS % intervalMs !== 0 && intervalMs % HOUR_MS !== 0) {
        throw ApiError.invalidParameter('query.expectedIntervalS', `${q.expectedIntervalS} neither divides 3600 nor is a multiple of it; use e.g. 60, 300, 900, 3600 or 86400`);
      }
      await checkTagFilter(state, city, q, q.domain);
      const devices = await state.listDevices({ cityId: city, domain: q.domain, ...(q.site ? { siteId: q.site } : {}) });
      const selected = q.device ? devices.filter((d) => d.id === q.device) : devices;
      const result = await computeCompleteness(telemetry, { city, domain: q.domain, from: range.from, to: range.to, devices: selected, params, intervalMs });
      return { city, domain: q.domain, from: iso(result.from), to: iso(result.to), method: COMPLETENESS_METHOD, source: result.source, devices: result.devices };
    },
  );
};

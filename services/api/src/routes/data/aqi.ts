import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { aqiNow } from '../../data/aqi.ts';
import { parseInstant } from '../../data/query-params.ts';
import { ApiError } from '../../errors.ts';
import { AqiOut } from '../../schemas/aqi.ts';
import { CityParams, READ_PROBLEMS, TimeParam, problems } from '../../schemas/common.ts';
import { loadCity } from '../registry/cities.ts';
import type { DataRoutesOptions } from './options.ts';

export const AqiQuery = Type.Object({ at: Type.Optional(TimeParam('Evaluation time (default now)')) }, { additionalProperties: false });

/** Thai AQI per station and for the city, with the responsible pollutant. Viewer and above. */
export const aqiRoutes: FastifyPluginAsyncTypebox<DataRoutesOptions> = async (app, { state, telemetry, now }) => {
  app.get(
    '/cities/:city/aqi',
    {
      schema: {
        tags: ['data'],
        summary: 'Thai AQI now, per station and for the city',
        description:
          'Each pollutant is averaged over the rolling window the Thai AQI table requires, ending at `at`; a pollutant with under 75 % of its expected samples is left out (listed in `insufficient`). ' +
          'The city AQI is the worst station (median alongside).',
        params: CityParams,
        querystring: AqiQuery,
        response: { 200: AqiOut, ...problems(...READ_PROBLEMS) },
      },
    },
    async (request) => {
      const { city } = request.params;
      await loadCity(state, city);
      const current = now();
      const at = request.query.at === undefined ? current : parseInstant(request.query.at, 'query.at');
      if (at > current + 60_000) throw ApiError.invalidParameter('query.at', 'lies in the future; the AQI needs the readings up to `at`');
      const [devices, sites] = await Promise.all([state.listDevices({ cityId: city, domain: 'air' }), state.listSites({ cityId: city })]);
      const result = await aqiNow(telemetry, city, devices, sites, at);
      return { city, at: result.at, table: result.table, method: result.method, cityAqi: result.city, stations: result.stations };
    },
  );
};

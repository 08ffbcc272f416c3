import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DAY_MS, bangkokDate, isEnergyAveraged, type Domain } from '@mueang/core';
import type { City, StateStore, TelemetryStore } from '@mueang/storage';
import { Type } from 'typebox';
import { dailyMeansAndLeq } from '../../data/aggregate.ts';
import { aqiNow } from '../../data/aqi.ts';
import { iso } from '../../data/format.ts';
import { allParams, parseParamList, resolveRange } from '../../data/query-params.ts';
import { ApiError } from '../../errors.ts';
import { AqiOut } from '../../schemas/aqi.ts';
import { CityParams, Domain as DomainSchema, IdString, IsoTime, NullableNumber, NullableString, ParamsList, TimeParam, Values, problems } from '../../schemas/common.ts';

export interface OpenDataLicense {
  name: string;
  url: string;
}

export interface OpenDataRoutesOptions {
  state: StateStore;
  telemetry: TelemetryStore;
  now: () => number;
  license?: OpenDataLicense | undefined;
}

export const DEFAULT_OPEN_DATA_LICENSE: OpenDataLicense = { name: 'CC BY 4.0', url: 'https://creativecommons.org/licenses/by/4.0/' };
export const DAILY_RANGE = { defaultSpanMs: 30 * DAY_MS, maxSpanMs: 400 * DAY_MS };
const OPEN_PROBLEMS = [400, 404, 429, 503];

const License = Type.Object({ name: Type.String(), url: Type.String() });
const Envelope = {
  city: Type.String(),
  license: License,
  attribution: Type.String({ description: 'credit line to show with the data' }),
  generatedAt: IsoTime,
};

const StationsOut = Type.Object({
  ...Envelope,
  stations: Type.Array(
    Type.Object({
      site: Type.String(),
      name: Type.String(),
      nameTh: NullableString,
      lat: NullableNumber,
      lon: NullableNumber,
      kind: NullableString,
      waterClass: Type.Union([Type.Integer(), Type.Null()]),
      devices: Type.Array(Type.Object({ id: Type.String(), domain: DomainSchema, kind: Type.String() })),
    }),
  ),
});
const OpenLatestOut = Type.Object({ ...Envelope, devices: Type.Array(Type.Object({ device: Type.String(), site: Type.String(), domain: DomainSchema, ts: IsoTime, values: Values })) });
const OpenAqiOut = Type.Object({ ...Envelope, ...AqiOut.properties });
const DailyOut = Type.Object({
  ...Envelope,
  domain: DomainSchema,
  from: IsoTime,
  to: IsoTime,
  method: Type.String(),
  days: Type.Array(
    Type.Object({
      date: Type.String({ description: 'Asia/Bangkok calendar day' }),
      device: Type.String(),
      values: Values,
      leq: Type.Optional({ ...Values, description: 'sound levels only: the Leq 24 h (energy mean of the day, as the Thai noise standard averages), where the day has it' }),
    }),
  ),
});

/**
 * The public, read-only API of cities that opted in (City.publicData): station list, latest
 * values, AQI and daily means, each with a licence and an attribution line. It reads only
 * registry fields meant for the public (names, coordinates, device ids and kinds) and
 * telemetry; credentials, keys, recipients, alerts and dead letters have no route here.
 * A city that has not opted in answers 404, as if it did not exist.
 */
export const openDataRoutes: FastifyPluginAsyncTypebox<OpenDataRoutesOptions> = async (app, { state, telemetry, now, license: licenseOption }) => {
  const license = licenseOption ?? DEFAULT_OPEN_DATA_LICENSE;

  async function openCity(cityId: string): Promise<City> {
    const city = await state.getCity(cityId);
    if (!city || !city.publicData) throw ApiError.notFound(`City "${cityId}" publishes no open data; see GET /open/v1/cities for the cities that do.`);
    return city;
  }

  function envelope(city: City) {
    const name = city.nameTh ? `${city.name} (${city.nameTh})` : city.name;
    return { city: city.id, license, attribution: `Data: ${name}, licensed under ${license.name}`, generatedAt: iso(now()) };
  }

  const config = { access: 'public' as const };

  app.get(
    '/cities',
    {
      config,
      schema: {
        tags: ['open-data'],
        summary: 'Cities that publish open data',
        response: { 200: Type.Object({ license: License, cities: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), nameTh: NullableString, province: NullableString })) }), ...problems(429, 503) },
      },
    },
    async () => ({
      license,
      cities: (await state.listCities()).filter((c) => c.publicData).map((c) => ({ id: c.id, name: c.name, nameTh: c.nameTh, province: c.province })),
    }),
  );

  app.get(
    '/:city/stations',
    { config, schema: { tags: ['open-data'], summary: 'Stations (sites) with their active devices', params: CityParams, response: { 200: StationsOut, ...problems(...OPEN_PROBLEMS) } } },
    async (request) => {
      const city = await openCity(request.params.city);
      const [sites, devices] = await Promise.all([state.listSites({ cityId: city.id }), state.listDevices({ cityId: city.id, status: 'active' })]);
      return {
        ...envelope(city),
        stations: sites.map((s) => ({
          site: s.id,
          name: s.name,
          nameTh: s.nameTh,
          lat: s.lat,
          lon: s.lon,
          kind: s.kind,
          waterClass: s.waterClass,
          devices: devices.filter((d) => d.siteId === s.id).map((d) => ({ id: d.id, domain: d.domain, kind: d.kind })),
        })),
      };
    },
  );

  app.get(
    '/:city/latest',
    {
      config,
      schema: {
        tags: ['open-data'],
        summary: 'Latest values per device',
        params: CityParams,
        querystring: Type.Object({ domain: Type.Optional(DomainSchema) }, { additionalProperties: false }),
        response: { 200: OpenLatestOut, ...problems(...OPEN_PROBLEMS) },
      },
    },
    async (request) => {
      const city = await openCity(request.params.city);
      const active = new Set((await state.listDevices({ cityId: city.id, status: 'active' })).map((d) => d.id));
      const points = await telemetry.latest({ city: city.id, ...(request.query.domain ? { domain: request.query.domain } : {}) });
      return { ...envelope(city), devices: points.filter((p) => active.has(p.device)).map((p) => ({ device: p.device, site: p.site, domain: p.domain, ts: iso(p.ts), values: p.values })) };
    },
  );

  app.get(
    '/:city/aqi',
    { config, schema: { tags: ['open-data'], summary: 'Thai AQI now per station and for the city', params: CityParams, response: { 200: OpenAqiOut, ...problems(...OPEN_PROBLEMS) } } },
    async (request) => {
      const city = await openCity(request.params.city);
      const [devices, sites] = await Promise.all([state.listDevices({ cityId: city.id, domain: 'air', status: 'active' }), state.listSites({ cityId: city.id })]);
      const result = await aqiNow(telemetry, city.id, devices, sites, now());
      return { ...envelope(city), at: result.at, table: result.table, method: result.method, cityAqi: result.city, stations: result.stations };
    },
  );

  app.get(
    '/:city/daily',
    {
      config,
      schema: {
        tags: ['open-data'],
        summary: 'Daily means per device (Asia/Bangkok days)',
        description: 'From the daily rollups. Default the last 30 days, at most 400.',
        params: CityParams,
        querystring: Type.Object(
          {
            domain: DomainSchema,
            params: Type.Optional(ParamsList),
            device: Type.Optional(IdString('Only this device')),
            from: Type.Optional(TimeParam('First day, inclusive')),
            to: Type.Optional(TimeParam('End, exclusive (default now)')),
          },
          { additionalProperties: false },
        ),
        response: { 200: DailyOut, ...problems(...OPEN_PROBLEMS) },
      },
    },
    async (request) => {
      const city = await openCity(request.params.city);
      const q = request.query;
      const range = resolveRange(q, DAILY_RANGE, now());
      const domain: Domain = q.domain;
      const params = parseParamList(q.params, domain) ?? allParams(domain);
      if (q.device) {
        const device = await state.getDevice(q.device);
        if (!device || device.cityId !== city.id || device.status !== 'active') throw ApiError.notFound(`No device "${q.device}" in the open data of "${city.id}"; see /open/v1/${city.id}/stations.`);
      }
      const active = new Set((await state.listDevices({ cityId: city.id, domain, status: 'active' })).map((d) => d.id));
      const { means, leqs: leqRows } = await dailyMeansAndLeq(telemetry, { city: city.id, domain, params, from: range.from, to: range.to, device: q.device });
      const levels = params.some((p) => isEnergyAveraged(domain, p));
      const leqs = new Map(leqRows.map((r) => [`${r.start}|${r.tags.device}`, r.values]));
      return {
        ...envelope(city),
        domain,
        from: iso(range.from),
        to: iso(range.to),
        method: `arithmetic mean of all readings of the Asia/Bangkok calendar day (daily rollups)${levels ? '; leq: energy mean of the day (Leq 24 h) for sound levels' : ''}`,
        days: means
          .filter((r) => r.tags.device !== undefined && active.has(r.tags.device))
          .map((r) => {
            const leq = leqs.get(`${r.start}|${r.tags.device}`);
            return { date: bangkokDate(r.start), device: r.tags.device ?? '', values: r.values, ...(leq ? { leq } : {}) };
          }),
      };
    },
  );
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { StateStore } from '@mueang/storage';
import { Type } from 'typebox';
import { changedFields, pick, type AuditTrail } from '../../audit/trail.ts';
import { requirePrincipal } from '../../auth/guards.ts';
import { ApiError } from '../../errors.ts';
import { CityParams, READ_PROBLEMS, problems } from '../../schemas/common.ts';
import { CityCreate, CityOut, CityPatch } from '../../schemas/registry.ts';
import { cityOut } from './mappers.ts';

export interface RegistryRoutesOptions {
  state: StateStore;
  audit: AuditTrail;
}

/** the fields of a city the audit log shows */
export const CITY_FIELDS = ['name', 'nameTh', 'province', 'timezone', 'publicData'] as const;

export async function loadCity(state: StateStore, cityId: string) {
  const city = await state.getCity(cityId);
  if (!city) throw ApiError.notFound(`No city "${cityId}"; list the cities you may use with GET /v1/cities.`);
  return city;
}

/** Cities: everyone reads the cities of their scope; admins create them and toggle open data. */
export const cityRoutes: FastifyPluginAsyncTypebox<RegistryRoutesOptions> = async (app, { state, audit }) => {
  app.get(
    '/cities',
    { schema: { tags: ['registry'], summary: 'Cities the key may use', response: { 200: Type.Object({ cities: Type.Array(CityOut) }), ...problems(401, 429) } } },
    async (request) => {
      const principal = requirePrincipal(request);
      const cities = await state.listCities();
      return { cities: cities.filter((c) => principal.cityId === null || c.id === principal.cityId).map(cityOut) };
    },
  );

  app.post(
    '/cities',
    {
      config: { access: 'admin' },
      schema: { tags: ['registry'], summary: 'Create a city', body: CityCreate, response: { 201: CityOut, ...problems(400, 401, 403, 409, 429) } },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      if (principal.cityId !== null) throw ApiError.forbidden(`Your key is limited to city "${principal.cityId}" and cannot create cities; use an all-cities admin key.`);
      if (await state.getCity(request.body.id)) throw ApiError.conflict(`City "${request.body.id}" exists already; change it with PATCH /v1/cities/${request.body.id}.`);
      const city = await audit.change(request, async (tx) => {
        const created = await tx.state.upsertCity(request.body);
        return { result: created, audit: { action: 'city.create', target: { type: 'city', id: created.id }, cityId: created.id, details: { after: pick(created, CITY_FIELDS) } } };
      });
      request.log.info({ cityId: city.id, by: principal.keyId }, 'city created');
      return reply.status(201).send(cityOut(city));
    },
  );

  app.get(
    '/cities/:city',
    { schema: { tags: ['registry'], summary: 'One city', params: CityParams, response: { 200: CityOut, ...problems(...READ_PROBLEMS) } } },
    async (request) => cityOut(await loadCity(state, request.params.city)),
  );

  app.patch(
    '/cities/:city',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['registry'],
        summary: 'Change a city (e.g. publicData to opt in or out of open data)',
        params: CityParams,
        body: CityPatch,
        response: { 200: CityOut, ...problems(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const current = await loadCity(state, request.params.city);
      const city = await audit.change(request, async (tx) => {
        const changed = await tx.state.upsertCity({ ...request.body, id: current.id, name: request.body.name ?? current.name });
        const changes = changedFields(current, changed, CITY_FIELDS);
        // publicData in the changes is the open-data opt-in or opt-out
        return { result: changed, audit: Object.keys(changes).length === 0 ? null : { action: 'city.update', target: { type: 'city', id: current.id }, cityId: current.id, details: { changes } } };
      });
      request.log.info({ cityId: city.id, fields: Object.keys(request.body), by: request.principal?.keyId }, 'city changed');
      return cityOut(city);
    },
  );
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { StateStore } from '@mueang/storage';
import { Type } from 'typebox';
import { changedFields, pick } from '../../audit/trail.ts';
import { ApiError } from '../../errors.ts';
import { CityParams, IdString, READ_PROBLEMS, problems } from '../../schemas/common.ts';
import { SiteCreate, SiteOut, SitePatch } from '../../schemas/registry.ts';
import { loadCity, type RegistryRoutesOptions } from './cities.ts';
import { siteOut } from './mappers.ts';

const SITE_FIELDS = ['name', 'nameTh', 'lat', 'lon', 'kind', 'waterClass'] as const;
const SiteParams = Type.Object({ city: IdString('City id'), site: IdString('Site id') }, { additionalProperties: false });

export async function loadSite(state: StateStore, cityId: string, siteId: string) {
  const site = await state.getSite(siteId);
  if (!site || site.cityId !== cityId) throw ApiError.notFound(`No site "${siteId}" in city "${cityId}"; list them with GET /v1/cities/${cityId}/sites.`);
  return site;
}

/** Sites: measurement locations of a city, with coordinates and (water) the assigned class. */
export const siteRoutes: FastifyPluginAsyncTypebox<RegistryRoutesOptions> = async (app, { state, audit }) => {
  app.get(
    '/cities/:city/sites',
    {
      schema: {
        tags: ['registry'],
        summary: 'Sites of a city',
        params: CityParams,
        response: { 200: Type.Object({ sites: Type.Array(SiteOut) }), ...problems(...READ_PROBLEMS) },
      },
    },
    async (request) => {
      await loadCity(state, request.params.city);
      return { sites: (await state.listSites({ cityId: request.params.city })).map(siteOut) };
    },
  );

  app.post(
    '/cities/:city/sites',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['registry'],
        summary: 'Create a site',
        params: CityParams,
        body: SiteCreate,
        response: { 201: SiteOut, ...problems(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      await loadCity(state, request.params.city);
      const existing = await state.getSite(request.body.id);
      if (existing) {
        throw ApiError.conflict(
          existing.cityId === request.params.city
            ? `Site "${existing.id}" exists already; change it with PATCH /v1/cities/${existing.cityId}/sites/${existing.id}.`
            : `Site id "${existing.id}" is taken (site ids are unique across cities); choose another id.`,
        );
      }
      const site = await audit.change(request, async (tx) => {
        const created = await tx.state.upsertSite({ ...request.body, cityId: request.params.city });
        return { result: created, audit: { action: 'site.create', target: { type: 'site', id: created.id }, cityId: created.cityId, details: { after: pick(created, SITE_FIELDS) } } };
      });
      request.log.info({ siteId: site.id, cityId: site.cityId, by: request.principal?.keyId }, 'site created');
      return reply.status(201).send(siteOut(site));
    },
  );

  app.get(
    '/cities/:city/sites/:site',
    { schema: { tags: ['registry'], summary: 'One site', params: SiteParams, response: { 200: SiteOut, ...problems(...READ_PROBLEMS) } } },
    async (request) => siteOut(await loadSite(state, request.params.city, request.params.site)),
  );

  app.patch(
    '/cities/:city/sites/:site',
    {
      config: { access: 'operator' },
      schema: { tags: ['registry'], summary: 'Change a site', params: SiteParams, body: SitePatch, response: { 200: SiteOut, ...problems(400, 401, 403, 404, 429) } },
    },
    async (request) => {
      const current = await loadSite(state, request.params.city, request.params.site);
      const site = await audit.change(request, async (tx) => {
        const changed = await tx.state.upsertSite({ ...request.body, id: current.id, cityId: current.cityId, name: request.body.name ?? current.name });
        const changes = changedFields(current, changed, SITE_FIELDS);
        return { result: changed, audit: Object.keys(changes).length === 0 ? null : { action: 'site.update', target: { type: 'site', id: current.id }, cityId: current.cityId, details: { changes } } };
      });
      request.log.info({ siteId: site.id, fields: Object.keys(request.body), by: request.principal?.keyId }, 'site changed');
      return siteOut(site);
    },
  );
};

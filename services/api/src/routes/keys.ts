import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiKey, StateStore } from '@mueang/storage';
import { Type } from 'typebox';
import { pick, type AuditTrail } from '../audit/trail.ts';
import { generateApiKey, hashApiKey, newApiKeyId } from '../auth/api-keys.ts';
import { requirePrincipal } from '../auth/guards.ts';
import { ApiError } from '../errors.ts';
import { iso } from '../data/format.ts';
import { FreeText, ID_PATTERN, IdString, IsoTime, NullableInput, NullableString, problems } from '../schemas/common.ts';
import { RoleSchema } from '../schemas/registry.ts';

export interface KeyRoutesOptions {
  state: StateStore;
  audit: AuditTrail;
}

const KeyOut = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  cityId: NullableString,
  createdAt: IsoTime,
  revokedAt: Type.Union([IsoTime, Type.Null()]),
});
const CreatedKey = Type.Object({
  ...KeyOut.properties,
  key: Type.String({ description: 'The API key: shown only in this response. Store it now; only its SHA-256 is kept.' }),
});

function keyOut(key: ApiKey) {
  return { id: key.id, name: key.name, role: key.role, cityId: key.cityId, createdAt: iso(key.createdAt), revokedAt: key.revokedAt === null ? null : iso(key.revokedAt) };
}

/**
 * API keys (admin). An admin limited to one city manages only keys of that city and cannot
 * create all-city keys.
 */
export const keyRoutes: FastifyPluginAsyncTypebox<KeyRoutesOptions> = async (app, { state, audit }) => {
  app.get(
    '/me',
    {
      schema: {
        tags: ['keys'],
        summary: 'The calling key',
        response: { 200: Type.Object({ keyId: Type.String(), name: Type.String(), role: RoleSchema, cityId: NullableString }), ...problems(401, 429) },
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      return { keyId: principal.keyId, name: principal.keyName, role: principal.role, cityId: principal.cityId };
    },
  );

  app.post(
    '/keys',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['keys'],
        summary: 'Create an API key (shown once)',
        body: Type.Object(
          {
            name: FreeText({ minLength: 1, maxLength: 100, description: 'Who or what uses the key, e.g. "grafana" or "city dashboard"' }),
            role: RoleSchema,
            cityId: Type.Optional(NullableInput<string>({ type: 'string', pattern: ID_PATTERN, maxLength: 64, description: 'Limit the key to this city; null or absent = all cities' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: CreatedKey, ...problems(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      const cityId = request.body.cityId ?? null;
      if (principal.cityId !== null && cityId !== principal.cityId) {
        throw ApiError.forbidden(`Your key is limited to city "${principal.cityId}"; it can only create keys for that city (set cityId to "${principal.cityId}").`);
      }
      if (cityId !== null && !(await state.getCity(cityId))) throw ApiError.invalidParameter('body.cityId', `city "${cityId}" does not exist; create it first with POST /v1/cities`);
      const key = generateApiKey();
      const stored = await audit.change(request, async (tx) => {
        const created = await tx.state.createApiKey({ id: newApiKeyId(), name: request.body.name, keyHash: hashApiKey(key), role: request.body.role, cityId });
        // never the key or its hash
        return { result: created, audit: { action: 'apikey.create', target: { type: 'api_key', id: created.id }, cityId: created.cityId, details: { after: pick(created, ['name', 'role', 'cityId']) } } };
      });
      request.log.info({ keyId: stored.id, role: stored.role, cityId: stored.cityId, by: principal.keyId }, 'api key created');
      return reply.status(201).send({ ...keyOut(stored), key });
    },
  );

  app.get(
    '/keys',
    {
      config: { access: 'admin' },
      schema: { tags: ['keys'], summary: 'List API keys (never the keys themselves)', response: { 200: Type.Object({ keys: Type.Array(KeyOut) }), ...problems(401, 403, 429) } },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const keys = (await state.listApiKeys()).filter((k) => principal.cityId === null || k.cityId === principal.cityId);
      return { keys: keys.map(keyOut) };
    },
  );

  app.delete(
    '/keys/:keyId',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['keys'],
        summary: 'Revoke an API key',
        params: Type.Object({ keyId: IdString('Key id') }, { additionalProperties: false }),
        response: { 200: KeyOut, ...problems(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const key = (await state.listApiKeys()).find((k) => k.id === request.params.keyId);
      if (!key || (principal.cityId !== null && key.cityId !== principal.cityId)) throw ApiError.notFound(`No API key "${request.params.keyId}"; list keys with GET /v1/keys.`);
      // revoking a revoked key changes nothing and records nothing
      if (key.revokedAt !== null) return keyOut(key);
      const after = await audit.change(request, async (tx) => {
        await tx.state.revokeApiKey(key.id);
        const revoked = (await tx.state.listApiKeys()).find((k) => k.id === key.id) ?? key;
        const revokedAt = revoked.revokedAt === null ? null : iso(revoked.revokedAt);
        return {
          result: revoked,
          audit: { action: 'apikey.revoke', target: { type: 'api_key', id: key.id }, cityId: key.cityId, details: { name: key.name, role: key.role, changes: { revokedAt: { from: null, to: revokedAt } } } },
        };
      });
      request.log.info({ keyId: key.id, by: principal.keyId }, 'api key revoked');
      return keyOut(after);
    },
  );
};

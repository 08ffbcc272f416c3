import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES, StateStoreError, auditRepository, type AuditEntry, type StateStore } from '@mueang/storage';
import { Type } from 'typebox';
import { requirePrincipal } from '../auth/guards.ts';
import { iso } from '../data/format.ts';
import { parseInstant } from '../data/query-params.ts';
import { ApiError } from '../errors.ts';
import { IdString, IsoTime, NullableString, TimeParam, problems } from '../schemas/common.ts';
import { RoleSchema } from '../schemas/registry.ts';

export interface AuditRoutesOptions {
  state: StateStore;
}

const AuditEntryOut = Type.Object({
  id: Type.Integer({ description: 'increasing with each entry' }),
  at: IsoTime,
  actor: Type.Object(
    {
      kind: Type.Enum(['api_key', 'system']),
      id: Type.String({ description: 'API key id (bootstrap-admin for API_ADMIN_KEY), or system' }),
      name: NullableString,
      role: Type.Union([RoleSchema, Type.Null()]),
    },
    { description: 'who made the change: the API key as it was then' },
  ),
  action: Type.String({ description: `one of ${AUDIT_ACTIONS.join(', ')}` }),
  target: Type.Object({ type: Type.String({ description: AUDIT_TARGET_TYPES.join(', ') }), id: Type.String() }),
  cityId: Type.Union([Type.String(), Type.Null()], { description: 'the city the change belongs to; null = not city-specific (e.g. an all-cities key)' }),
  details: Type.Object({}, { additionalProperties: true, description: 'what changed, e.g. {"changes": {"name": {"from": "A", "to": "B"}}} or {"after": {...}} for a creation; never secrets, hashes or contact addresses' }),
  requestId: NullableString,
  remoteAddress: Type.Union([Type.String(), Type.Null()], { description: 'client address (X-Forwarded-For only with TRUST_PROXY)' }),
});

const AuditQuery = Type.Object(
  {
    city: Type.Optional(IdString('Only changes of this city')),
    actor: Type.Optional(IdString('Only changes made with this API key id')),
    action: Type.Optional(Type.Enum([...AUDIT_ACTIONS], { description: 'Only this kind of change' })),
    targetType: Type.Optional(Type.Enum([...AUDIT_TARGET_TYPES], { description: 'Only changes of this kind of record' })),
    targetId: Type.Optional(IdString('Only changes of the record with this id')),
    from: Type.Optional(TimeParam('Changes from here (inclusive)')),
    to: Type.Optional(TimeParam('... until here (exclusive)')),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,200}$', description: 'nextCursor of the previous page' })),
  },
  { additionalProperties: false },
);

function entryOut(e: AuditEntry) {
  return { id: e.id, at: iso(e.at), actor: e.actor, action: e.action, target: e.target, cityId: e.cityId, details: e.details, requestId: e.requestId, remoteAddress: e.remoteAddress };
}

/** The audit log (admin): every change made through the API, newest first. A city admin sees its city's entries only. */
export const auditRoutes: FastifyPluginAsyncTypebox<AuditRoutesOptions> = async (app, { state }) => {
  const log = auditRepository(state);

  app.get(
    '/audit',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['audit'],
        summary: 'Who changed what: the audit log, newest first',
        description:
          'One entry per successful change made through the API (keys, cities, sites, devices and their credentials, alert acknowledgement and assignment, KPI catalogs), ' +
          'written in the same transaction as the change. Refused or failed requests, and requests that changed nothing, leave no entry. ' +
          'A key limited to one city sees only entries of that city. Pages of `limit`; pass `nextCursor` as `cursor` for the next page.',
        querystring: AuditQuery,
        response: { 200: Type.Object({ entries: Type.Array(AuditEntryOut), nextCursor: NullableString }), ...problems(400, 401, 403, 429, 503) },
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const q = request.query;
      if (principal.cityId !== null && q.city !== undefined && q.city !== principal.cityId) {
        throw ApiError.forbidden(`The API key "${principal.keyName}" is limited to city "${principal.cityId}" and cannot read the audit log of city "${q.city}"; leave out city or use city=${principal.cityId}.`);
      }
      const from = q.from === undefined ? undefined : parseInstant(q.from, 'query.from');
      const to = q.to === undefined ? undefined : parseInstant(q.to, 'query.to');
      if (from !== undefined && to !== undefined && from >= to) {
        throw ApiError.invalidParameter('query.from', `must be before query.to (from ${new Date(from).toISOString()}, to ${new Date(to).toISOString()}); from is inclusive, to exclusive`);
      }
      const city = principal.cityId ?? q.city;
      const filter = {
        ...(city !== undefined ? { cityId: city } : {}),
        ...(q.actor !== undefined ? { actorId: q.actor } : {}),
        ...(q.action !== undefined ? { action: q.action } : {}),
        ...(q.targetType !== undefined ? { targetType: q.targetType } : {}),
        ...(q.targetId !== undefined ? { targetId: q.targetId } : {}),
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
        limit: q.limit ?? 100,
      };
      const page = await log.list(filter).catch((err: unknown) => {
        if (err instanceof StateStoreError && err.details.field === 'filter.cursor') throw ApiError.invalidParameter('query.cursor', 'not a cursor of this list; start again without cursor');
        throw err;
      });
      return { entries: page.items.map(entryOut), nextCursor: page.nextCursor };
    },
  );
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DOMAINS, HOUR_MS, MAX_REBUILD_DAYS, DAY_MS, type Domain } from '@mueang/core';
import { Type } from 'typebox';
import type { AuditTrail } from '../audit/trail.ts';
import { requirePrincipal } from '../auth/guards.ts';
import { iso } from '../data/format.ts';
import { parseInstant } from '../data/query-params.ts';
import { ApiError } from '../errors.ts';
import type { IngestControl } from '../registry-events.ts';
import { Domain as DomainSchema, IsoTime, TimeParam, problems } from '../schemas/common.ts';

export interface RollupRoutesOptions {
  /** null: no broker connection, so ingest cannot be asked (the route says so) */
  ingestControl: IngestControl | null;
  audit: AuditTrail;
  now: () => number;
}

const RebuildBody = Type.Object(
  {
    from: TimeParam('Start of the range (inclusive; widened to the hour)'),
    to: Type.Optional(TimeParam('End of the range (exclusive; default and at most: the end of the current hour)')),
    domains: Type.Optional(Type.Array(DomainSchema, { minItems: 1, maxItems: DOMAINS.length, uniqueItems: true, description: 'default: every domain' })),
  },
  { additionalProperties: false },
);

const RebuildOut = Type.Object({
  from: IsoTime,
  to: IsoTime,
  domains: Type.Array(DomainSchema),
  hours: Type.Integer({ description: 'domain-hours asked for; ingest recomputes them newest first, a rebuild of months over several of its 30-s runs (metric mueang_ingest_rollup_dirty_hours)' }),
});

/**
 * Rollups are ingest's work: the API only asks for it (over MQTT), after an upgrade that adds a statistic, an import of
 * history straight into the store, or a correction. Admins of every city only: rollups span all cities.
 */
export const rollupRoutes: FastifyPluginAsyncTypebox<RollupRoutesOptions> = async (app, { ingestControl, audit, now }) => {
  app.post(
    '/rollups/rebuild',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['rollups'],
        summary: 'Recompute the hourly and daily rollups of a past range from the stored readings',
        description:
          `Ingest notes the hours and recomputes them from the raw readings, newest day first; dashboards, the open data and the assessment read the result. ` +
          `Needs an admin key of every city. At most ${MAX_REBUILD_DAYS} days per request; the readings must still be stored (RETENTION_RAW_DAYS).`,
        body: RebuildBody,
        response: { 202: RebuildOut, ...problems(400, 401, 403, 429, 503) },
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      if (principal.cityId !== null) {
        throw ApiError.forbidden(`Rollups span every city; the API key "${principal.keyName}" is limited to city "${principal.cityId}". Ask an admin of every city.`);
      }
      const from = Math.floor(parseInstant(request.body.from, 'body.from') / HOUR_MS) * HOUR_MS;
      const endOfHour = Math.floor(now() / HOUR_MS) * HOUR_MS + HOUR_MS;
      const to = Math.min(request.body.to === undefined ? endOfHour : parseInstant(request.body.to, 'body.to'), endOfHour);
      if (from >= to) throw ApiError.invalidParameter('body.from', `must be before body.to and before now (from ${iso(from)}, to ${iso(to)}); from is inclusive, to exclusive`);
      if (to - from > MAX_REBUILD_DAYS * DAY_MS) {
        throw ApiError.invalidParameter('body.from', `the range is ${Math.ceil((to - from) / DAY_MS)} days long; at most ${MAX_REBUILD_DAYS} per request. Split it into several requests`);
      }
      if (!ingestControl) throw ApiError.unavailable('This API has no broker connection (MQTT_URL), so it cannot ask ingest to rebuild rollups. Configure MQTT_URL and the service account.');
      const domains: Domain[] = request.body.domains ?? [...DOMAINS];
      const hours = (Math.ceil(to / HOUR_MS) - from / HOUR_MS) * domains.length;
      const range = { from: iso(from), to: iso(to), domains, hours };
      await audit.afterChange(request, async () => {
        try {
          await ingestControl.requestRollupRebuild({ from, to, domains, requestedAt: now(), requestedBy: principal.keyName });
        } catch (err) {
          request.log.warn({ err }, 'rollup rebuild request not acknowledged by the broker');
          throw ApiError.unavailable('The broker did not take the request in time; it may still be sent when the connection returns. Check /health and retry.');
        }
        return { result: null, audit: { action: 'rollups.rebuild', target: { type: 'rollups', id: domains.join(',') }, cityId: null, details: range } };
      });
      request.log.info({ ...range, by: principal.keyId }, 'rollup rebuild requested');
      return reply.status(202).send(range);
    },
  );
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DAY_MS, type DeadLetter } from '@mueang/core';
import { Type } from 'typebox';
import { iso } from '../../data/format.ts';
import { resolveRange } from '../../data/query-params.ts';
import { roleAtLeast } from '../../auth/roles.ts';
import { requirePrincipal } from '../../auth/guards.ts';
import { CityParams, IdString, IsoTime, READ_PROBLEMS, problems } from '../../schemas/common.ts';
import { RangeQuery } from '../../schemas/data.ts';
import { loadCity } from '../registry/cities.ts';
import { checkTagFilter } from './filters.ts';
import type { DataRoutesOptions } from './options.ts';

export const DEAD_LETTER_RANGE = { defaultSpanMs: 7 * DAY_MS, maxSpanMs: 31 * DAY_MS };
/** payload characters shown to operators; the store keeps up to 16 KiB */
export const PAYLOAD_EXCERPT_CHARS = 512;

const DeadLetterQuery = Type.Object(
  {
    ...RangeQuery,
    device: Type.Optional(IdString('Only this device')),
    reason: Type.Optional(Type.String({ pattern: '^[a-z0-9_.-]{1,64}$', description: "reason code, e.g. 'payload.malformed_json'" })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);

const DeadLetterOut = Type.Object({
  receivedAt: IsoTime,
  topic: Type.String(),
  reason: Type.String(),
  message: Type.String(),
  domain: Type.Optional(Type.String()),
  device: Type.Optional(Type.String()),
  param: Type.Optional(Type.String()),
  payloadExcerpt: Type.Optional(Type.String({ description: `first ${PAYLOAD_EXCERPT_CHARS} characters of the payload; operator and admin keys only` })),
  payloadTruncated: Type.Optional(Type.Boolean()),
});

function deadLetterOut(d: DeadLetter, withPayload: boolean) {
  return {
    receivedAt: iso(d.receivedAt),
    topic: d.topic,
    reason: d.reason,
    message: d.message,
    ...(d.domain ? { domain: d.domain } : {}),
    ...(d.device ? { device: d.device } : {}),
    ...(d.param ? { param: d.param } : {}),
    ...(withPayload ? { payloadExcerpt: d.payload.slice(0, PAYLOAD_EXCERPT_CHARS), payloadTruncated: d.payload.length > PAYLOAD_EXCERPT_CHARS } : {}),
  };
}

/** Readings that failed validation, newest first; payload excerpts only for operator and admin keys. */
export const deadLetterRoutes: FastifyPluginAsyncTypebox<DataRoutesOptions> = async (app, { state, telemetry, now }) => {
  app.get(
    '/cities/:city/dead-letters',
    {
      schema: {
        tags: ['data'],
        summary: 'Dead letters: readings that failed validation, with the reason',
        description: 'Newest first; default the last 7 days, at most 31. Viewers see reasons and messages; operators and admins also a payload excerpt.',
        params: CityParams,
        querystring: DeadLetterQuery,
        response: { 200: Type.Object({ city: Type.String(), from: IsoTime, to: IsoTime, deadLetters: Type.Array(DeadLetterOut) }), ...problems(...READ_PROBLEMS) },
      },
    },
    async (request) => {
      const { city } = request.params;
      const q = request.query;
      const principal = requirePrincipal(request);
      await loadCity(state, city);
      const range = resolveRange(q, DEAD_LETTER_RANGE, now());
      await checkTagFilter(state, city, q);
      const rows = await telemetry.queryDeadLetters({ city, from: range.from, to: range.to, limit: q.limit ?? 100, ...(q.device ? { device: q.device } : {}), ...(q.reason ? { reason: q.reason } : {}) });
      const withPayload = roleAtLeast(principal.role, 'operator');
      return { city, from: iso(range.from), to: iso(range.to), deadLetters: rows.map((d) => deadLetterOut(d, withPayload)) };
    },
  );
};

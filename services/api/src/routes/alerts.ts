import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ALERT_DOMAINS, ALERT_SEVERITIES, ALERT_TRANSITIONS } from '@mueang/core';
import type { AlertRecord, AlertRepository, AlertTransitionRecord } from '@mueang/storage';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Audited, AuditTrail, TransactionStores } from '../audit/trail.ts';
import { requirePrincipal } from '../auth/guards.ts';
import { alertOut } from '../data/alert-view.ts';
import { iso } from '../data/format.ts';
import { resolveRange } from '../data/query-params.ts';
import { ApiError } from '../errors.ts';
import { CityParams, FreeText, IdString, NO_NUL_PATTERN, IsoTime, NullableInput, NullableNumber, NullableString, READ_PROBLEMS, TimeParam, problems } from '../schemas/common.ts';
import type { StateStore } from '@mueang/storage';
import { loadCity } from './registry/cities.ts';

export interface AlertRoutesOptions {
  state: StateStore;
  alerts: AlertRepository;
  now: () => number;
  audit: AuditTrail;
  /** true when `alerts` keeps its tables in the StateStore (the default): changes and their audit entries share a transaction */
  alertsInStateStore: boolean;
}

const NullableTime = Type.Union([IsoTime, Type.Null()]);
const Severity = Type.Enum([...ALERT_SEVERITIES]);
const AlertDomain = Type.Enum([...ALERT_DOMAINS], { description: "Sensor domain, or 'system' for alerts about the platform itself (no device, e.g. system.disk-space)" });
const RULE_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$';
const AlertParams = Type.Object({ city: IdString('City id'), alertId: IdString('Alert id') }, { additionalProperties: false });
const Details = Type.Object({}, { additionalProperties: true, description: 'context of the evaluation (condition, completeness, explanation)' });

const AlertOut = Type.Object({
  id: Type.String(),
  cityId: Type.String(),
  siteId: NullableString,
  deviceId: NullableString,
  domain: AlertDomain,
  ruleId: Type.String(),
  severity: Severity,
  state: Type.Enum(['active', 'cleared']),
  status: Type.Enum(['active_unacknowledged', 'active_acknowledged', 'cleared_unacknowledged', 'cleared_acknowledged']),
  acknowledged: Type.Boolean(),
  acknowledgedAt: NullableTime,
  acknowledgedBy: NullableString,
  assignee: NullableString,
  assignedAt: NullableTime,
  escalationLevel: Type.Integer(),
  parameter: NullableString,
  value: NullableNumber,
  peakValue: NullableNumber,
  unit: NullableString,
  standard: Type.Union([Type.Object({ id: Type.String(), version: NullableString }), Type.Null()]),
  window: Type.Union([Type.Object({ from: NullableTime, to: NullableTime }), Type.Null()]),
  details: Details,
  activeSince: IsoTime,
  raisedAt: IsoTime,
  clearedAt: NullableTime,
  escalatedAt: NullableTime,
  updatedAt: IsoTime,
});

const TransitionOut = Type.Object({
  transition: Type.Enum([...ALERT_TRANSITIONS]),
  at: IsoTime,
  actor: Type.String(),
  severity: Severity,
  escalationLevel: Type.Integer(),
  value: NullableNumber,
  note: NullableString,
  details: Details,
});

const ListQuery = Type.Object(
  {
    state: Type.Optional(Type.Enum(['active', 'cleared'])),
    acknowledged: Type.Optional(Type.Boolean()),
    severity: Type.Optional(Severity),
    domain: Type.Optional(AlertDomain),
    device: Type.Optional(IdString('Only alerts of this device')),
    site: Type.Optional(IdString('Only alerts of this site')),
    rule: Type.Optional(Type.String({ pattern: RULE_ID_PATTERN, maxLength: 128, description: 'rule id, e.g. air.aqi.band' })),
    assignee: Type.Optional(FreeText({ minLength: 1, maxLength: 100, description: 'only alerts assigned to this person' })),
    from: Type.Optional(TimeParam('Alerts active at some time from here (inclusive)')),
    to: Type.Optional(TimeParam('... until here (exclusive); default now')),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,200}$', description: 'nextCursor of the previous page' })),
  },
  { additionalProperties: false },
);

const Note = Type.Optional(FreeText({ minLength: 1, maxLength: 1000, description: 'kept in the alert history' }));

function transitionOut(t: AlertTransitionRecord) {
  return { transition: t.transition, at: iso(t.at), actor: t.actor, severity: t.severity, escalationLevel: t.escalationLevel, value: t.value, note: t.note, details: t.details };
}

/** Alerts of a city: list and filter, one with its history (viewer); acknowledge and assign (operator). */
export const alertRoutes: FastifyPluginAsyncTypebox<AlertRoutesOptions> = async (app, { state, alerts, now, audit, alertsInStateStore }) => {
  /**
   * An alert change with its audit entry: in the StateStore's transaction (the alert row locked first, so the entry
   * says what this request changed even under concurrent requests), or right after it with another AlertRepository.
   */
  function changeAlert(request: FastifyRequest, alertId: string, fn: (repo: AlertRepository, before: AlertRecord) => Promise<Audited<AlertRecord>>): Promise<AlertRecord> {
    if (!alertsInStateStore) {
      return audit.afterChange(request, async () => {
        const before = await alerts.get(alertId);
        if (!before) throw ApiError.notFound(`Alert "${alertId}" disappeared while it was being changed; list the alerts and retry.`);
        return fn(alerts, before);
      });
    }
    return audit.change(request, async (tx: TransactionStores) => {
      await tx.driver.query('SELECT id FROM alerts WHERE id = $1 FOR UPDATE', [alertId]);
      const before = await tx.alerts.get(alertId);
      if (!before) throw ApiError.notFound(`Alert "${alertId}" disappeared while it was being changed; list the alerts and retry.`);
      return fn(tx.alerts, before);
    });
  }

  async function loadAlert(cityId: string, alertId: string): Promise<AlertRecord> {
    const alert = await alerts.get(alertId);
    if (!alert || alert.cityId !== cityId) throw ApiError.notFound(`No alert "${alertId}" in city "${cityId}"; list them with GET /v1/cities/${cityId}/alerts.`);
    return alert;
  }

  app.get(
    '/cities/:city/alerts',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Alerts of a city, newest first, filtered and paged',
        description: 'With from/to: alerts active at some time in [from, to). Pages of `limit`; pass `nextCursor` as `cursor` for the next page.',
        params: CityParams,
        querystring: ListQuery,
        response: { 200: Type.Object({ city: Type.String(), alerts: Type.Array(AlertOut), nextCursor: NullableString }), ...problems(...READ_PROBLEMS) },
      },
    },
    async (request) => {
      const { city } = request.params;
      const q = request.query;
      await loadCity(state, city);
      const range = q.from !== undefined || q.to !== undefined ? resolveRange(q, { defaultSpanMs: 30 * 86_400_000, maxSpanMs: 400 * 86_400_000 }, now()) : undefined;
      const page = await alerts.list({
        cityId: city,
        ...(q.state ? { state: q.state } : {}),
        ...(q.acknowledged !== undefined ? { acknowledged: q.acknowledged } : {}),
        ...(q.severity ? { severity: q.severity } : {}),
        ...(q.domain ? { domain: q.domain } : {}),
        ...(q.device ? { deviceId: q.device } : {}),
        ...(q.site ? { siteId: q.site } : {}),
        ...(q.rule ? { ruleId: q.rule } : {}),
        ...(q.assignee ? { assignee: q.assignee } : {}),
        ...(range ? { from: range.from, to: range.to } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
        limit: q.limit ?? 50,
      });
      return { city, alerts: page.items.map(alertOut), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/cities/:city/alerts/:alertId',
    {
      schema: {
        tags: ['alerts'],
        summary: 'One alert with its full history',
        params: AlertParams,
        response: { 200: Type.Object({ alert: AlertOut, history: Type.Array(TransitionOut) }), ...problems(...READ_PROBLEMS) },
      },
    },
    async (request) => {
      const alert = await loadAlert(request.params.city, request.params.alertId);
      return { alert: alertOut(alert), history: (await alerts.history(alert.id)).map(transitionOut) };
    },
  );

  app.post(
    '/cities/:city/alerts/:alertId/acknowledge',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['alerts'],
        summary: 'Acknowledge an alert (idempotent: the first acknowledgement is kept)',
        params: AlertParams,
        body: Type.Object({ note: Note }, { additionalProperties: false, description: 'optional; send no body at all to acknowledge without a note' }),
        response: { 200: AlertOut, ...problems(400, 401, 403, 404, 429) },
      },
      // the body is optional: a bodiless POST is an acknowledgement without a note
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const alert = await loadAlert(request.params.city, request.params.alertId);
      const note = request.body.note;
      const updated = await changeAlert(request, alert.id, async (repo, before) => {
        const after = await repo.acknowledge(alert.id, { by: principal.keyName, ...(note ? { note } : {}), now: now() });
        // a second acknowledgement keeps the first and changes nothing
        if (before.acknowledged) return { result: after, audit: null };
        return { result: after, audit: { action: 'alert.acknowledge', target: { type: 'alert', id: alert.id }, cityId: alert.cityId, details: { changes: { acknowledged: { from: false, to: true } }, note: note ?? null } } };
      });
      request.log.info({ alertId: alert.id, by: principal.keyId }, 'alert acknowledged');
      return alertOut(updated);
    },
  );

  app.post(
    '/cities/:city/alerts/:alertId/assign',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['alerts'],
        summary: 'Assign an alert to someone (null unassigns)',
        params: AlertParams,
        body: Type.Object({ assignee: NullableInput<string>({ type: 'string', minLength: 1, maxLength: 100, pattern: NO_NUL_PATTERN, description: 'who handles it; null unassigns' }), note: Note }, { additionalProperties: false }),
        response: { 200: AlertOut, ...problems(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const alert = await loadAlert(request.params.city, request.params.alertId);
      const { assignee, note } = request.body;
      if (assignee !== null && assignee.trim() === '') throw ApiError.invalidParameter('body.assignee', 'must not be blank; use null to unassign');
      const updated = await changeAlert(request, alert.id, async (repo, before) => {
        const after = await repo.assign(alert.id, { assignee, by: principal.keyName, ...(note ? { note } : {}), now: now() });
        if (before.assignee === after.assignee) return { result: after, audit: null };
        return { result: after, audit: { action: 'alert.assign', target: { type: 'alert', id: alert.id }, cityId: alert.cityId, details: { changes: { assignee: { from: before.assignee, to: after.assignee } }, note: note ?? null } } };
      });
      request.log.info({ alertId: alert.id, by: principal.keyId, assigned: assignee !== null }, 'alert assignment changed');
      return alertOut(updated);
    },
  );
};

import { ALERT_DOMAINS, ALERT_SEVERITIES, isAlertDomain, isAlertSeverity, isValidId, type AlertSeverity } from '@mueang/core';
import type { SqlDriver } from '../state-store.ts';
import { SQLSTATE, isPostgresError } from '../state/errors.ts';
import { timestampParam } from '../state/type-parsers.ts';
import { AlertRepositoryError, invalidInput } from './errors.ts';
import {
  alertFromRow,
  deliveryFromRow,
  overrideFromRow,
  recipientFromRow,
  routeFromRow,
  transitionFromRow,
  type AlertRow,
  type DeliveryRow,
  type OverrideRow,
  type RecipientRow,
  type RouteRow,
  type TransitionRow,
} from './rows.ts';
import type {
  AlertListFilter,
  AlertObservation,
  AlertPage,
  AlertRecord,
  AlertRepository,
  AlertTransitionRecord,
  DeliveryAttemptInput,
  DeliveryRecord,
  EngineTransitionInput,
  NewRecipient,
  ObservationUpdate,
  PendingTransition,
  RaiseAlertInput,
  RecipientRecord,
  RouteRecord,
  RuleOverrideRecord,
} from './types.ts';

const CHANNELS = ['webhook', 'email', 'line', 'mqtt'] as const;
const LANGUAGES = ['th', 'en', 'both'] as const;
const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;
const ENGINE = 'engine';

function ts(ms: number): string {
  return timestampParam(ms);
}

function json(value: unknown): string {
  return JSON.stringify(value ?? {});
}

function requireAlertId(value: unknown, field = 'alertId'): string {
  if (typeof value !== 'string' || !isValidId(value)) throw invalidInput(field, `${JSON.stringify(value)} is not an alert id (1-64 of a-z, 0-9, '-', '_')`);
  return value;
}

function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.includes('\u0000')) throw invalidInput(field, 'expected a non-empty text');
  return value;
}

function requireTime(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidInput(field, `expected epoch milliseconds, got ${JSON.stringify(value)}`);
  return value;
}

function optionalNumber(value: unknown, field: string): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidInput(field, `expected a finite number or null, got ${JSON.stringify(value)}`);
  return value;
}

function requireSeverity(value: unknown, field = 'severity'): AlertSeverity {
  if (!isAlertSeverity(value)) throw invalidInput(field, `expected one of ${ALERT_SEVERITIES.join(', ')}, got ${JSON.stringify(value)}`);
  return value;
}

function observationColumns(o: AlertObservation | undefined): { parameter: string | null; value: number | null; unit: string | null; standardId: string | null; standardVersion: string | null; from: string | null; to: string | null; details: Record<string, unknown> } {
  return {
    parameter: o?.parameter ?? null,
    value: optionalNumber(o?.value, 'observation.value'),
    unit: o?.unit ?? null,
    standardId: o?.standard?.id ?? null,
    standardVersion: o?.standard?.version ?? null,
    from: o?.window ? ts(o.window.from) : null,
    to: o?.window ? ts(o.window.to) : null,
    details: o?.details ?? {},
  };
}

/** the details stored with a transition: what the notification of it needs */
function transitionDetails(o: AlertObservation | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> {
  if (!o) return extra;
  return { parameter: o.parameter, unit: o.unit, standard: o.standard, window: o.window, ...(o.details ?? {}), ...extra };
}

function encodeCursor(raisedAt: number, id: string): string {
  return Buffer.from(JSON.stringify([raisedAt, id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): [number, string] {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'number' && typeof parsed[1] === 'string') return [parsed[0], parsed[1]];
  } catch {
    // reported below
  }
  throw new AlertRepositoryError('cursor.invalid', 'cursor: not a cursor returned by list(); start again without a cursor', { field: 'cursor' });
}

/** Conditions with $n parameters; column names come from this file only. */
class Conditions {
  readonly params: unknown[] = [];
  readonly list: string[] = [];

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  add(sql: string): void {
    this.list.push(sql);
  }

  where(): string {
    return this.list.length ? ` WHERE ${this.list.join(' AND ')}` : '';
  }
}

function referenceError(err: unknown, input: { cityId: string; deviceId: string | null }): unknown {
  if (isPostgresError(err) && err.code === SQLSTATE.foreignKeyViolation) {
    if (err.constraint === 'alerts_city_fk') return new AlertRepositoryError('reference.not_found', `city "${input.cityId}" does not exist; alerts belong to a registered city`, { cityId: input.cityId });
    if (err.constraint === 'alerts_device_fk') return new AlertRepositoryError('reference.not_found', `device "${input.deviceId}" does not exist in the registry`, { deviceId: input.deviceId });
  }
  return constraintError(err);
}

function constraintError(err: unknown): unknown {
  if (!isPostgresError(err) || !err.code.startsWith('23')) return err;
  return new AlertRepositoryError('constraint.violated', `the database refused the write${err.constraint ? ` (constraint ${err.constraint})` : ''}: ${err.message}`, { constraint: err.constraint ?? null }, { cause: err });
}

/** AlertRepository over the StateStore's SQL driver (PostgreSQL or PGlite). */
export class SqlAlertRepository implements AlertRepository {
  constructor(private readonly driver: SqlDriver) {}

  // ---- engine

  async raise(input: RaiseAlertInput): Promise<{ alert: AlertRecord; created: boolean }> {
    const id = requireAlertId(input.id, 'id');
    const dedupKey = requireText(input.dedupKey, 'dedupKey');
    const cityId = requireText(input.cityId, 'cityId');
    const ruleId = requireText(input.ruleId, 'ruleId');
    if (!isAlertDomain(input.domain)) throw invalidInput('domain', `expected one of ${ALERT_DOMAINS.join(', ')}, got ${JSON.stringify(input.domain)}`);
    const severity = requireSeverity(input.severity);
    const at = requireTime(input.at, 'at');
    const now = input.now ?? Date.now();
    const o = observationColumns(input.observation);
    try {
      return await this.driver.transaction(async (tx) => {
        const [inserted] = await tx.query<AlertRow>(
          `INSERT INTO alerts (id, dedup_key, city_id, site_id, device_id, domain, rule_id, severity, parameter, value, peak_value, unit,
             standard_id, standard_version, window_from, window_to, details, active_since, raised_at, last_notified_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::double precision, $10::double precision, $11, $12, $13, $14::timestamptz, $15::timestamptz, $16::jsonb,
             $17::timestamptz, $18::timestamptz, $18::timestamptz, $18::timestamptz)
           ON CONFLICT (dedup_key) WHERE state = 'active' DO NOTHING
           RETURNING *`,
          [id, dedupKey, cityId, input.siteId, input.deviceId, input.domain, ruleId, severity, o.parameter, o.value, o.unit, o.standardId, o.standardVersion, o.from, o.to, json(o.details), ts(at), ts(now)],
        );
        if (!inserted) {
          const [existing] = await tx.query<AlertRow>(`SELECT * FROM alerts WHERE dedup_key = $1 AND state = 'active'`, [dedupKey]);
          if (!existing) throw new AlertRepositoryError('constraint.violated', `alert "${id}" was neither inserted nor found active for "${dedupKey}"`, { alertId: id });
          return { alert: alertFromRow(existing), created: false };
        }
        await insertTransition(tx, { alertId: id, transition: 'raised', at, actor: ENGINE, severity, escalationLevel: 0, value: o.value, note: null, details: transitionDetails(input.observation), now });
        return { alert: alertFromRow(inserted), created: true };
      });
    } catch (err) {
      throw referenceError(err, { cityId, deviceId: input.deviceId });
    }
  }

  async transition(alertId: string, input: EngineTransitionInput): Promise<AlertRecord | null> {
    const id = requireAlertId(alertId);
    const at = requireTime(input.at, 'at');
    const now = input.now ?? Date.now();
    const o = observationColumns(input.observation);
    const hasObservation = input.observation !== undefined;
    return this.driver.transaction(async (tx) => {
      let row: AlertRow | undefined;
      switch (input.transition) {
        case 'escalated': {
          const level = input.escalationLevel;
          if (!Number.isInteger(level) || (level as number) < 1) throw invalidInput('escalationLevel', `an escalation needs the new level (a whole number >= 1), got ${JSON.stringify(level)}`);
          [row] = await tx.query<AlertRow>(
            `UPDATE alerts SET escalation_level = $2::integer, escalated_at = $3::timestamptz, last_notified_at = $3::timestamptz, updated_at = $3::timestamptz
             WHERE id = $1 AND state = 'active' AND NOT acknowledged AND escalation_level < $2::integer RETURNING *`,
            [id, level, ts(now)],
          );
          break;
        }
        case 'reminder':
          [row] = await tx.query<AlertRow>(
            `UPDATE alerts SET last_notified_at = $2::timestamptz, updated_at = $2::timestamptz WHERE id = $1 AND state = 'active' AND NOT acknowledged RETURNING *`,
            [id, ts(now)],
          );
          break;
        case 'cleared':
          [row] = await tx.query<AlertRow>(
            `UPDATE alerts SET state = 'cleared', cleared_at = $2::timestamptz, updated_at = $3::timestamptz,
               value = CASE WHEN $4::boolean THEN $5::double precision ELSE value END,
               window_from = CASE WHEN $4::boolean THEN $6::timestamptz ELSE window_from END,
               window_to = CASE WHEN $4::boolean THEN $7::timestamptz ELSE window_to END
             WHERE id = $1 AND state = 'active' RETURNING *`,
            [id, ts(at), ts(now), hasObservation, o.value, o.from, o.to],
          );
          break;
        case 'severity_changed': {
          const severity = requireSeverity(input.severity);
          [row] = await tx.query<AlertRow>(
            `UPDATE alerts SET severity = $2, updated_at = $3::timestamptz,
               value = CASE WHEN $4::boolean THEN $5::double precision ELSE value END,
               peak_value = CASE WHEN $4::boolean AND $5::double precision IS NOT NULL THEN GREATEST(coalesce(peak_value, $5::double precision), $5::double precision) ELSE peak_value END,
               window_from = CASE WHEN $4::boolean THEN $6::timestamptz ELSE window_from END,
               window_to = CASE WHEN $4::boolean THEN $7::timestamptz ELSE window_to END
             WHERE id = $1 AND state = 'active' AND severity <> $2 RETURNING *`,
            [id, severity, ts(now), hasObservation, o.value, o.from, o.to],
          );
          break;
        }
        default:
          throw invalidInput('transition', `the engine records escalated, reminder, cleared or severity_changed, got ${JSON.stringify((input as { transition?: unknown }).transition)}`);
      }
      if (!row) return null;
      const alert = alertFromRow(row);
      await insertTransition(tx, {
        alertId: id,
        transition: input.transition,
        at,
        actor: ENGINE,
        severity: alert.severity,
        escalationLevel: alert.escalationLevel,
        value: hasObservation ? o.value : alert.value,
        note: input.note ?? null,
        details: transitionDetails(input.observation),
        now,
      });
      return alert;
    });
  }

  async updateObservations(updates: ObservationUpdate[], now = Date.now()): Promise<void> {
    if (updates.length === 0) return;
    await this.driver.transaction(async (tx) => {
      for (const update of updates) {
        const o = observationColumns(update.observation);
        await tx.query(
          `UPDATE alerts SET value = $2::double precision,
             peak_value = CASE WHEN $2::double precision IS NULL THEN peak_value ELSE GREATEST(coalesce(peak_value, $2::double precision), $2::double precision) END,
             window_from = $3::timestamptz, window_to = $4::timestamptz, updated_at = $5::timestamptz
           WHERE id = $1 AND state = 'active'`,
          [update.alertId, o.value, o.from, o.to, ts(now)],
        );
      }
    });
  }

  async listActive(filter: { cityId?: string } = {}): Promise<AlertRecord[]> {
    const c = new Conditions();
    c.add(`state = 'active'`);
    if (filter.cityId !== undefined) c.add(`city_id = ${c.param(filter.cityId)}`);
    const rows = await this.driver.query<AlertRow>(`SELECT * FROM alerts${c.where()} ORDER BY raised_at, id COLLATE "C"`, c.params);
    return rows.map(alertFromRow);
  }

  async pendingTransitions(limit = 500): Promise<PendingTransition[]> {
    const rows = await this.driver.query<TransitionRow>(`SELECT * FROM alert_transitions WHERE published_at IS NULL ORDER BY seq LIMIT $1::integer`, [limit]);
    if (rows.length === 0) return [];
    const ids = [...new Set(rows.map((r) => r.alert_id))];
    const alerts = await this.driver.query<AlertRow>(`SELECT * FROM alerts WHERE id = ANY($1::text[])`, [ids]);
    const byId = new Map(alerts.map((a) => [a.id, alertFromRow(a)]));
    const out: PendingTransition[] = [];
    for (const row of rows) {
      const alert = byId.get(row.alert_id);
      if (alert) out.push({ transition: transitionFromRow(row), alert });
    }
    return out;
  }

  async markPublished(seqs: number[], now = Date.now()): Promise<void> {
    if (seqs.length === 0) return;
    await this.driver.query(`UPDATE alert_transitions SET published_at = $2::timestamptz WHERE seq = ANY($1::bigint[]) AND published_at IS NULL`, [seqs, ts(now)]);
  }

  // ---- API

  async get(id: string): Promise<AlertRecord | null> {
    if (typeof id !== 'string' || !isValidId(id)) return null;
    const [row] = await this.driver.query<AlertRow>('SELECT * FROM alerts WHERE id = $1', [id]);
    return row ? alertFromRow(row) : null;
  }

  private filterConditions(filter: Omit<AlertListFilter, 'limit' | 'cursor'>): Conditions {
    const c = new Conditions();
    const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
    if (filter.cityId !== undefined) c.add(`city_id = ANY(${c.param(list(filter.cityId))}::text[])`);
    if (filter.state !== undefined) {
      if (filter.state !== 'active' && filter.state !== 'cleared') throw invalidInput('state', `expected active or cleared, got ${JSON.stringify(filter.state)}`);
      c.add(`state = ${c.param(filter.state)}`);
    }
    if (filter.acknowledged !== undefined) c.add(`acknowledged = ${c.param(Boolean(filter.acknowledged))}::boolean`);
    if (filter.severity !== undefined) {
      const severities = list(filter.severity).map((s) => requireSeverity(s));
      c.add(`severity = ANY(${c.param(severities)}::text[])`);
    }
    if (filter.domain !== undefined) c.add(`domain = ${c.param(filter.domain)}`);
    if (filter.deviceId !== undefined) c.add(`device_id = ${c.param(filter.deviceId)}`);
    if (filter.siteId !== undefined) c.add(`site_id = ${c.param(filter.siteId)}`);
    if (filter.ruleId !== undefined) c.add(`rule_id = ${c.param(filter.ruleId)}`);
    if (filter.assignee !== undefined) c.add(`assignee = ${c.param(filter.assignee)}`);
    if (filter.to !== undefined) c.add(`active_since < ${c.param(ts(requireTime(filter.to, 'to')))}::timestamptz`);
    if (filter.from !== undefined) c.add(`(cleared_at IS NULL OR cleared_at >= ${c.param(ts(requireTime(filter.from, 'from')))}::timestamptz)`);
    return c;
  }

  async list(filter: AlertListFilter = {}): Promise<AlertPage> {
    const limit = filter.limit ?? DEFAULT_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw invalidInput('limit', `expected a whole number from 1 to ${MAX_PAGE}, got ${JSON.stringify(filter.limit)}`);
    const c = this.filterConditions(filter);
    if (filter.cursor !== undefined) {
      const [raisedAt, id] = decodeCursor(filter.cursor);
      const at = c.param(ts(raisedAt));
      c.add(`(raised_at < ${at}::timestamptz OR (raised_at = ${at}::timestamptz AND id COLLATE "C" < ${c.param(id)}))`);
    }
    const rows = await this.driver.query<AlertRow>(`SELECT * FROM alerts${c.where()} ORDER BY raised_at DESC, id COLLATE "C" DESC LIMIT ${limit + 1}`, c.params);
    const items = rows.slice(0, limit).map(alertFromRow);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.raisedAt, last.id) : null };
  }

  async count(filter: Omit<AlertListFilter, 'limit' | 'cursor'> = {}): Promise<number> {
    const c = this.filterConditions(filter);
    const [row] = await this.driver.query<{ n: number }>(`SELECT count(*) AS n FROM alerts${c.where()}`, c.params);
    return Number(row?.n ?? 0);
  }

  async history(alertId: string): Promise<AlertTransitionRecord[]> {
    const rows = await this.driver.query<TransitionRow>('SELECT * FROM alert_transitions WHERE alert_id = $1 ORDER BY seq', [alertId]);
    return rows.map(transitionFromRow);
  }

  async acknowledge(alertId: string, input: { by: string; note?: string; now?: number }): Promise<AlertRecord> {
    const id = requireAlertId(alertId);
    const by = requireText(input?.by, 'by');
    const now = input.now ?? Date.now();
    return this.driver.transaction(async (tx) => {
      const [row] = await tx.query<AlertRow>(
        `UPDATE alerts SET acknowledged = true, acknowledged_at = $2::timestamptz, acknowledged_by = $3, updated_at = $2::timestamptz
         WHERE id = $1 AND NOT acknowledged RETURNING *`,
        [id, ts(now), by],
      );
      if (!row) return this.existing(tx, id);
      const alert = alertFromRow(row);
      await insertTransition(tx, { alertId: id, transition: 'acknowledged', at: now, actor: by, severity: alert.severity, escalationLevel: alert.escalationLevel, value: alert.value, note: input.note ?? null, details: {}, now });
      return alert;
    });
  }

  async assign(alertId: string, input: { assignee: string | null; by: string; note?: string; now?: number }): Promise<AlertRecord> {
    const id = requireAlertId(alertId);
    const by = requireText(input?.by, 'by');
    const assignee = input.assignee === null ? null : requireText(input.assignee, 'assignee');
    const now = input.now ?? Date.now();
    return this.driver.transaction(async (tx) => {
      const [current] = await tx.query<AlertRow>('SELECT * FROM alerts WHERE id = $1 FOR UPDATE', [id]);
      if (!current) throw notFound(id);
      if (current.assignee === assignee) return alertFromRow(current);
      const [row] = await tx.query<AlertRow>(
        `UPDATE alerts SET assignee = $2::text, assigned_at = CASE WHEN $2::text IS NULL THEN NULL ELSE $3::timestamptz END, updated_at = $3::timestamptz
         WHERE id = $1 RETURNING *`,
        [id, assignee, ts(now)],
      );
      const alert = alertFromRow(row!);
      await insertTransition(tx, {
        alertId: id,
        transition: 'assigned',
        at: now,
        actor: by,
        severity: alert.severity,
        escalationLevel: alert.escalationLevel,
        value: alert.value,
        note: input.note ?? null,
        details: { assignee, previousAssignee: current.assignee },
        now,
      });
      return alert;
    });
  }

  private async existing(tx: SqlDriver, id: string): Promise<AlertRecord> {
    const [row] = await tx.query<AlertRow>('SELECT * FROM alerts WHERE id = $1', [id]);
    if (!row) throw notFound(id);
    return alertFromRow(row);
  }

  // ---- recipients and routes

  async upsertRecipient(recipient: NewRecipient): Promise<RecipientRecord> {
    if (typeof recipient !== 'object' || recipient === null) throw invalidInput('recipient', 'expected an object');
    if (typeof recipient.id !== 'string' || !isValidId(recipient.id)) throw invalidInput('recipient.id', `${JSON.stringify(recipient.id)} is not a valid id (a-z, 0-9, '-', '_')`);
    const name = requireText(recipient.name, 'recipient.name');
    if (!(CHANNELS as readonly string[]).includes(recipient.channel)) throw invalidInput('recipient.channel', `expected one of ${CHANNELS.join(', ')}`);
    // the address is personal data: the error says what is wrong, never what it was
    const address = requireText(recipient.address, 'recipient.address');
    const language = recipient.language ?? 'both';
    if (!(LANGUAGES as readonly string[]).includes(language)) throw invalidInput('recipient.language', `expected one of ${LANGUAGES.join(', ')}`);
    const cityId = recipient.cityId ?? null;
    try {
      const [row] = await this.driver.query<RecipientRow>(
        `INSERT INTO alert_recipients (id, name, channel, address, language, city_id, enabled) VALUES ($1, $2, $3, $4, $5, $6, $7::boolean)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, channel = EXCLUDED.channel, address = EXCLUDED.address, language = EXCLUDED.language,
           city_id = EXCLUDED.city_id, enabled = EXCLUDED.enabled, updated_at = now()
         RETURNING *`,
        [recipient.id, name, recipient.channel, address, language, cityId, recipient.enabled ?? true],
      );
      return recipientFromRow(row!, false);
    } catch (err) {
      if (isPostgresError(err) && err.code === SQLSTATE.foreignKeyViolation) {
        throw new AlertRepositoryError('reference.not_found', `recipient "${recipient.id}" names city "${cityId}", which does not exist`, { recipientId: recipient.id, cityId });
      }
      throw constraintError(err);
    }
  }

  async getRecipient(id: string, options: { reveal?: boolean } = {}): Promise<RecipientRecord | null> {
    const [row] = await this.driver.query<RecipientRow>('SELECT * FROM alert_recipients WHERE id = $1', [id]);
    return row ? recipientFromRow(row, options.reveal === true) : null;
  }

  async listRecipients(options: { cityId?: string; reveal?: boolean } = {}): Promise<RecipientRecord[]> {
    const c = new Conditions();
    if (options.cityId !== undefined) c.add(`(city_id IS NULL OR city_id = ${c.param(options.cityId)})`);
    const rows = await this.driver.query<RecipientRow>(`SELECT * FROM alert_recipients${c.where()} ORDER BY id COLLATE "C"`, c.params);
    return rows.map((r) => recipientFromRow(r, options.reveal === true));
  }

  async deleteRecipient(id: string): Promise<boolean> {
    const rows = await this.driver.query('DELETE FROM alert_recipients WHERE id = $1 RETURNING id', [id]);
    return rows.length > 0;
  }

  async upsertRoute(route: { id: string; definition: Record<string, unknown>; enabled?: boolean }): Promise<RouteRecord> {
    const id = requireText(route?.id, 'route.id');
    if (typeof route.definition !== 'object' || route.definition === null || Array.isArray(route.definition)) throw invalidInput('route.definition', 'expected an object');
    const [row] = await this.driver.query<RouteRow>(
      `INSERT INTO alert_routes (id, definition, enabled) VALUES ($1, $2::jsonb, $3::boolean)
       ON CONFLICT (id) DO UPDATE SET definition = EXCLUDED.definition, enabled = EXCLUDED.enabled, updated_at = now() RETURNING *`,
      [id, json({ ...route.definition, id }), route.enabled ?? true],
    );
    return routeFromRow(row!);
  }

  async listRoutes(): Promise<RouteRecord[]> {
    const rows = await this.driver.query<RouteRow>('SELECT * FROM alert_routes ORDER BY id COLLATE "C"');
    return rows.map(routeFromRow);
  }

  async deleteRoute(id: string): Promise<boolean> {
    const rows = await this.driver.query('DELETE FROM alert_routes WHERE id = $1 RETURNING id', [id]);
    return rows.length > 0;
  }

  // ---- delivery log

  async recordDelivery(a: DeliveryAttemptInput): Promise<void> {
    if (typeof a !== 'object' || a === null) throw invalidInput('attempt', 'expected an object');
    if (!Number.isInteger(a.attempt) || a.attempt < 1) throw invalidInput('attempt.attempt', `expected a whole number >= 1, got ${JSON.stringify(a.attempt)}`);
    await this.driver.query(
      `INSERT INTO alert_deliveries (notification_key, alert_id, transition, recipient_id, channel, attempt, at, ok, status, error, next_retry_at)
       VALUES ($1, $2, $3, $4, $5, $6::integer, $7::timestamptz, $8::boolean, $9, $10, $11::timestamptz)`,
      [
        requireText(a.notificationKey, 'attempt.notificationKey'),
        requireText(a.alertId, 'attempt.alertId'),
        requireText(a.transition, 'attempt.transition'),
        requireText(a.recipientId, 'attempt.recipientId'),
        requireText(a.channel, 'attempt.channel'),
        a.attempt,
        ts(requireTime(a.at, 'attempt.at')),
        Boolean(a.ok),
        requireText(a.status, 'attempt.status'),
        a.error,
        a.nextRetryAt === null ? null : ts(requireTime(a.nextRetryAt, 'attempt.nextRetryAt')),
      ],
    );
  }

  async listDeliveries(filter: { alertId?: string; recipientId?: string; limit?: number } = {}): Promise<DeliveryRecord[]> {
    const limit = filter.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw invalidInput('limit', 'expected a whole number from 1 to 10000');
    const c = new Conditions();
    if (filter.alertId !== undefined) c.add(`alert_id = ${c.param(filter.alertId)}`);
    if (filter.recipientId !== undefined) c.add(`recipient_id = ${c.param(filter.recipientId)}`);
    const rows = await this.driver.query<DeliveryRow>(`SELECT * FROM alert_deliveries${c.where()} ORDER BY seq DESC LIMIT ${limit}`, c.params);
    return rows.map(deliveryFromRow);
  }

  // ---- rule overrides

  async setRuleOverride(cityId: string, ruleId: string, override: Record<string, unknown>, by?: string): Promise<RuleOverrideRecord> {
    requireText(cityId, 'cityId');
    requireText(ruleId, 'ruleId');
    if (typeof override !== 'object' || override === null || Array.isArray(override)) throw invalidInput('override', 'expected an object of rule fields');
    try {
      const [row] = await this.driver.query<OverrideRow>(
        `INSERT INTO alert_rule_overrides (city_id, rule_id, override, updated_by) VALUES ($1, $2, $3::jsonb, $4)
         ON CONFLICT (city_id, rule_id) DO UPDATE SET override = EXCLUDED.override, updated_by = EXCLUDED.updated_by, updated_at = now() RETURNING *`,
        [cityId, ruleId, json(override), by ?? null],
      );
      return overrideFromRow(row!);
    } catch (err) {
      if (isPostgresError(err) && err.code === SQLSTATE.foreignKeyViolation) {
        throw new AlertRepositoryError('reference.not_found', `city "${cityId}" does not exist; create it before overriding its rules`, { cityId });
      }
      throw constraintError(err);
    }
  }

  async listRuleOverrides(filter: { cityId?: string } = {}): Promise<RuleOverrideRecord[]> {
    const c = new Conditions();
    if (filter.cityId !== undefined) c.add(`city_id = ${c.param(filter.cityId)}`);
    const rows = await this.driver.query<OverrideRow>(`SELECT * FROM alert_rule_overrides${c.where()} ORDER BY city_id COLLATE "C", rule_id COLLATE "C"`, c.params);
    return rows.map(overrideFromRow);
  }

  async deleteRuleOverride(cityId: string, ruleId: string): Promise<boolean> {
    const rows = await this.driver.query('DELETE FROM alert_rule_overrides WHERE city_id = $1 AND rule_id = $2 RETURNING city_id', [cityId, ruleId]);
    return rows.length > 0;
  }
}

function notFound(id: string): AlertRepositoryError {
  return new AlertRepositoryError('alert.not_found', `alert "${id}" does not exist; list the alerts to find its id`, { alertId: id });
}

interface TransitionInsert {
  alertId: string;
  transition: string;
  at: number;
  actor: string;
  severity: AlertSeverity;
  escalationLevel: number;
  value: number | null;
  note: string | null;
  details: Record<string, unknown>;
  now: number;
}

async function insertTransition(tx: SqlDriver, t: TransitionInsert): Promise<void> {
  await tx.query(
    `INSERT INTO alert_transitions (alert_id, transition, at, recorded_at, actor, severity, escalation_level, value, note, details)
     VALUES ($1, $2, $3::timestamptz, $4::timestamptz, $5, $6, $7::integer, $8::double precision, $9, $10::jsonb)`,
    [t.alertId, t.transition, ts(t.at), ts(t.now), t.actor, t.severity, t.escalationLevel, t.value, t.note, json(t.details)],
  );
}

/** The AlertRepository of a StateStore (shares its connection or pool). */
export function alertRepository(store: { driver: SqlDriver }): AlertRepository {
  return new SqlAlertRepository(store.driver);
}

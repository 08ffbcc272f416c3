import type { SqlDriver } from '../state-store.ts';
import { StateStoreError } from '../state/errors.ts';
import { timestampParam } from '../state/type-parsers.ts';
import { ROLES } from '../state/validate.ts';
import { sanitizeDetails } from './sanitize.ts';
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES, type AuditActor, type AuditEntry, type AuditListFilter, type AuditPage, type AuditRepository, type NewAuditEntry } from './types.ts';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const MAX_TEXT = 200;

interface AuditRow {
  id: number;
  ts: number;
  actor_kind: 'api_key' | 'system';
  actor_id: string;
  actor_name: string | null;
  actor_role: AuditActor['role'];
  action: string;
  target_type: string;
  target_id: string;
  city_id: string | null;
  details: Record<string, unknown> | string | null;
  request_id: string | null;
  remote_address: string | null;
}

function invalid(field: string, message: string): StateStoreError {
  return new StateStoreError('input.invalid', `${field}: ${message}`, { field });
}

function text(value: unknown, field: string, options: { optional?: boolean } = {}): string | null {
  if ((value === undefined || value === null) && options.optional) return null;
  if (typeof value !== 'string' || value.trim() === '' || value.includes('\u0000') || value.length > MAX_TEXT) {
    throw invalid(field, `expected a text of 1-${MAX_TEXT} characters without NUL${options.optional ? ', or null' : ''}`);
  }
  return value;
}

function epochMs(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > 8.64e15) throw invalid(field, `expected epoch milliseconds, got ${JSON.stringify(value)}`);
  return value;
}

function checkActor(actor: unknown): AuditActor {
  if (typeof actor !== 'object' || actor === null) throw invalid('entry.actor', 'expected { kind, id, name, role }');
  const a = actor as Partial<AuditActor>;
  if (a.kind !== 'api_key' && a.kind !== 'system') throw invalid('entry.actor.kind', `expected api_key or system, got ${JSON.stringify(a.kind)}`);
  const role = a.role ?? null;
  if (role !== null && !ROLES.includes(role)) throw invalid('entry.actor.role', `expected one of ${ROLES.join(', ')} or null`);
  return { kind: a.kind, id: text(a.id, 'entry.actor.id') as string, name: text(a.name, 'entry.actor.name', { optional: true }), role };
}

function entryFromRow(row: AuditRow): AuditEntry {
  const details = typeof row.details === 'string' ? (JSON.parse(row.details) as Record<string, unknown>) : (row.details ?? {});
  return {
    id: row.id,
    at: row.ts,
    actor: { kind: row.actor_kind, id: row.actor_id, name: row.actor_name, role: row.actor_role },
    action: row.action,
    target: { type: row.target_type, id: row.target_id },
    cityId: row.city_id,
    details,
    requestId: row.request_id,
    remoteAddress: row.remote_address,
  };
}

function encodeCursor(entry: AuditEntry): string {
  return Buffer.from(JSON.stringify([entry.at, entry.id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): [number, number] {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parsed) && parsed.length === 2 && Number.isFinite(parsed[0]) && Number.isSafeInteger(parsed[1])) return [parsed[0] as number, parsed[1] as number];
  } catch {
    // reported below
  }
  throw new StateStoreError('input.invalid', 'filter.cursor: not a cursor returned by list(); start again without a cursor', { field: 'filter.cursor' });
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

/**
 * The audit log over the StateStore's SQL driver (PostgreSQL or PGlite). Bind it to a transaction
 * (`new SqlAuditRepository(tx)`) to record an entry together with the change it describes.
 */
export class SqlAuditRepository implements AuditRepository {
  constructor(private readonly driver: SqlDriver) {}

  async append(entry: NewAuditEntry): Promise<AuditEntry> {
    if (typeof entry !== 'object' || entry === null) throw invalid('entry', 'expected an object');
    const actor = checkActor(entry.actor);
    if (!(AUDIT_ACTIONS as readonly string[]).includes(entry.action)) throw invalid('entry.action', `${JSON.stringify(entry.action)} is not an audit action; add it to AUDIT_ACTIONS first`);
    const target = entry.target as { type?: unknown; id?: unknown } | undefined;
    if (!(AUDIT_TARGET_TYPES as readonly string[]).includes(target?.type as string)) throw invalid('entry.target.type', `expected one of ${AUDIT_TARGET_TYPES.join(', ')}`);
    const targetId = text(target?.id, 'entry.target.id') as string;
    const cityId = text(entry.cityId, 'entry.cityId', { optional: true });
    if (entry.details !== undefined && (typeof entry.details !== 'object' || entry.details === null || Array.isArray(entry.details))) throw invalid('entry.details', 'expected an object');
    // milliseconds, like the cursor: a microsecond default of now() would make paging skip entries
    const at = timestampParam(entry.at === undefined ? Date.now() : epochMs(entry.at, 'entry.at'));
    const [row] = await this.driver.query<AuditRow>(
      `INSERT INTO audit_log (ts, actor_kind, actor_id, actor_name, actor_role, action, target_type, target_id, city_id, details, request_id, remote_address)
       VALUES ($1::timestamptz, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12)
       RETURNING *`,
      [
        at,
        actor.kind,
        actor.id,
        actor.name,
        actor.role,
        entry.action,
        target?.type,
        targetId,
        cityId,
        JSON.stringify(sanitizeDetails(entry.details)),
        text(entry.requestId, 'entry.requestId', { optional: true }),
        text(entry.remoteAddress, 'entry.remoteAddress', { optional: true }),
      ],
    );
    return entryFromRow(row!);
  }

  async list(filter: AuditListFilter = {}): Promise<AuditPage> {
    const limit = filter.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw invalid('filter.limit', `expected a whole number from 1 to ${MAX_LIMIT}, got ${JSON.stringify(filter.limit)}`);
    const c = new Conditions();
    if (filter.cityId !== undefined) c.add(`city_id = ANY(${c.param(Array.isArray(filter.cityId) ? filter.cityId : [filter.cityId])}::text[])`);
    if (filter.actorId !== undefined) c.add(`actor_id = ${c.param(filter.actorId)}`);
    if (filter.action !== undefined) c.add(`action = ${c.param(filter.action)}`);
    if (filter.targetType !== undefined) c.add(`target_type = ${c.param(filter.targetType)}`);
    if (filter.targetId !== undefined) c.add(`target_id = ${c.param(filter.targetId)}`);
    if (filter.from !== undefined) c.add(`ts >= ${c.param(timestampParam(epochMs(filter.from, 'filter.from')))}::timestamptz`);
    if (filter.to !== undefined) c.add(`ts < ${c.param(timestampParam(epochMs(filter.to, 'filter.to')))}::timestamptz`);
    if (filter.cursor !== undefined) {
      const [at, id] = decodeCursor(filter.cursor);
      const ts = c.param(timestampParam(at));
      c.add(`(ts < ${ts}::timestamptz OR (ts = ${ts}::timestamptz AND id < ${c.param(id)}::bigint))`);
    }
    const rows = await this.driver.query<AuditRow>(`SELECT * FROM audit_log${c.where()} ORDER BY ts DESC, id DESC LIMIT ${limit + 1}`, c.params);
    const items = rows.slice(0, limit).map(entryFromRow);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  }
}

/** The audit log of a StateStore (shares its connection or pool). */
export function auditRepository(store: { driver: SqlDriver }): AuditRepository {
  return new SqlAuditRepository(store.driver);
}

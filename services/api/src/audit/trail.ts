import { SqlAlertRepository, SqlAuditRepository, SqlStateStore, auditRepository, type AlertRepository, type AuditAction, type AuditActor, type AuditTarget, type SqlDriver, type StateStore } from '@mueang/storage';
import type { FastifyRequest } from 'fastify';
import '../auth/fastify-types.ts';

/** What one successful change did, as the audit log records it. */
export interface AuditChange {
  action: AuditAction;
  target: AuditTarget;
  cityId: string | null;
  /** the changed fields (see changedFields); never secrets, hashes or contact addresses (they are masked anyway) */
  details?: Record<string, unknown>;
}

/** A route's change and its audit entry; audit null = nothing changed (e.g. revoking a revoked key): no entry. */
export interface Audited<T> {
  result: T;
  audit: AuditChange | null;
}

/** The stores bound to the change's transaction: inside it use only these (PGlite would wait for the transaction). */
export interface TransactionStores {
  state: StateStore;
  alerts: AlertRepository;
  driver: SqlDriver;
}

/** The caller as the audit log names it: the API key's id, name and role. */
export function auditActorOf(request: FastifyRequest): AuditActor {
  const principal = request.principal;
  if (!principal) return { kind: 'system', id: 'system', name: null, role: null };
  return { kind: 'api_key', id: principal.keyId, name: principal.keyName, role: principal.role };
}

/**
 * Records who changed what. `change()` runs the route's writes and the audit entry in one transaction of the
 * StateStore: a failed change leaves no entry, and an entry that cannot be written undoes the change.
 * `afterChange()` is for writes to a store outside that transaction (a custom AlertRepository): the entry is
 * appended right after the change succeeded.
 */
export class AuditTrail {
  constructor(
    private readonly state: StateStore,
    private readonly now: () => number,
  ) {}

  async change<T>(request: FastifyRequest, fn: (tx: TransactionStores) => Promise<Audited<T>>): Promise<T> {
    return this.state.driver.transaction(async (driver) => {
      const { result, audit } = await fn({ state: new SqlStateStore(driver), alerts: new SqlAlertRepository(driver), driver });
      if (audit) await new SqlAuditRepository(driver).append(this.entry(request, audit));
      return result;
    });
  }

  async afterChange<T>(request: FastifyRequest, fn: () => Promise<Audited<T>>): Promise<T> {
    const { result, audit } = await fn();
    if (audit) await auditRepository(this.state).append(this.entry(request, audit));
    return result;
  }

  private entry(request: FastifyRequest, change: AuditChange) {
    return {
      at: this.now(),
      actor: auditActorOf(request),
      action: change.action,
      target: change.target,
      cityId: change.cityId,
      details: change.details ?? {},
      requestId: clip(String(request.id)),
      remoteAddress: clip(request.ip),
    };
  }
}

/** request metadata never makes a change fail: an odd X-Forwarded-For is shortened, not refused */
function clip(value: string | undefined): string | null {
  const text = value?.replaceAll('\u0000', '').trim().slice(0, 200);
  return text ? text : null;
}

/**
 * { field: { from, to } } for each listed field whose value differs between before and after (compared as JSON);
 * undefined counts as null. Empty when nothing changed.
 */
export function changedFields<T extends object>(before: T, after: T, fields: ReadonlyArray<keyof T & string>): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of fields) {
    const from = (before as Record<string, unknown>)[field] ?? null;
    const to = (after as Record<string, unknown>)[field] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) out[field] = { from, to };
  }
  return out;
}

/** the listed fields of a record, for the `after` of a creation */
export function pick<T extends object>(record: T, fields: ReadonlyArray<keyof T & string>): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, (record as Record<string, unknown>)[f] ?? null]));
}

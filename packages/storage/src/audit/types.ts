import type { Role } from '../state-store.ts';

/**
 * What the audit log records. The lists are the vocabulary the API writes; append() refuses anything else, so a new
 * kind of change is added here first (and then appears in the API's filter and documentation).
 */
export const AUDIT_ACTIONS = [
  'apikey.create',
  'apikey.revoke',
  'city.create',
  'city.update',
  'site.create',
  'site.update',
  'device.provision',
  'device.update',
  'device.rotate',
  'device.revoke',
  'device.reactivate',
  'alert.acknowledge',
  'alert.assign',
  'kpi-catalog.update',
  'rollups.rebuild',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_TARGET_TYPES = ['api_key', 'city', 'site', 'device', 'alert', 'kpi_catalog', 'rollups'] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

/** Who made the change: an API key (its id, name and role at the time), or the platform itself. */
export interface AuditActor {
  kind: 'api_key' | 'system';
  /** the API key id (e.g. key-1a2b3c or bootstrap-admin), or 'system' */
  id: string;
  name: string | null;
  role: Role | null;
}

export const SYSTEM_ACTOR: AuditActor = { kind: 'system', id: 'system', name: null, role: null };

export interface AuditTarget {
  type: AuditTargetType;
  id: string;
}

export interface NewAuditEntry {
  /** epoch ms; default: now */
  at?: number;
  actor: AuditActor;
  action: AuditAction;
  target: AuditTarget;
  /** the city the change belongs to; null = not city-specific (e.g. an all-cities API key) */
  cityId: string | null;
  /** what changed, e.g. { changes: { name: { from, to } } }; secrets and contact addresses are masked on append */
  details?: Record<string, unknown>;
  requestId?: string | null;
  remoteAddress?: string | null;
}

export interface AuditEntry {
  id: number;
  at: number;
  actor: AuditActor;
  action: string;
  target: { type: string; id: string };
  cityId: string | null;
  details: Record<string, unknown>;
  requestId: string | null;
  remoteAddress: string | null;
}

export interface AuditListFilter {
  /** one city or any of several (a city-scoped admin's view) */
  cityId?: string | string[];
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  /** epoch ms, inclusive */
  from?: number;
  /** epoch ms, exclusive */
  to?: number;
  /** 1..1000, default 100 */
  limit?: number;
  /** nextCursor of the previous page */
  cursor?: string;
}

export interface AuditPage {
  /** newest first */
  items: AuditEntry[];
  nextCursor: string | null;
}

export interface AuditRepository {
  append(entry: NewAuditEntry): Promise<AuditEntry>;
  list(filter?: AuditListFilter): Promise<AuditPage>;
}

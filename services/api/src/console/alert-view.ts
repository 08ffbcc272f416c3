import type { AlertRecord } from '@mueang/storage';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * An alert as the live stream sends it: the same shape as the alert routes' AlertOut
 * (routes/alerts.ts), so that the page treats a streamed alert and a listed one alike.
 */
export function alertOut(a: AlertRecord) {
  return {
    id: a.id,
    cityId: a.cityId,
    siteId: a.siteId,
    deviceId: a.deviceId,
    domain: a.domain,
    ruleId: a.ruleId,
    severity: a.severity,
    state: a.state,
    status: a.status,
    acknowledged: a.acknowledged,
    acknowledgedAt: iso(a.acknowledgedAt),
    acknowledgedBy: a.acknowledgedBy,
    assignee: a.assignee,
    assignedAt: iso(a.assignedAt),
    escalationLevel: a.escalationLevel,
    parameter: a.parameter,
    value: a.value,
    peakValue: a.peakValue,
    unit: a.unit,
    standard: a.standardId === null ? null : { id: a.standardId, version: a.standardVersion },
    window: a.windowFrom === null && a.windowTo === null ? null : { from: iso(a.windowFrom), to: iso(a.windowTo) },
    details: a.details,
    activeSince: iso(a.activeSince),
    raisedAt: iso(a.raisedAt),
    clearedAt: iso(a.clearedAt),
    escalatedAt: iso(a.escalatedAt),
    updatedAt: iso(a.updatedAt),
  };
}

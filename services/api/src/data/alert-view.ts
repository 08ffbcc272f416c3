import type { AlertRecord } from '@mueang/storage';
import { iso } from './format.ts';

const time = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/**
 * An alert as the API answers it (AlertOut in routes/alerts.ts) and as the console's live stream sends it, so that
 * the page treats a streamed alert and a listed one alike.
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
    acknowledgedAt: time(a.acknowledgedAt),
    acknowledgedBy: a.acknowledgedBy,
    assignee: a.assignee,
    assignedAt: time(a.assignedAt),
    escalationLevel: a.escalationLevel,
    parameter: a.parameter,
    value: a.value,
    peakValue: a.peakValue,
    unit: a.unit,
    standard: a.standardId === null ? null : { id: a.standardId, version: a.standardVersion },
    window: a.windowFrom === null && a.windowTo === null ? null : { from: time(a.windowFrom), to: time(a.windowTo) },
    details: a.details,
    activeSince: iso(a.activeSince),
    raisedAt: iso(a.raisedAt),
    clearedAt: time(a.clearedAt),
    escalatedAt: time(a.escalatedAt),
    updatedAt: iso(a.updatedAt),
  };
}

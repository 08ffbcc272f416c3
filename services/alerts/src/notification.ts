/** What the outside world hears of a transition: the notification for the dispatcher and the event for dashboards. */
import { AQI_BANDS, standardVersions } from '@mueang/core';
import type { AlertEvent, PendingTransition } from '@mueang/storage';
import type { DeviceDirectory } from './directory.ts';
import type { AlertNotification } from './notify/types.ts';
import type { RuleBook } from './rules-config.ts';

interface StandardRef {
  id: string;
  version: string;
}

function isStandardRef(value: unknown): value is StandardRef {
  return typeof value === 'object' && value !== null && typeof (value as StandardRef).id === 'string' && typeof (value as StandardRef).version === 'string';
}

function isWindow(value: unknown): value is { from: number; to: number } {
  return typeof value === 'object' && value !== null && typeof (value as { from: unknown }).from === 'number' && typeof (value as { to: unknown }).to === 'number';
}

const AQI_ALERT_THRESHOLD = (AQI_BANDS.find((b) => b.level === 3)?.maxAqi ?? 100) as number;

/** the standard block of a notification: the edition's limit, averaging and source from the core standards data */
export function standardBlock(ref: StandardRef | null): AlertNotification['standard'] {
  if (!ref) return null;
  if (ref.id === 'th-aqi') {
    return {
      id: ref.id,
      version: ref.version,
      limit: AQI_ALERT_THRESHOLD,
      averaging: 'PM2.5/PM10 24 h, O3/CO 8 h, NO2/SO2 1 h',
      source: 'Thai AQI, Pollution Control Department; AQI 100 equals the ambient standards',
    };
  }
  const edition = standardVersions(ref.id).find((s) => s.version === ref.version) ?? standardVersions(ref.id).at(-1);
  if (!edition) return null;
  const limit = edition.limit.max ?? edition.limit.min;
  if (limit === undefined) return null;
  return { id: edition.id, version: edition.version, limit, averaging: edition.averaging.label.en, source: edition.source };
}

/** The AlertNotification of a transition, with the names of the city, site and device from the registry. */
export async function buildNotification(
  pending: PendingTransition,
  context: { directory: DeviceDirectory; rules: RuleBook; consoleBaseUrl?: string | null },
): Promise<AlertNotification> {
  const { alert, transition } = pending;
  const details = transition.details;
  const [city, site, device] = await Promise.all([
    context.directory.city(alert.cityId).catch(() => null),
    alert.siteId ? context.directory.site(alert.siteId).catch(() => null) : Promise.resolve(null),
    alert.deviceId ? context.directory.device(alert.deviceId).catch(() => null) : Promise.resolve(null),
  ]);
  const rule = context.rules.rule(alert.cityId, alert.ruleId);
  // raise, clear and severity changes carry their own observation; reminders and the like use the alert's latest
  const standardRef = isStandardRef(details.standard) ? details.standard : alert.standardId && alert.standardVersion ? { id: alert.standardId, version: alert.standardVersion } : null;
  const window = isWindow(details.window) ? details.window : alert.windowFrom !== null && alert.windowTo !== null ? { from: alert.windowFrom, to: alert.windowTo } : null;
  const base = context.consoleBaseUrl?.replace(/\/+$/, '');
  return {
    alertId: alert.id,
    transition: transition.transition,
    severity: transition.severity,
    ruleId: alert.ruleId,
    ruleName: rule ? { en: rule.name.en, th: rule.name.th } : { en: alert.ruleId, th: alert.ruleId },
    city: { id: alert.cityId, name: city?.name ?? alert.cityId, nameTh: city?.nameTh ?? null },
    site: alert.siteId ? { id: alert.siteId, name: site?.name ?? alert.siteId, nameTh: site?.nameTh ?? null } : null,
    device: alert.deviceId ? { id: alert.deviceId, name: device?.name ?? null } : null,
    domain: alert.domain,
    parameter: typeof details.parameter === 'string' ? details.parameter : alert.parameter,
    value: transition.value ?? alert.value,
    unit: typeof details.unit === 'string' ? details.unit : alert.unit,
    standard: standardBlock(standardRef),
    at: transition.at,
    windowFrom: window?.from ?? null,
    windowTo: window?.to ?? null,
    escalationLevel: transition.escalationLevel,
    acknowledgedBy: alert.acknowledgedBy,
    assignee: alert.assignee,
    consoleUrl: base ? `${base}/alerts/${encodeURIComponent(alert.id)}` : null,
    system: alert.domain === 'system' ? systemBlock(alert.details, details) : null,
  };
}

/** which service a system alert is about and what it last reported (the condition's sentence) */
function systemBlock(alertDetails: Record<string, unknown>, transitionDetails: Record<string, unknown>): { source: string; summary: string } {
  const text = (key: string) => (typeof transitionDetails[key] === 'string' ? (transitionDetails[key] as string) : typeof alertDetails[key] === 'string' ? (alertDetails[key] as string) : null);
  const source = text('source') ?? 'unknown service';
  return { source, summary: text('detail') ?? source };
}

/** The dashboard event of a transition (the alert's state as it was right after it). */
export function alertEventOf(pending: PendingTransition): AlertEvent {
  const { alert, transition } = pending;
  const cleared = transition.transition === 'cleared' || (alert.clearedAt !== null && transition.at >= alert.clearedAt);
  const acknowledged = transition.transition === 'acknowledged' || (alert.acknowledgedAt !== null && alert.acknowledgedAt <= transition.recordedAt);
  const details = transition.details;
  const standard = isStandardRef(details.standard) ? details.standard.id : alert.standardId;
  return {
    ts: transition.at,
    alertId: alert.id,
    city: alert.cityId,
    site: alert.siteId,
    device: alert.deviceId,
    domain: alert.domain,
    ruleId: alert.ruleId,
    transition: transition.transition,
    severity: transition.severity,
    state: cleared ? 'cleared' : 'active',
    acknowledged,
    escalationLevel: transition.escalationLevel,
    parameter: typeof details.parameter === 'string' ? details.parameter : alert.parameter,
    value: transition.value ?? alert.value,
    standardId: standard,
  };
}

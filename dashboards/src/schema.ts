/**
 * What the platform keeps in InfluxDB, as written by @mueang/storage's InfluxTelemetryStore (DESIGN.md "Storage").
 * The dashboard tests write through that adapter and run every panel against the result, so a rename there fails
 * here.
 */
import { DOMAINS, parametersOf, type Domain } from '@mueang/core';

/** the v1 database; in InfluxDB 2.x a bucket of the same name (DBRP mapping, see deploy/influxdb) */
export const DEFAULT_DATABASE = 'mueang';

/** readings: one measurement per domain, tags city/site/device, one float field per catalog parameter */
export const READING_TAGS = ['city', 'site', 'device'] as const;

export function readingMeasurement(domain: Domain): string {
  return domain;
}

/** the catalog parameters a domain's devices may send: the fields of its measurement */
export function readingFields(domain: Domain): string[] {
  return parametersOf(domain).map((p) => p.name);
}

export { DOMAINS };

/** hourly and daily rollups computed by ingest: tags city/site/device/domain/param, fields mean/min/max/count/sum, and leq for noise */
export const ROLLUP_MEASUREMENT = { hour: 'rollup_1h', day: 'rollup_1d' } as const;
export const ROLLUP_TAGS = ['city', 'site', 'device', 'domain', 'param'] as const;

/**
 * Dead letters: tags reason, city, domain (percent-encoded free text); string fields topic, message, payload and,
 * when known, device and param. `device` is a field here (unbounded values must not become series), so dead letters
 * are filtered by city only.
 */
export const DEAD_LETTER_MEASUREMENT = 'dead_letter';

/**
 * Alert events, one point per lifecycle transition, written by the alerts service (InfluxTelemetryStore
 * writeAlertEvents). Tags city, device, domain, rule, transition (raised, escalated, reminder, cleared, acknowledged,
 * assigned, severity_changed) and severity; fields alert_id, state ('active' | 'cleared': the alert's state after the
 * transition), acknowledged (1/0), escalation_level, and when known site, parameter, value, standard_id. `site` is a
 * field here, so alerts are filtered by city and device.
 */
export const ALERT_EVENT_MEASUREMENT = 'alert_events';
export const ALERT_EVENT_FIELDS = { alertId: 'alert_id', state: 'state', acknowledged: 'acknowledged', site: 'site', parameter: 'parameter', value: 'value' } as const;
export const ALERT_STATE = { active: 'active', cleared: 'cleared' } as const;

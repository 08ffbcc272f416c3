/**
 * Rules about the platform itself rather than a device: they watch the status reports services publish on
 * `mueang/system/{source}/...` (domain 'system'). An alert of such a rule has no device or site; it is raised for
 * each city the reporting service serves, so the city's usual recipients and routes hear about it.
 */
import type { BilingualText } from '../standards/types.ts';
import { MINUTE_MS, HOUR_MS } from '../time.ts';
import { DISK_REPORT_EVERY_MS, DISK_REPORT_MAX_AGE_MS } from './choices.ts';
import type { AlertRule } from './types.ts';

export const DISK_SPACE_RULE_ID = 'system.disk-space';

/** labels of the values system rules report (device rules take theirs from the catalog) */
export const SYSTEM_PARAMETER_LABELS: Readonly<Record<string, BilingualText>> = {
  diskFree: { en: 'Free disk space', th: 'พื้นที่ดิสก์ว่าง' },
};

export const SYSTEM_RULES: readonly AlertRule[] = [
  {
    id: DISK_SPACE_RULE_ID,
    name: { en: 'Platform disk nearly full', th: 'พื้นที่ดิสก์ของระบบใกล้เต็ม' },
    domains: ['system'],
    severity: 'major',
    enabled: true,
    conditions: [
      { id: 'critical', kind: 'disk-space', level: 'critical', severity: 'critical', maxReportAgeMs: DISK_REPORT_MAX_AGE_MS },
      { id: 'warning', kind: 'disk-space', level: 'warning', severity: 'major', maxReportAgeMs: DISK_REPORT_MAX_AGE_MS },
    ],
    forMs: 0,
    clearAfterQuietMs: 2 * DISK_REPORT_EVERY_MS,
    escalation: { afterMs: HOUR_MS, maxLevel: 1 },
    reminderEveryMs: 6 * HOUR_MS,
    source: `rule choices (packages/core/src/rules/choices.ts) "disk-space"; thresholds applied by the reporting service (ingest DISK_*), checked every ${DISK_REPORT_EVERY_MS / MINUTE_MS} min`,
  },
];

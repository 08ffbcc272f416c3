/**
 * Standard exceedance rules, generated from the standards data: one rule per Thai ambient air or noise standard that a
 * device can measure (a catalog parameter) and that has a short window (rolling 1 h, 8 h, 24 h, or each reading).
 * Annual and monthly standards are KPIs, not alerts. The limit is never copied: each evaluation uses the edition in
 * force on the window's last day.
 */
import { getParameter } from '../catalog.ts';
import { allStandards } from '../standards/registry.ts';
import type { Standard } from '../standards/types.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../time.ts';
import {
  LATEST_READING_MAX_AGE_MS,
  LONG_WINDOW_FROM_MS,
  LONG_WINDOW_SLOT_MS,
  SHORT_WINDOW_SLOT_MS,
  STANDARD_CLEAR_FRACTION,
} from './choices.ts';
import type { AlertRule } from './types.ts';

const ALERTING_CATEGORIES = new Set(['ambient-air', 'noise']);

/** 'th-aaqs-pm25-24h' -> 'air.pm25.24h', 'th-noise-leq-24h' -> 'air.noise.leq.24h' */
export function ruleIdForStandard(standard: Pick<Standard, 'id' | 'domain'>): string {
  const tail = standard.id.replace(/^th-(aaqs-)?/, '').replace(/-/g, '.');
  return `${standard.domain}.${tail}`;
}

/** Whether a standard gets an exceedance rule (see the module comment). */
export function isAlertingStandard(standard: Standard): boolean {
  if (!ALERTING_CATEGORIES.has(standard.category)) return false;
  if (getParameter(standard.domain, standard.parameter) === undefined) return false;
  const { kind, periodMs } = standard.averaging;
  return (kind === 'rolling' && periodMs !== undefined && periodMs <= DAY_MS) || kind === 'instant';
}

function slotFor(standard: Standard): number {
  if (standard.averaging.kind === 'instant') return LATEST_READING_MAX_AGE_MS;
  return (standard.averaging.periodMs ?? 0) >= LONG_WINDOW_FROM_MS ? LONG_WINDOW_SLOT_MS : SHORT_WINDOW_SLOT_MS;
}

/** quiet period before a cleared exceedance is declared over: longer for longer windows */
function quietFor(standard: Standard): number {
  const period = standard.averaging.periodMs ?? 0;
  if (period >= DAY_MS) return HOUR_MS;
  if (period >= LONG_WINDOW_FROM_MS) return 30 * MINUTE_MS;
  return 15 * MINUTE_MS;
}

function ruleFor(standard: Standard): AlertRule {
  return {
    id: ruleIdForStandard(standard),
    name: { en: `${standard.name.en} above the standard`, th: `${standard.name.th} เกินมาตรฐาน` },
    domains: [standard.domain],
    severity: 'major',
    enabled: true,
    conditions: [
      {
        id: 'standard',
        kind: 'standard',
        standardId: standard.id,
        parameter: standard.parameter,
        expectedIntervalMs: slotFor(standard),
        clearFraction: STANDARD_CLEAR_FRACTION,
      },
    ],
    // the averaging window is the duration: a short spike does not move a 24 h mean over the limit
    forMs: 0,
    clearAfterQuietMs: quietFor(standard),
    escalation: { afterMs: HOUR_MS, maxLevel: 2 },
    reminderEveryMs: 6 * HOUR_MS,
    source: `Thai standard ${standard.id} (the edition in force on the window's last day): ${standard.source}`,
  };
}

/** One rule per alerting standard id, named after its latest edition. */
export function standardRules(standards: readonly Standard[] = allStandards()): AlertRule[] {
  const latest = new Map<string, Standard>();
  for (const standard of standards) {
    if (!isAlertingStandard(standard)) continue;
    const known = latest.get(standard.id);
    if (!known || known.effectiveFrom < standard.effectiveFrom) latest.set(standard.id, standard);
  }
  return [...latest.values()].map(ruleFor);
}

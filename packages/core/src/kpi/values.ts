/** Shared pieces of the KPI computations: the standard editions used, partial results, small statistics. */
import { MIN_COMPLETENESS } from '../standards/project-choices.ts';
import { getStandard } from '../standards/registry.ts';
import { roundHalfUp } from '../standards/rounding.ts';
import type { BilingualText, Standard } from '../standards/types.ts';
import type { KpiStatus, StandardUse } from './types.ts';

/** What a KPI computation returns; the definition's fields and the score are added by the assessment. */
export interface KpiOutcome {
  status: KpiStatus;
  value: number | null;
  completeness: number;
  standards: StandardUse[];
  notes: BilingualText[];
  details: Record<string, unknown>;
}

/** id -> day -> edition; the standards data never changes at run time, and look-ups by date parse the date */
const EDITIONS = new Map<string, Map<string, Standard>>();

/** The edition of a standard in force on a day; the shipped data covers every day since 1970 for the ids used here. */
export function standardOn(id: string, date: string): Standard {
  let byDay = EDITIONS.get(id);
  if (!byDay) EDITIONS.set(id, (byDay = new Map()));
  let standard = byDay.get(date);
  if (!standard) {
    standard = getStandard(id, date);
    if (!standard) throw new Error(`standard "${id}" has no edition in force on ${date}`);
    byDay.set(date, standard);
  }
  return standard;
}

/** Counts the days each standard edition was used for. */
export class StandardTally {
  private readonly uses = new Map<Standard, { standard: Standard; days: Set<string> }>();

  add(standard: Standard, date: string): void {
    let use = this.uses.get(standard);
    if (!use) this.uses.set(standard, (use = { standard, days: new Set() }));
    use.days.add(date);
  }

  list(): StandardUse[] {
    return [...this.uses.values()]
      .map(({ standard: s, days }) => ({
        id: s.id,
        version: s.version,
        limit: { ...s.limit },
        unit: s.unit,
        effectiveFrom: s.effectiveFrom,
        effectiveTo: s.effectiveTo ?? null,
        days: days.size,
      }))
      .sort((a, b) => (a.id === b.id ? a.effectiveFrom.localeCompare(b.effectiveFrom) : a.id < b.id ? -1 : 1));
  }
}

/** the statistic rounded as the standard is written, then compared (project choice "comparison-rounding") */
export function withinLimit(value: number, standard: Standard): boolean {
  const { max, min } = standard.limit;
  // rounding moves a value by at most half a step: further than a step from the limit, it cannot change the verdict
  const step = STEPS[standard.decimals] ?? 10 ** -standard.decimals;
  if ((max === undefined || value < max - step) && (min === undefined || value > min + step)) return true;
  if ((max !== undefined && value > max + step) || (min !== undefined && value < min - step)) return false;
  const rounded = roundHalfUp(value, standard.decimals);
  if (max !== undefined && rounded > max) return false;
  if (min !== undefined && rounded < min) return false;
  return true;
}

const STEPS = [1, 0.1, 0.01, 0.001, 0.0001];

export function percent(part: number, whole: number): number {
  return whole > 0 ? roundHalfUp((part / whole) * 100, 2) : 0;
}

export function ratio(part: number, whole: number): number {
  return whole > 0 ? roundHalfUp(part / whole, 4) : 0;
}

export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function enoughData(completeness: number): boolean {
  return completeness >= MIN_COMPLETENESS - 1e-9;
}

export const INSUFFICIENT_COMPLETENESS = (what: BilingualText, completeness: number): BilingualText => ({
  en: `Only ${roundHalfUp(completeness * 100, 1)} % of the expected ${what.en} hold valid data; at least 75 % are needed (project choice "completeness").`,
  th: `${what.th}มีข้อมูลที่ใช้ได้เพียงร้อยละ ${roundHalfUp(completeness * 100, 1)} ของที่ควรมี ต้องมีอย่างน้อยร้อยละ 75`,
});

/** An outcome without a value. */
export function insufficient(completeness: number, notes: BilingualText[], details: Record<string, unknown> = {}, standards: StandardUse[] = []): KpiOutcome {
  return { status: 'insufficient_data', value: null, completeness: roundHalfUp(completeness, 4), standards, notes, details };
}

/** An outcome with a value, or insufficient data when completeness is below 75 %. */
export function outcome(
  value: number,
  completeness: number,
  what: BilingualText,
  standards: StandardUse[],
  details: Record<string, unknown>,
  notes: BilingualText[] = [],
): KpiOutcome {
  if (!enoughData(completeness)) return insufficient(completeness, [INSUFFICIENT_COMPLETENESS(what, completeness), ...notes], details, standards);
  return { status: 'ok', value, completeness: roundHalfUp(completeness, 4), standards, notes, details };
}

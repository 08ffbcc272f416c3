import type { Domain } from '../types.ts';
import { parseStandardsDate, toBangkokDay, type DateInput } from './dates.ts';
import { STANDARDS, THAI_AQI_TABLES, type AqiTable } from './data/index.ts';
import type { Standard, StandardCategory, StandardScope } from './types.ts';

export interface StandardFilter extends StandardScope {
  domain?: Domain;
  category?: StandardCategory;
}

/** Every edition of every standard, in data order. */
export function allStandards(): readonly Standard[] {
  return STANDARDS;
}

/** All editions of one standard id, oldest first. */
export function standardVersions(id: string): Standard[] {
  return STANDARDS.filter((s) => s.id === id).sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
}

/** Whether an edition is in force on an Asia/Bangkok day ('YYYY-MM-DD'); effectiveTo is inclusive. */
export function isInForce(standard: { effectiveFrom: string; effectiveTo?: string }, day: string): boolean {
  return standard.effectiveFrom <= day && (standard.effectiveTo === undefined || day <= standard.effectiveTo);
}

/**
 * The edition of `id` in force at a date, or undefined when none is (unknown id, or a date before the first edition).
 * Throws StandardsInputError only for a malformed date (check user input with parseStandardsDate).
 */
export function getStandard(id: string, at: DateInput): Standard | undefined {
  const day = toBangkokDay(at);
  return STANDARDS.find((s) => s.id === id && isInForce(s, day));
}

/** The standards for a catalog parameter in force at a date, optionally narrowed by domain, category and scope. */
export function standardsFor(parameter: string, at: DateInput, filter: StandardFilter = {}): Standard[] {
  const day = toBangkokDay(at);
  return STANDARDS.filter((s) => s.parameter === parameter && isInForce(s, day) && matches(s, filter));
}

function matches(standard: Standard, filter: StandardFilter): boolean {
  if (filter.domain !== undefined && standard.domain !== filter.domain) return false;
  if (filter.category !== undefined && standard.category !== filter.category) return false;
  if (filter.waterClass !== undefined && standard.scope?.waterClass !== filter.waterClass) return false;
  if (filter.buildingType !== undefined && standard.scope?.buildingType !== filter.buildingType) return false;
  if (filter.hardness !== undefined && standard.scope?.hardness !== filter.hardness) return false;
  return true;
}

/** The Thai AQI breakpoint table in force at a date (2023 table from 2023-06-01). */
export function aqiTableFor(at: DateInput): AqiTable {
  const day = toBangkokDay(at);
  const table = THAI_AQI_TABLES.find((t) => isInForce(t, day));
  // the earliest table starts at UNDATED_EDITION_FROM; only dates before 1970 reach here
  return table ?? (THAI_AQI_TABLES[0] as AqiTable);
}

/**
 * Consistency problems in standards data (empty when sound): editions of one id overlapping in time, missing
 * window lengths, impossible limits, bad dates. Run by the tests over the shipped data.
 */
export function checkStandardsData(standards: readonly Standard[] = STANDARDS): string[] {
  const problems: string[] = [];
  const byId = new Map<string, Standard[]>();
  for (const s of standards) {
    const where = `${s.id}@${s.version}`;
    byId.set(s.id, [...(byId.get(s.id) ?? []), s]);
    for (const [field, value] of [['effectiveFrom', s.effectiveFrom], ['effectiveTo', s.effectiveTo]] as const) {
      if (value === undefined) continue;
      const parsed = parseStandardsDate(value);
      if (!parsed.ok || parsed.date !== value) problems.push(`${where}: ${field} "${value}" is not a YYYY-MM-DD day`);
    }
    if (s.effectiveTo !== undefined && s.effectiveTo < s.effectiveFrom) problems.push(`${where}: effectiveTo is before effectiveFrom`);
    const { min, max } = s.limit;
    if (min === undefined && max === undefined) problems.push(`${where}: limit has neither min nor max`);
    for (const v of [min, max]) if (v !== undefined && !Number.isFinite(v)) problems.push(`${where}: limit ${v} is not finite`);
    if (min !== undefined && max !== undefined && min > max) problems.push(`${where}: limit min ${min} > max ${max}`);
    const { kind, periodMs, calendarUnit } = s.averaging;
    if ((kind === 'rolling' || kind === 'sample-window') && !(periodMs !== undefined && periodMs > 0)) {
      problems.push(`${where}: ${kind} averaging needs periodMs > 0`);
    }
    if (kind === 'calendar' && calendarUnit === undefined) problems.push(`${where}: calendar averaging needs calendarUnit`);
    if ((kind === 'instant') !== (s.statistic === 'sample')) problems.push(`${where}: statistic 'sample' goes with averaging 'instant' only`);
    if (s.statistic === 'percentile' && !(s.percentile !== undefined && s.percentile > 0 && s.percentile < 100)) {
      problems.push(`${where}: percentile statistic needs percentile in (0, 100)`);
    }
    if (!Number.isInteger(s.decimals) || s.decimals < 0) problems.push(`${where}: decimals must be a non-negative integer`);
  }
  for (const [id, editions] of byId) {
    const sorted = [...editions].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
    const versions = new Set(sorted.map((s) => s.version));
    if (versions.size !== sorted.length) problems.push(`${id}: two editions share a version label`);
    for (let i = 1; i < sorted.length; i += 1) {
      const previous = sorted[i - 1] as Standard;
      const current = sorted[i] as Standard;
      if (previous.effectiveTo === undefined || previous.effectiveTo >= current.effectiveFrom) {
        problems.push(`${id}: editions ${previous.version} and ${current.version} overlap in time`);
      }
      if (previous.parameter !== current.parameter || previous.averaging.kind !== current.averaging.kind || previous.averaging.periodMs !== current.averaging.periodMs) {
        problems.push(`${id}: editions ${previous.version} and ${current.version} differ in parameter or averaging`);
      }
    }
  }
  return problems;
}

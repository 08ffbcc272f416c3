/**
 * What a pattern keeps between calls for one device. Patterns are functions of time (so a
 * backfill and a live run agree); the state only caches running sums that would be slow to
 * recompute, e.g. the meter totals of all days before today.
 */
export interface PatternState {
  /** energy consumed on Bangkok days before `dayIndex` (since the meter epoch), kWh */
  importDays?: { dayIndex: number; kwhBefore: number };
  /** solar energy generated on solar days before `dayIndex`, kWh */
  solarDays?: { dayIndex: number; kwhBefore: number };
}

export function newPatternState(): PatternState {
  return {};
}

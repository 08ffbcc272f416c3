/**
 * Energy means of sound levels. A level in dB stands for an energy 10^(L/10); the equivalent continuous level over
 * readings is the level of their mean energy, Leq = 10·log10(mean(10^(L/10))) (shared/reference/thai-standards.md §5:
 * the Thai general noise standard is an Leq 24 h). It is never below the arithmetic mean of the levels, and never above their maximum.
 * Leq of single readings: leqOfLevels in standards/windows.ts.
 */

/** the energy a level in dB stands for (relative: 10^(L/10)) */
export function levelEnergy(level: number): number {
  return 10 ** (level / 10);
}

/** the level of an energy */
export function energyLevel(energy: number): number {
  return 10 * Math.log10(energy);
}

/**
 * Leq over parts whose own Leq and reading count are known (a day from its hours): their energies weighted by counts.
 * NaN when a part lacks its Leq (it would be left out silently otherwise) or there are no readings.
 */
export function combineLeq(parts: ReadonlyArray<{ leq?: number; count: number }>): number {
  let energy = 0;
  let count = 0;
  for (const part of parts) {
    if (part.leq === undefined || !Number.isFinite(part.leq)) return Number.NaN;
    energy += part.count * levelEnergy(part.leq);
    count += part.count;
  }
  return count > 0 ? energyLevel(energy / count) : Number.NaN;
}

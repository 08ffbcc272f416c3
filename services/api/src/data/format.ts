import type { AqiBandDefinition } from '@mueang/core';

export function iso(ts: number): string {
  return new Date(ts).toISOString();
}

export interface BandOut {
  level: number;
  name: { en: string; th: string };
  colour: string;
}

export function bandOut(band: AqiBandDefinition): BandOut {
  return { level: band.level, name: { en: band.name.en, th: band.name.th }, colour: band.colour.hex };
}

/** Values rounded for output only where the store returns float noise (means of decimals). */
export function roundValue(value: number, decimals = 6): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

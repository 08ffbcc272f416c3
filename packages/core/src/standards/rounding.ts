/**
 * Round half up to `decimals` places. The product is first cut to 15 significant digits so that binary noise
 * (15.05 * 10 = 150.49999999999997) does not decide the rounding of a value written with that many decimals.
 */
export function roundHalfUp(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const scaled = Number((value * factor).toPrecision(15));
  return Math.round(scaled) / factor;
}

/** number of decimals a limit is written with: 0.005 -> 3, 1.5 -> 1, 120 -> 0 */
export function decimalsOf(value: number): number {
  const text = String(value);
  const dot = text.indexOf('.');
  return dot === -1 ? 0 : text.length - dot - 1;
}

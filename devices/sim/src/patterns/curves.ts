/** Small curve helpers for daily profiles. Hours are Asia/Bangkok clock hours, 0-24. */

export function gauss(x: number, mean: number, sd: number): number {
  return Math.exp(-((x - mean) ** 2) / (2 * sd * sd));
}

/** a bell around `peak` measured on the 24 h clock, so that 23:00 and 01:00 are 2 h apart */
export function clockGauss(hour: number, peak: number, sd: number): number {
  const d = Math.abs(hour - peak);
  return gauss(Math.min(d, 24 - d), 0, sd);
}

/** +1 at 14:30, -1 at 06:00: the daily temperature curve (warming 8.5 h, cooling 15.5 h) */
export function diurnal(hour: number): number {
  if (hour >= 6 && hour < 14.5) return -Math.cos((Math.PI * (hour - 6)) / 8.5);
  const since = (hour - 14.5 + 24) % 24;
  return Math.cos((Math.PI * since) / 15.5);
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** about 1 between `from` and `to` (hours), 0 outside, with soft edges of `ramp` hours */
export function plateau(hour: number, from: number, to: number, ramp = 0.5): number {
  return sigmoid((hour - from) / ramp) * sigmoid((to - hour) / ramp);
}

export function clamp(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}

export function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

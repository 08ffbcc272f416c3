/**
 * Seeded randomness. Two kinds, both deterministic:
 * - Rng: a sequential generator (mulberry32) for per-reading measurement noise;
 * - hashUnit: a stateless hash of its arguments, for things that must not depend on how many
 *   readings were drawn before (weather of a day, a city's rain in an hour), so that two devices
 *   in one city see the same rain and a backfill and a live run agree on it.
 */

/** 32-bit FNV-1a over the text form of the parts, then a murmur3 finaliser for avalanche. */
export function hash32(...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  const text = parts.join('\u001f');
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** a number in [0, 1) fixed by its arguments */
export function hashUnit(...parts: Array<string | number>): number {
  return hash32(...parts) / 4294967296;
}

/**
 * Smooth noise in [0, 1): hash values at integer steps of `x`, cosine-interpolated between them,
 * so a quantity drifts from one hour (or day) to the next instead of jumping.
 */
export function smoothNoise(x: number, ...key: Array<string | number>): number {
  const i = Math.floor(x);
  const f = x - i;
  const a = hashUnit(...key, i);
  const b = hashUnit(...key, i + 1);
  const w = (1 - Math.cos(f * Math.PI)) / 2;
  return a * (1 - w) + b * w;
}

export class Rng {
  private s: number;

  constructor(seed: number | string) {
    this.s = typeof seed === 'number' ? seed >>> 0 : hash32(seed);
  }

  /** a child generator whose sequence depends only on this generator's seed state and the label */
  fork(label: string | number): Rng {
    return new Rng(hash32(this.s, label));
  }

  /** uniform in [0, 1) (mulberry32) */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  range(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  int(min: number, maxInclusive: number): number {
    return min + Math.floor(this.next() * (maxInclusive - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() needs at least one item');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** standard normal (Box-Muller) */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** url-safe text of `bytes` random bytes, like generateSecret() but reproducible */
  token(bytes: number): string {
    const buf = Buffer.alloc(bytes);
    for (let i = 0; i < bytes; i++) buf[i] = Math.floor(this.next() * 256);
    return buf.toString('base64url');
  }
}

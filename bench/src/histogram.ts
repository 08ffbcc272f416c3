/** Latencies in whole milliseconds: exact up to a minute, one overflow bucket above. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

const LIMIT_MS = 60_000;

export class LatencyHistogram {
  private buckets = new Uint32Array(LIMIT_MS + 1);
  private count = 0;
  private sum = 0;
  private max = 0;

  add(ms: number): void {
    const v = Math.max(0, Math.round(ms));
    this.buckets[Math.min(v, LIMIT_MS)]!++;
    this.count++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  summary(): LatencySummary {
    return { count: this.count, p50: this.percentile(0.5), p90: this.percentile(0.9), p99: this.percentile(0.99), max: this.max, mean: this.count ? this.sum / this.count : 0 };
  }

  reset(): void {
    this.buckets.fill(0);
    this.count = 0;
    this.sum = 0;
    this.max = 0;
  }

  private percentile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let ms = 0; ms <= LIMIT_MS; ms++) {
      seen += this.buckets[ms]!;
      if (seen >= rank) return ms === LIMIT_MS ? this.max : ms;
    }
    return this.max;
  }
}

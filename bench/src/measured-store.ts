import type { DeadLetter, Domain, RollupRow, TelemetryPoint } from '@mueang/core';
import type { AggregateQuery, DeadLetterQuery, RawQuery, RollupQuery, TagFilter, TelemetryStore } from '@mueang/storage';
import { LatencyHistogram } from './histogram.ts';

/**
 * The store ingest writes through, measuring publish-to-queryable latency: a reading's `ts` is
 * the moment the generator published it (same machine, same clock) and the latency is taken when
 * the write that holds it has been acknowledged by the store. InfluxDB answers a write with 204
 * only once the points are in its WAL and in-memory cache, where queries see them; DuckDB commits
 * before the append returns. Every `verifyEvery`-th batch, one of its readings is queried back at
 * once to check that claim rather than trust it.
 */
export class MeasuredStore implements TelemetryStore {
  readonly latency = new LatencyHistogram();
  readings = 0;
  dataPoints = 0;
  lastWriteAt = 0;
  verified = 0;
  notFound = 0;
  private batches = 0;

  constructor(
    private readonly inner: TelemetryStore,
    private readonly verifyEvery = 0,
  ) {}

  get kind() {
    return this.inner.kind;
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  async writePoints(points: TelemetryPoint[]): Promise<void> {
    await this.inner.writePoints(points);
    const now = Date.now();
    this.lastWriteAt = now;
    for (const p of points) {
      this.latency.add(now - p.ts);
      this.readings++;
      for (const _ in p.values) this.dataPoints++;
    }
    this.batches++;
    const probe = points.at(-1);
    if (this.verifyEvery > 0 && probe && this.batches % this.verifyEvery === 0) void this.verify(probe);
  }

  private async verify(p: TelemetryPoint): Promise<void> {
    try {
      const found = await this.inner.queryRaw({ domain: p.domain, device: p.device, from: p.ts, to: p.ts + 1 });
      if (found.length > 0) this.verified++;
      else this.notFound++;
    } catch {
      this.notFound++;
    }
  }

  queryRaw(q: RawQuery): Promise<TelemetryPoint[]> {
    return this.inner.queryRaw(q);
  }
  aggregate(q: AggregateQuery) {
    return this.inner.aggregate(q);
  }
  latest(q: TagFilter & { domain?: Domain }): Promise<TelemetryPoint[]> {
    return this.inner.latest(q);
  }
  writeRollups(rows: RollupRow[]): Promise<void> {
    return this.inner.writeRollups(rows);
  }
  queryRollups(q: RollupQuery): Promise<RollupRow[]> {
    return this.inner.queryRollups(q);
  }
  writeDeadLetters(rows: DeadLetter[]): Promise<void> {
    return this.inner.writeDeadLetters(rows);
  }
  queryDeadLetters(q: DeadLetterQuery): Promise<DeadLetter[]> {
    return this.inner.queryDeadLetters(q);
  }
  ping(): Promise<boolean> {
    return this.inner.ping();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

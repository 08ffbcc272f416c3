import type { TelemetryPoint } from '@mueang/core';
import type { TelemetryStore } from '@mueang/storage';
import { LatencyHistogram } from './histogram.ts';

/**
 * What the store ingest writes through saw: publish-to-queryable latency per reading, readings
 * and values written, per second. A reading's `ts` is the moment the generator published it
 * (same machine, same clock); its latency is taken when the write holding it was acknowledged by
 * the store. InfluxDB answers a write with 204 once the points are in its WAL and in-memory cache,
 * where queries see them; DuckDB commits before the append returns. Every `verifyEvery`-th batch,
 * one of its readings is queried back at once to check that claim rather than trust it.
 */
export class WriteStats {
  readonly latency = new LatencyHistogram();
  readings = 0;
  dataPoints = 0;
  lastWriteAt = 0;
  verified = 0;
  notFound = 0;
  /** readings whose write was acknowledged, per epoch second */
  readonly perSecond = new Map<number, number>();
  batches = 0;
}

/** the store with writePoints measured; every other method (present or added later) passes through */
export function measuredStore(inner: TelemetryStore, verifyEvery = 0): { store: TelemetryStore; stats: WriteStats } {
  const stats = new WriteStats();
  const verify = async (p: TelemetryPoint) => {
    try {
      const found = await inner.queryRaw({ domain: p.domain, device: p.device, from: p.ts, to: p.ts + 1 });
      if (found.length > 0) stats.verified++;
      else stats.notFound++;
    } catch {
      stats.notFound++;
    }
  };
  const writePoints = async (points: TelemetryPoint[]): Promise<void> => {
    await inner.writePoints(points);
    const now = Date.now();
    stats.lastWriteAt = now;
    const second = Math.floor(now / 1000);
    stats.perSecond.set(second, (stats.perSecond.get(second) ?? 0) + points.length);
    for (const p of points) {
      stats.latency.add(now - p.ts);
      stats.readings++;
      for (const _ in p.values) stats.dataPoints++;
    }
    stats.batches++;
    const probe = points.at(-1);
    if (verifyEvery > 0 && probe && stats.batches % verifyEvery === 0) void verify(probe);
  };
  const store = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'writePoints') return writePoints;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store, stats };
}

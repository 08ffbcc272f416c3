import type { DeadLetter, TelemetryPoint } from '@mueang/core';
import { DuckDBTelemetryStore, TelemetryStoreError, type TelemetryStore } from '@mueang/storage';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreWriter, type WrittenBatch } from '../src/store-writer.ts';

const T0 = Date.UTC(2026, 10, 1, 0, 0);

function point(i: number, values: Record<string, number> = { pm25: i }): TelemetryPoint {
  return { ts: T0 + i * 60_000, city: 'cnx', site: 's1', device: 'aq-1', domain: 'air', values };
}

/** a real DuckDB store whose writes fail on demand, the way a store that is down fails */
class FlakyStore {
  failures: Error[] = [];
  attempts = 0;
  constructor(readonly inner: TelemetryStore) {}
  asStore(): TelemetryStore {
    return new Proxy(this.inner, {
      get: (target, prop, receiver) => {
        if (prop === 'writePoints') {
          return async (points: TelemetryPoint[]) => {
            this.attempts++;
            const failure = this.failures.shift();
            if (failure) throw failure;
            return target.writePoints(points);
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }
}

let store: DuckDBTelemetryStore;
beforeEach(async () => {
  store = new DuckDBTelemetryStore({ path: ':memory:' });
  await store.init();
});
afterEach(async () => {
  await store.close();
});

describe('StoreWriter', () => {
  it('batches by size and by time, in order, and reports each written batch', async () => {
    const written: WrittenBatch[] = [];
    const writer = new StoreWriter(store, { maxBatchPoints: 10, maxDelayMs: 20 }, { onWritten: (b) => written.push(b) });
    for (let i = 0; i < 25; i++) writer.add([point(i)], [], i + 1);
    await writer.flush();
    expect(written.map((b) => b.points.length)).toEqual([10, 10, 5]);
    expect(written.flatMap((b) => b.seqs)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    const stored = await store.queryRaw({ domain: 'air', from: T0, to: T0 + 3_600_000 });
    expect(stored.map((p) => p.values.pm25)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(writer.pendingPoints).toBe(0);
  });

  it('retries a store that is down until it comes back, losing nothing', async () => {
    const flaky = new FlakyStore(store);
    flaky.failures = [1, 2, 3].map(() => new TelemetryStoreError('backend.unreachable', 'connect ECONNREFUSED 127.0.0.1:8086', true));
    const retries: number[] = [];
    const writer = new StoreWriter(flaky.asStore(), { maxBatchPoints: 100, maxDelayMs: 5, retryDelayMs: 5, maxRetryDelayMs: 20 }, { onRetry: (_e, attempt) => retries.push(attempt) });
    for (let i = 0; i < 50; i++) writer.add([point(i)], [], i + 1);
    await writer.flush();
    expect(retries).toEqual([1, 2, 3]);
    expect(flaky.attempts).toBe(4);
    const stored = await store.queryRaw({ domain: 'air', from: T0, to: T0 + 3_600_000 });
    expect(stored).toHaveLength(50);
    expect(writer.lastError).toBeNull();
  });

  it('turns points the store refuses as bad data into dead letters instead of retrying forever', async () => {
    const flaky = new FlakyStore(store);
    flaky.failures = [new TelemetryStoreError('input.invalid', 'field type conflict: pm25 is float, got string', false)];
    const rejected: TelemetryPoint[][] = [];
    const writer = new StoreWriter(flaky.asStore(), { maxDelayMs: 5 }, { onRejected: (points) => rejected.push(points) });
    writer.add([point(1), point(2)], [], 1);
    await writer.flush();
    expect(rejected).toHaveLength(1);
    const letters = await store.queryDeadLetters({ city: 'cnx' });
    expect(letters.map((d) => d.reason)).toEqual(['store.rejected', 'store.rejected']);
    expect(letters[0]!.message).toContain('field type conflict');
    expect(JSON.parse(letters[0]!.payload).values).toEqual({ pm25: expect.any(Number) });
  });

  it('writes dead letters with the points of the same batch', async () => {
    const writer = new StoreWriter(store, { maxDelayMs: 5 });
    const letter: DeadLetter = { receivedAt: T0, topic: 'v1/cnx/air/aq-1/telemetry', reason: 'payload.malformed_json', message: 'not JSON', payload: '{oops', city: 'cnx', domain: 'air', device: 'aq-1' };
    writer.add([point(1)], [letter], 1);
    await writer.flush();
    expect((await store.queryDeadLetters({ device: 'aq-1' })).map((d) => d.reason)).toEqual(['payload.malformed_json']);
  });

  it('lets a caller wait for the queue to drain below a mark (back-pressure)', async () => {
    const flaky = new FlakyStore(store);
    flaky.failures = [new TelemetryStoreError('backend.unreachable', 'down', true)];
    const writer = new StoreWriter(flaky.asStore(), { maxBatchPoints: 10, maxDelayMs: 5, retryDelayMs: 30 });
    for (let i = 0; i < 40; i++) writer.add([point(i)], [], i + 1);
    expect(writer.pendingPoints).toBe(40);
    let released = false;
    const drained = writer.waitForDrain(15).then(() => {
      released = true;
    });
    expect(released).toBe(false);
    await drained;
    expect(writer.pendingPoints).toBeLessThan(15);
    await writer.flush();
    expect(writer.pendingPoints).toBe(0);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { AggregateFn, DeadLetter, Domain, RollupRow, TelemetryPoint } from '@mueang/core';
import { TelemetryStoreError, type AggregateRow, type AlertEvent, type RollupQuery, type TelemetryStore } from '@mueang/storage';

/**
 * The TelemetryStore contract: every adapter must pass these tests unchanged.
 * `open` returns a fresh, empty, initialised store; the suite closes it after each test.
 */
export function telemetryStoreContract(open: () => Promise<TelemetryStore>): void {
  let current: TelemetryStore | undefined;
  async function fresh(): Promise<TelemetryStore> {
    current = await open();
    return current;
  }
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });

  const HOUR = 3_600_000;
  const T0 = Date.UTC(2025, 0, 15, 0, 0, 0);

  function point(over: Partial<TelemetryPoint> & { values: Record<string, number> }): TelemetryPoint {
    return { ts: T0, city: 'bkk', site: 'site-1', device: 'dev-1', domain: 'air', ...over };
  }

  describe('points', () => {
    it('round-trips points with exact values, ordered by time then device', async () => {
      const store = await fresh();
      const points = [
        point({ ts: T0 + 2000, device: 'dev-2', values: { pm25: 23.1, pm10: 41 } }),
        point({ ts: T0, values: { pm25: 0.1 + 0.2, pm10: -40.5, o3: 1e-7 } }),
        point({ ts: T0 + 1000, values: { pm25: 123456789.123456, pm10: 1e21 } }),
        point({ ts: T0 + 1000, device: 'dev-0', values: { pm25: 5e-324, pm10: Number.MAX_VALUE } }),
        point({ ts: T0 + 500, domain: 'water', values: { pH: 7.25 } }),
      ];
      await store.writePoints(points);
      const air = await store.queryRaw({ domain: 'air', from: T0, to: T0 + HOUR });
      expect(air).toEqual([points[1], points[3], points[2], points[0]]);
      const water = await store.queryRaw({ domain: 'water', from: T0, to: T0 + HOUR });
      expect(water).toEqual([points[4]]);
    });

    it('filters by city, site and device', async () => {
      const store = await fresh();
      const points = [
        point({ city: 'bkk', site: 's1', device: 'a', values: { pm25: 1 } }),
        point({ city: 'bkk', site: 's2', device: 'b', values: { pm25: 2 } }),
        point({ city: 'cnx', site: 's3', device: 'c', values: { pm25: 3 } }),
      ];
      await store.writePoints(points);
      const range = { domain: 'air' as const, from: T0, to: T0 + 1 };
      expect(await store.queryRaw({ ...range, city: 'bkk' })).toEqual([points[0], points[1]]);
      expect(await store.queryRaw({ ...range, site: 's2' })).toEqual([points[1]]);
      expect(await store.queryRaw({ ...range, device: 'c' })).toEqual([points[2]]);
      expect(await store.queryRaw({ ...range, city: 'bkk', device: 'c' })).toEqual([]);
    });

    it('restricts to the requested parameters and drops points carrying none of them', async () => {
      const store = await fresh();
      await store.writePoints([
        point({ ts: T0, values: { pm25: 10, pm10: 20, o3: 30 } }),
        point({ ts: T0 + 1000, values: { o3: 31 } }),
        point({ ts: T0 + 2000, values: { pm10: 22 } }),
      ]);
      const got = await store.queryRaw({ domain: 'air', from: T0, to: T0 + HOUR, params: ['pm25', 'pm10'] });
      expect(got).toEqual([point({ ts: T0, values: { pm25: 10, pm10: 20 } }), point({ ts: T0 + 2000, values: { pm10: 22 } })]);
    });

    it('treats from as inclusive and to as exclusive', async () => {
      const store = await fresh();
      await store.writePoints([999, 1000, 1001, 1999, 2000].map((dt, i) => point({ ts: T0 + dt, values: { pm25: i } })));
      const got = await store.queryRaw({ domain: 'air', from: T0 + 1000, to: T0 + 2000 });
      expect(got.map((p) => p.ts - T0)).toEqual([1000, 1001, 1999]);
    });

    it('applies limit to points, earliest first', async () => {
      const store = await fresh();
      await store.writePoints([0, 1, 2, 3].flatMap((i) => [point({ ts: T0 + i, device: 'a', values: { pm25: i } }), point({ ts: T0 + i, device: 'b', values: { pm25: i, pm10: i } })]));
      const got = await store.queryRaw({ domain: 'air', from: T0, to: T0 + HOUR, limit: 3 });
      expect(got.map((p) => [p.ts - T0, p.device])).toEqual([
        [0, 'a'],
        [0, 'b'],
        [1, 'a'],
      ]);
      expect(got[1]?.values).toEqual({ pm25: 0, pm10: 0 });
    });

    it('is idempotent: the same key written again keeps one point with the last value', async () => {
      const store = await fresh();
      await store.writePoints([point({ values: { pm25: 10, pm10: 20 } })]);
      await store.writePoints([point({ values: { pm25: 11, pm10: 20 } })]);
      // within one batch the later entry wins too
      await store.writePoints([point({ ts: T0 + 1, values: { pm25: 1 } }), point({ ts: T0 + 1, values: { pm25: 2 } })]);
      // rewriting one parameter keeps the others of the point
      await store.writePoints([point({ ts: T0, values: { pm10: 21 } })]);
      const got = await store.queryRaw({ domain: 'air', from: T0, to: T0 + HOUR });
      expect(got).toEqual([point({ values: { pm25: 11, pm10: 21 } }), point({ ts: T0 + 1, values: { pm25: 2 } })]);
      // no hidden duplicates: each key counts once
      const counts = await store.aggregate({ domain: 'air', from: T0, to: T0 + HOUR, params: ['pm25', 'pm10'], windowMs: HOUR, fn: 'count', groupBy: [] });
      expect(counts).toEqual([{ start: T0, tags: {}, values: { pm25: 2, pm10: 1 } }]);
    });

    it('round-trips hostile tag values exactly and filters by them', async () => {
      const store = await fresh();
      const hostile = [
        { city: 'กรุงเทพมหานคร', site: 'สวนลุมพินี', device: 'เครื่อง-1' },
        { city: 'a,b=c d', site: "O'Brien \"quoted\"", device: 'dev with spaces' },
        { city: "'; DROP DATABASE x; --", site: '", time=0', device: 'x=1,y=2' },
      ];
      const points = hostile.map((tags, i) => point({ ...tags, ts: T0 + i, values: { pm25: i } }));
      await store.writePoints(points);
      expect(await store.queryRaw({ domain: 'air', from: T0, to: T0 + HOUR })).toEqual(points);
      for (const [i, tags] of hostile.entries()) {
        expect(await store.queryRaw({ domain: 'air', from: T0, to: T0 + HOUR, ...tags })).toEqual([points[i]]);
        expect(await store.latest({ domain: 'air', device: tags.device })).toEqual([points[i]]);
      }
    });

    it('answers queries over hostile filter values with nothing, and keeps working', async () => {
      const store = await fresh();
      await store.writePoints([point({ values: { pm25: 1 } })]);
      const evil = ["'; DROP DATABASE x; --", '" OR 1=1 --', "\\'", 'line\nbreak', 'back\\slash', "%0A'", 'city', 'time'];
      for (const value of evil) {
        expect(await store.queryRaw({ domain: 'air', from: T0, to: T0 + HOUR, city: value })).toEqual([]);
        expect(await store.queryRaw({ domain: 'air', from: T0, to: T0 + HOUR, params: [value] })).toEqual([]);
        expect(await store.aggregate({ domain: 'air', from: T0, to: T0 + HOUR, device: value, params: ['pm25'], windowMs: HOUR, fn: 'count', groupBy: [] })).toEqual([]);
        expect(await store.queryDeadLetters({ reason: value, city: value, device: value })).toEqual([]);
      }
      expect(await store.queryRaw({ domain: 'air', from: T0, to: T0 + HOUR })).toHaveLength(1);
    });

    it('refuses bad input with a clear, non-retryable error and writes nothing of the batch', async () => {
      const store = await fresh();
      const bad: Array<[TelemetryPoint, RegExp]> = [
        [point({ values: { pm25: Number.NaN } }), /points\[1\]\.values\.pm25 must be a finite number/],
        [point({ values: { pm25: Infinity } }), /finite number/],
        [point({ values: {} }), /values is empty/],
        [point({ device: 'a\\b', values: { pm25: 1 } }), /points\[1\]\.device .*backslash/],
        [point({ site: 'two\nlines', values: { pm25: 1 } }), /points\[1\]\.site .*control character/],
        [point({ city: '', values: { pm25: 1 } }), /points\[1\]\.city must not be empty/],
        [point({ domain: 'noise' as Domain, values: { pm25: 1 } }), /points\[1\]\.domain "noise" is not a domain/],
        [point({ ts: 1.5, values: { pm25: 1 } }), /points\[1\]\.ts must be an integer/],
        [point({ values: { time: 1 } }), /reserved name/],
      ];
      for (const [p, message] of bad) {
        const err = await store.writePoints([point({ values: { pm25: 1 } }), p]).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(TelemetryStoreError);
        expect((err as TelemetryStoreError).code).toBe('input.invalid');
        expect((err as TelemetryStoreError).retryable).toBe(false);
        expect((err as Error).message).toMatch(message);
      }
      expect(await store.queryRaw({ domain: 'air', from: 0, to: Number.MAX_SAFE_INTEGER })).toEqual([]);
      const err = await store.queryRaw({ domain: 'air', from: 10, to: 5 }).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/from \(10\) is after query\.to \(5\)/);
    });

    it('returns empty results from an empty store', async () => {
      const store = await fresh();
      expect(await store.queryRaw({ domain: 'air', from: 0, to: Number.MAX_SAFE_INTEGER })).toEqual([]);
      expect(await store.aggregate({ domain: 'energy', from: 0, to: T0, params: ['activePower'], windowMs: HOUR, fn: 'mean', groupBy: ['device'] })).toEqual([]);
      expect(await store.latest({})).toEqual([]);
      expect(await store.queryRollups({ period: '1h', from: 0, to: Number.MAX_SAFE_INTEGER })).toEqual([]);
      expect(await store.queryDeadLetters({})).toEqual([]);
      expect(await store.ping()).toBe(true);
    });

    it('round-trips a batch of 20,000 points', async () => {
      const store = await fresh();
      const devices = 20;
      const points: TelemetryPoint[] = [];
      for (let i = 0; i < 20_000; i++) {
        points.push(point({ ts: T0 + Math.floor(i / devices) * 60_000, device: `dev-${i % devices}`, values: { pm25: (i % 997) / 10, pm10: i } }));
      }
      await store.writePoints(points);
      const to = T0 + 1000 * 60_000;
      // T0 is a UTC midnight and the data spans 1,000 minutes: one day window holds it all
      const counts = await store.aggregate({ domain: 'air', from: T0, to, params: ['pm25', 'pm10'], windowMs: 24 * HOUR, fn: 'count', groupBy: [] });
      expect(counts).toEqual([{ start: T0, tags: {}, values: { pm25: 20_000, pm10: 20_000 } }]);
      const sums = await store.aggregate({ domain: 'air', from: T0, to, params: ['pm10'], windowMs: 24 * HOUR, fn: 'sum', groupBy: [] });
      expect(sums[0]?.values.pm10).toBe((19_999 * 20_000) / 2);
      const raw = await store.queryRaw({ domain: 'air', from: T0, to });
      expect(raw).toHaveLength(20_000);
      expect(raw[12_345]).toEqual(points.slice().sort((a, b) => a.ts - b.ts || (a.device < b.device ? -1 : a.device > b.device ? 1 : 0))[12_345]);
    });

    it('stays consistent under concurrent writes and reads', async () => {
      const store = await fresh();
      const batches = Array.from({ length: 8 }, (_, b) => Array.from({ length: 50 }, (_, i) => point({ ts: T0 + b * 1000 + i, device: `dev-${b}`, values: { pm25: b * 100 + i } })));
      await Promise.all([
        ...batches.map((batch) => store.writePoints(batch)),
        ...batches.map(() => store.queryRaw({ domain: 'air', from: T0, to: T0 + HOUR })),
        store.latest({ domain: 'air' }),
      ]);
      const got = await store.queryRaw({ domain: 'air', from: T0, to: T0 + HOUR });
      expect(got).toHaveLength(400);
      expect(got.reduce((sum, p) => sum + (p.values.pm25 ?? 0), 0)).toBe(batches.flat().reduce((sum, p) => sum + (p.values.pm25 ?? 0), 0));
    });
  });

  describe('aggregate', () => {
    /** deterministic pseudo-random numbers (mulberry32) */
    function rng(seed: number): () => number {
      let a = seed;
      return () => {
        a = (a + 0x6d2b79f5) | 0;
        let t = Math.imul(a ^ (a >>> 15), 1 | a);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    }

    const fleet = [
      { city: 'bkk', site: 's1', device: 'd1' },
      { city: 'bkk', site: 's1', device: 'd2' },
      { city: 'bkk', site: 's2', device: 'd3' },
      { city: 'cnx', site: 's3', device: 'd4' },
    ];

    function dataset(): TelemetryPoint[] {
      const random = rng(42);
      const points: TelemetryPoint[] = [];
      // 6 hours of readings every ~7 minutes; pm10 missing from some readings
      for (const tags of fleet) {
        for (let ts = T0 - 3 * HOUR + Math.floor(random() * 60_000); ts < T0 + 3 * HOUR; ts += 7 * 60_000 + Math.floor(random() * 60_000)) {
          const values: Record<string, number> = { pm25: Math.round(random() * 10_000) / 100 };
          if (random() > 0.3) values.pm10 = Math.round(random() * 20_000) / 100;
          points.push(point({ ...tags, ts, values }));
        }
      }
      return points;
    }

    function expected(points: TelemetryPoint[], q: { from: number; to: number; windowMs: number; fn: AggregateFn; params: string[]; groupBy: Array<'city' | 'site' | 'device'>; city?: string }): AggregateRow[] {
      const buckets = new Map<string, { start: number; tags: AggregateRow['tags']; values: Map<string, number[]> }>();
      for (const p of points) {
        if (p.ts < q.from || p.ts >= q.to || (q.city && p.city !== q.city)) continue;
        const start = p.ts - ((p.ts % q.windowMs) + q.windowMs) % q.windowMs;
        const tags: AggregateRow['tags'] = {};
        for (const t of q.groupBy) tags[t] = p[t];
        const key = JSON.stringify([start, tags.city, tags.site, tags.device]);
        let bucket = buckets.get(key);
        if (!bucket) buckets.set(key, (bucket = { start, tags, values: new Map() }));
        for (const param of q.params) {
          const v = p.values[param];
          if (v === undefined) continue;
          bucket.values.set(param, [...(bucket.values.get(param) ?? []), v]);
        }
      }
      const stat = (vs: number[]) =>
        q.fn === 'mean' ? vs.reduce((a, b) => a + b, 0) / vs.length : q.fn === 'sum' ? vs.reduce((a, b) => a + b, 0) : q.fn === 'count' ? vs.length : q.fn === 'min' ? Math.min(...vs) : Math.max(...vs);
      const key = (s?: string) => s ?? '';
      return [...buckets.values()]
        .filter((b) => b.values.size > 0)
        .map((b) => ({ start: b.start, tags: b.tags, values: Object.fromEntries([...b.values].map(([param, vs]) => [param, stat(vs)])) }))
        .sort((a, b) => a.start - b.start || key(a.tags.city).localeCompare(key(b.tags.city)) || key(a.tags.site).localeCompare(key(b.tags.site)) || key(a.tags.device).localeCompare(key(b.tags.device)));
    }

    function expectRowsClose(actual: AggregateRow[], wanted: AggregateRow[], tolerance = 1e-12): void {
      expect(actual.map((r) => ({ start: r.start, tags: r.tags, params: Object.keys(r.values).sort() }))).toEqual(
        wanted.map((r) => ({ start: r.start, tags: r.tags, params: Object.keys(r.values).sort() })),
      );
      actual.forEach((row, i) => {
        for (const [param, value] of Object.entries(row.values)) {
          const want = wanted[i]?.values[param] as number;
          expect(Math.abs(value - want)).toBeLessThanOrEqual(Math.abs(want) * tolerance + tolerance);
        }
      });
    }

    const cases: Array<{ fn: AggregateFn; windowMs: number; groupBy: Array<'city' | 'site' | 'device'>; city?: string }> = [
      { fn: 'mean', windowMs: HOUR, groupBy: ['device'] },
      { fn: 'min', windowMs: 30 * 60_000, groupBy: ['site'] },
      { fn: 'max', windowMs: 2 * HOUR, groupBy: ['city'] },
      { fn: 'count', windowMs: 45 * 60_000, groupBy: ['city', 'site', 'device'] },
      { fn: 'sum', windowMs: HOUR, groupBy: [] },
      { fn: 'mean', windowMs: 24 * HOUR, groupBy: ['device'], city: 'bkk' },
    ];

    it('computes mean/min/max/count/sum per epoch-aligned window and group, matching values computed here', async () => {
      const store = await fresh();
      const points = dataset();
      await store.writePoints(points);
      // a range that does not start on a window boundary: the first window is still aligned to epoch
      const from = T0 - 2 * HOUR - 17 * 60_000;
      const to = T0 + 2 * HOUR + 5 * 60_000;
      for (const c of cases) {
        const q = { domain: 'air' as const, from, to, params: ['pm25', 'pm10'], ...c };
        const got = await store.aggregate(q);
        expect(got.length).toBeGreaterThan(0);
        expectRowsClose(got, expected(points, q));
      }
    });

    it('computes the Leq of sound levels (energy mean) per window and group, and refuses it for other parameters', async () => {
      const store = await fresh();
      const random = rng(7);
      const points: TelemetryPoint[] = [];
      for (const tags of fleet) {
        for (let ts = T0 - 2 * HOUR + Math.floor(random() * 60_000); ts < T0 + 2 * HOUR; ts += 4 * 60_000 + Math.floor(random() * 60_000)) {
          // quiet most of the time with loud bursts: Leq sits well above the arithmetic mean. Quiet levels (10^(L/10) of a
          // few hundred) show it when an adapter rounds energies to integers
          const values: Record<string, number> = { noise: Math.round((random() > 0.9 ? 85 + random() * 20 : 15 + random() * 30) * 10) / 10, pm25: 10 };
          points.push(point({ ...tags, ts, values }));
        }
      }
      await store.writePoints(points);
      for (const groupBy of [['device'], [], ['city', 'site']] as Array<Array<'city' | 'site' | 'device'>>) {
        const q = { domain: 'air' as const, from: T0 - 2 * HOUR, to: T0 + 2 * HOUR, params: ['noise'], windowMs: HOUR, fn: 'leq' as const, groupBy };
        const energy = expected(
          points.map((p) => ({ ...p, values: { noise: 10 ** ((p.values.noise as number) / 10) } })),
          { ...q, fn: 'mean' },
        ).map((r) => ({ ...r, values: { noise: 10 * Math.log10(r.values.noise as number) } }));
        const got = await store.aggregate(q);
        // influxd's POW and LOG10 differ from JavaScript's in the last digits
        expectRowsClose(got, energy, 1e-10);
        const mean = await store.aggregate({ ...q, fn: 'mean' });
        expect(got.some((r, i) => (r.values.noise as number) > (mean[i]?.values.noise as number) + 10)).toBe(true);
      }
      // a quiet night alone: an adapter rounding energies (10^1.55 = 35.48) to integers is 0.06 dB off here
      const quiet = [15.5, 16.3, 17.9, 15.1].map((noise, i) => point({ city: 'quiet', ts: T0 + i * 60_000, values: { noise } }));
      await store.writePoints(quiet);
      const [night] = await store.aggregate({ domain: 'air', city: 'quiet', from: T0, to: T0 + HOUR, params: ['noise'], windowMs: HOUR, fn: 'leq', groupBy: [] });
      const want = 10 * Math.log10(quiet.reduce((a, p) => a + 10 ** ((p.values.noise as number) / 10), 0) / quiet.length);
      expect(Math.abs((night?.values.noise as number) - want)).toBeLessThan(1e-9);
      for (const params of [['pm25'], ['noise', 'pm10']]) {
        const err = await store.aggregate({ domain: 'air', from: T0, to: T0 + HOUR, params, windowMs: HOUR, fn: 'leq', groupBy: [] }).catch((e: unknown) => e);
        expect((err as TelemetryStoreError).code).toBe('input.invalid');
        expect((err as Error).message).toMatch(/energy mean of sound levels.*(pm25|pm10).*'mean'/);
      }
    });

    it('omits windows without data and parameters without data in a window', async () => {
      const store = await fresh();
      await store.writePoints([point({ ts: T0 + 10, values: { pm25: 4 } }), point({ ts: T0 + 20, values: { pm25: 6, pm10: 1 } }), point({ ts: T0 + 3 * HOUR, values: { pm25: 8 } })]);
      const got = await store.aggregate({ domain: 'air', from: T0, to: T0 + 4 * HOUR, params: ['pm25', 'pm10', 'o3'], windowMs: HOUR, fn: 'count', groupBy: [] });
      expect(got).toEqual([
        { start: T0, tags: {}, values: { pm25: 2, pm10: 1 } },
        { start: T0 + 3 * HOUR, tags: {}, values: { pm25: 1 } },
      ]);
    });
  });

  it('aligns windows to epoch for times before 1970 too (floor, not truncation)', async () => {
    const store = await fresh();
    await store.writePoints([point({ ts: -1500, values: { pm25: 1 } }), point({ ts: -500, values: { pm25: 2 } }), point({ ts: 500, values: { pm25: 4 } })]);
    const got = await store.aggregate({ domain: 'air', from: -10_000, to: 10_000, params: ['pm25'], windowMs: 1000, fn: 'sum', groupBy: [] });
    expect(got).toEqual([
      { start: -2000, tags: {}, values: { pm25: 1 } },
      { start: -1000, tags: {}, values: { pm25: 2 } },
      { start: 0, tags: {}, values: { pm25: 4 } },
    ]);
  });

  describe('latest', () => {
    it('returns the newest point per device, each parameter from the newest point carrying it', async () => {
      const store = await fresh();
      await store.writePoints([
        point({ ts: T0, device: 'a', values: { pm25: 1, pm10: 10 } }),
        point({ ts: T0 + 2000, device: 'a', values: { pm25: 3 } }),
        point({ ts: T0 + 1000, device: 'a', values: { pm25: 2, o3: 5 } }),
        point({ ts: T0 + 500, device: 'b', city: 'cnx', site: 's9', values: { pm25: 7 } }),
        point({ ts: T0 + 9000, device: 'w', domain: 'water', values: { pH: 7.1 } }),
      ]);
      const a = point({ ts: T0 + 2000, device: 'a', values: { pm25: 3, pm10: 10, o3: 5 } });
      const b = point({ ts: T0 + 500, device: 'b', city: 'cnx', site: 's9', values: { pm25: 7 } });
      const w = point({ ts: T0 + 9000, device: 'w', domain: 'water', values: { pH: 7.1 } });
      expect(await store.latest({ domain: 'air' })).toEqual([a, b]);
      expect(await store.latest({})).toEqual([a, b, w]);
      expect(await store.latest({ city: 'cnx' })).toEqual([b]);
      expect(await store.latest({ domain: 'water', device: 'a' })).toEqual([]);
    });
  });

  describe('rollups', () => {
    function rollup(over: Partial<RollupRow>): RollupRow {
      return { period: '1h', start: T0, city: 'bkk', site: 's1', device: 'd1', domain: 'air', param: 'pm25', mean: 20.5, min: 10.25, max: 30.75, count: 12, sum: 246, ...over };
    }

    it('upserts by (period, start, device, param) and queries by range, domain, params and tags', async () => {
      const store = await fresh();
      const rows = [
        rollup({}),
        rollup({ param: 'pm10', mean: 40 }),
        rollup({ start: T0 + HOUR }),
        rollup({ device: 'd2', site: 's2' }),
        rollup({ device: 'w1', domain: 'water', param: 'pH', mean: 7.2, min: 7, max: 7.4, count: 4, sum: 28.8 }),
        rollup({ period: '1d', start: T0 - 7 * HOUR, count: 288 }),
      ];
      await store.writeRollups(rows);
      const updated = rollup({ mean: 21, max: 31, count: 13, sum: 273 });
      await store.writeRollups([updated]);
      const all = await store.queryRollups({ period: '1h', from: T0, to: T0 + 2 * HOUR });
      expect(all).toEqual([rows[1], updated, rows[3], rows[4], rows[2]]);
      expect(await store.queryRollups({ period: '1h', from: T0, to: T0 + HOUR, domain: 'air', params: ['pm25'] })).toEqual([updated, rows[3]]);
      expect(await store.queryRollups({ period: '1h', from: T0, to: T0 + 2 * HOUR, site: 's2' })).toEqual([rows[3]]);
      expect(await store.queryRollups({ period: '1h', from: T0 + 1, to: T0 + 2 * HOUR, device: 'd1' })).toEqual([rows[2]]);
      expect(await store.queryRollups({ period: '1d', from: T0 - 24 * HOUR, to: T0 })).toEqual([rows[5]]);
    });

    it('answers a batch of rollup queries exactly as the queries one by one, in their order', async () => {
      const store = await fresh();
      const rows: RollupRow[] = [];
      for (const device of ['d1', 'd2', 'd3']) {
        for (const param of ['o3', 'noise', 'pm25']) {
          for (let h = 0; h < 30; h += 1) {
            const mean = ((h * 7 + device.charCodeAt(1) * 3 + param.length) % 17) + 0.5;
            rows.push(rollup({ start: T0 + h * HOUR, device, site: `s-${device}`, param, mean, min: mean - 1, max: mean + 1, count: 60, sum: mean * 60 }));
          }
        }
        rows.push(rollup({ period: '1d', start: T0, device, site: `s-${device}`, param: 'o3', count: 1440 }));
      }
      rows.push(rollup({ start: T0 + HOUR, device: 'w1', site: 'sw', domain: 'water', param: 'pH', mean: 7, min: 7, max: 7, count: 60, sum: 420 }));
      rows.push(rollup({ start: T0 + 2 * HOUR, device: 'x1', city: 'cnx', site: 'sx', param: 'o3' }));
      await store.writeRollups(rows);
      const queries: RollupQuery[] = [
        { period: '1h', city: 'bkk', device: 'd2', domain: 'air', params: ['o3'], from: T0 + 3 * HOUR, to: T0 + 9 * HOUR },
        { period: '1h', city: 'bkk', device: 'd1', domain: 'air', params: ['noise', 'o3'], from: T0, to: T0 + 30 * HOUR },
        // overlapping ranges of the same device: each query gets its own rows
        { period: '1h', city: 'bkk', device: 'd2', domain: 'air', params: ['o3'], from: T0 + 5 * HOUR, to: T0 + 12 * HOUR },
        { period: '1h', device: 'd3', params: ['pm25', 'pm25'], from: T0 + 29 * HOUR, to: T0 + 40 * HOUR },
        // nothing there: another city, an empty range, no parameters
        { period: '1h', city: 'cnx', device: 'd1', params: ['o3'], from: T0, to: T0 + 30 * HOUR },
        { period: '1h', device: 'd1', params: ['o3'], from: T0 + 100 * HOUR, to: T0 + 101 * HOUR },
        { period: '1h', device: 'd1', params: [], from: T0, to: T0 + 30 * HOUR },
        // queries without a device or parameter list
        { period: '1h', city: 'bkk', domain: 'air', from: T0 + 2 * HOUR, to: T0 + 3 * HOUR },
        { period: '1h', from: T0 + HOUR, to: T0 + 3 * HOUR, site: 'sw' },
        { period: '1d', city: 'bkk', domain: 'air', params: ['o3'], from: T0, to: T0 + 24 * HOUR },
        { period: '1d', device: 'd2', params: ['o3'], from: T0, to: T0 + 24 * HOUR },
      ];
      const one = [];
      for (const q of queries) one.push(await store.queryRollups(q));
      expect(await store.queryRollupBatch(queries)).toEqual(one);
      expect(one.map((r) => r.length)).toEqual([6, 60, 7, 1, 0, 0, 0, 9, 1, 3, 1]);
      expect(await store.queryRollupBatch([])).toEqual([]);
      // the same checks as one query: a bad query in the batch refuses the batch
      const err = await store.queryRollupBatch([queries[0] as RollupQuery, { period: '5m' as '1h', from: T0, to: T0 + HOUR }]).catch((e: unknown) => e);
      expect((err as TelemetryStoreError).code).toBe('input.invalid');
    });

    it('reads only the statistics asked for: the others are NaN, alone and in a batch', async () => {
      const store = await fresh();
      const rows = [rollup({}), rollup({ device: 'd2', site: 's2', mean: 5.5, min: 1, max: 9, count: 60, sum: 330 }), rollup({ period: '1d', start: T0 - 7 * HOUR, count: 288 })];
      await store.writeRollups(rows);
      const q: RollupQuery = { period: '1h', from: T0, to: T0 + HOUR, fields: ['count', 'mean'] };
      const blank = { min: Number.NaN, max: Number.NaN, sum: Number.NaN };
      const expected = [rows[0], rows[1]].map((r) => ({ ...(r as RollupRow), ...blank }));
      expect(await store.queryRollups(q)).toEqual(expected);
      const day: RollupQuery = { period: '1d', device: 'd1', params: ['pm25'], from: T0 - 24 * HOUR, to: T0, fields: ['max'] };
      const hour: RollupQuery = { period: '1h', device: 'd2', params: ['pm25'], from: T0, to: T0 + HOUR, fields: ['mean', 'min', 'max', 'count'] };
      expect(await store.queryRollupBatch([q, day, hour, { period: '1h', device: 'd2', params: ['pm25'], from: T0, to: T0 + HOUR }])).toEqual([
        expected,
        [{ ...(rows[2] as RollupRow), mean: Number.NaN, min: Number.NaN, count: Number.NaN, sum: Number.NaN }],
        [{ ...(rows[1] as RollupRow), sum: Number.NaN }],
        [rows[1]],
      ]);
      for (const fields of [[], ['mean', 'median'], 'mean'] as unknown as RollupQuery['fields'][]) {
        const err = await store.queryRollups({ ...q, fields }).catch((e: unknown) => e);
        expect((err as TelemetryStoreError).code, JSON.stringify(fields)).toBe('input.invalid');
        expect((err as Error).message).toMatch(/rollups\.fields/);
      }
    });

    it('keeps the Leq of sound-level rollups, reads it only when asked, and refuses one that is not finite', async () => {
      const store = await fresh();
      const noise = rollup({ param: 'noise', mean: 61.25, min: 48.5, max: 92, count: 60, sum: 3675, leq: 74.125 });
      const pm25 = rollup({});
      await store.writeRollups([noise, pm25]);
      const all = await store.queryRollups({ period: '1h', from: T0, to: T0 + HOUR });
      expect(all).toEqual([noise, pm25]);
      expect('leq' in (all[1] as RollupRow)).toBe(false);
      const asked = await store.queryRollupBatch([
        { period: '1h', device: 'd1', params: ['noise'], from: T0, to: T0 + HOUR, fields: ['leq', 'count'] },
        { period: '1h', device: 'd1', params: ['noise'], from: T0, to: T0 + HOUR, fields: ['mean'] },
      ]);
      expect(asked).toEqual([
        [{ ...noise, mean: Number.NaN, min: Number.NaN, max: Number.NaN, sum: Number.NaN }],
        [{ ...pick(noise), mean: 61.25, min: Number.NaN, max: Number.NaN, count: Number.NaN, sum: Number.NaN }],
      ]);
      for (const leq of [Number.NaN, Number.POSITIVE_INFINITY, '70' as unknown as number]) {
        const err = await store.writeRollups([rollup({ param: 'noise', leq })]).catch((e: unknown) => e);
        expect((err as TelemetryStoreError).code).toBe('input.invalid');
        expect((err as Error).message).toMatch(/rollups\[0\]\.leq must be a finite number/);
      }
    });

    /** the row without its Leq */
    function pick(row: RollupRow): RollupRow {
      const { leq: _leq, ...rest } = row;
      return rest;
    }

    it('refuses rollups with a non-integer count', async () => {
      const store = await fresh();
      const err = await store.writeRollups([rollup({ count: 2.5 })]).catch((e: unknown) => e);
      expect((err as TelemetryStoreError).code).toBe('input.invalid');
      expect((err as Error).message).toMatch(/rollups\[0\]\.count must be a non-negative integer/);
    });
  });

  describe('dead letters', () => {
    function letter(over: Partial<DeadLetter>): DeadLetter {
      return { receivedAt: T0, topic: 'v1/bkk/air/dev-1/telemetry', reason: 'payload.malformed_json', message: 'not JSON at byte 0; send {"ts":..,"values":{..}}', payload: '{oops', city: 'bkk', domain: 'air', device: 'dev-1', ...over };
    }

    it('keeps dead letters with the same receivedAt apart and returns them newest first', async () => {
      const store = await fresh();
      const rows = [letter({ payload: 'first' }), letter({ payload: 'second' }), letter({ receivedAt: T0 + 5, payload: 'third', param: 'pm25', reason: 'value.out_of_range' })];
      await store.writeDeadLetters(rows);
      await store.writeDeadLetters([letter({ payload: 'fourth' })]);
      const got = await store.queryDeadLetters({});
      expect(got).toHaveLength(4);
      expect(got[0]).toEqual(rows[2]);
      expect(got.slice(1).map((d) => d.payload).sort()).toEqual(['first', 'fourth', 'second']);
    });

    it('filters by city, device, reason, time range and limit', async () => {
      const store = await fresh();
      const rows = [
        letter({ receivedAt: T0 }),
        letter({ receivedAt: T0 + 1, city: 'cnx', device: 'dev-9' }),
        letter({ receivedAt: T0 + 2, reason: 'device.unknown', device: undefined, domain: undefined }),
        letter({ receivedAt: T0 + 3 }),
      ];
      await store.writeDeadLetters(rows);
      expect(await store.queryDeadLetters({ city: 'cnx' })).toEqual([rows[1]]);
      expect(await store.queryDeadLetters({ device: 'dev-1' })).toEqual([rows[3], rows[0]]);
      expect(await store.queryDeadLetters({ reason: 'device.unknown' })).toEqual([rows[2]]);
      expect(await store.queryDeadLetters({ from: T0 + 1, to: T0 + 3 })).toEqual([rows[2], rows[1]]);
      expect(await store.queryDeadLetters({ limit: 2 })).toEqual([rows[3], rows[2]]);
    });

    it('round-trips hostile text exactly', async () => {
      const store = await fresh();
      const hostile = letter({
        topic: 'v1/กรุงเทพ/air/"dev 1"/telemetry',
        reason: "reason with spaces, commas=and 'quotes'",
        message: 'line 1\nline 2\r\n\ttabbed "double" \'single\' back\\slash trailing\\',
        payload: "'; DROP DATABASE x; --\u0000\u0007 %0A literal percent-escape 100% ✓",
        city: 'a\\b,c=d "e"',
        domain: 'air\n',
        device: 'dev\\1 "x"',
        param: 'pm2.5 ค่าฝุ่น',
      });
      await store.writeDeadLetters([hostile]);
      expect(await store.queryDeadLetters({})).toEqual([hostile]);
      expect(await store.queryDeadLetters({ city: hostile.city, reason: hostile.reason, device: hostile.device })).toEqual([hostile]);
    });

    it('treats empty optional fields as absent', async () => {
      const store = await fresh();
      await store.writeDeadLetters([letter({ city: '', domain: undefined, device: '', param: '' })]);
      const [got] = await store.queryDeadLetters({});
      expect(got).toEqual({ receivedAt: T0, topic: 'v1/bkk/air/dev-1/telemetry', reason: 'payload.malformed_json', message: letter({}).message, payload: '{oops' });
    });
  });

  describe('alert events', () => {
    function event(over: Partial<AlertEvent>): AlertEvent {
      return {
        ts: T0,
        alertId: 'al-1',
        city: 'cnx',
        site: 'cnx-site-1',
        device: 'cnx-air-1',
        domain: 'air',
        ruleId: 'air.pm25.24h',
        transition: 'raised',
        severity: 'major',
        state: 'active',
        acknowledged: false,
        escalationLevel: 0,
        parameter: 'pm25',
        value: 41.2,
        standardId: 'th-aaqs-pm25-24h',
        ...over,
      };
    }

    it('round-trips events newest first, with absent optional fields as null', async () => {
      const store = await fresh();
      const events = [
        event({}),
        event({ ts: T0 + 60_000, transition: 'acknowledged', acknowledged: true }),
        event({ ts: T0 + 120_000, transition: 'escalated', escalationLevel: 1, acknowledged: false, value: 0.1 + 0.2 }),
        event({ ts: T0 + 180_000, alertId: 'al-2', device: null, site: null, parameter: null, value: null, standardId: null, ruleId: 'ops.device.offline', domain: 'waste', severity: 'minor' }),
        event({ ts: T0 + 240_000, transition: 'cleared', state: 'cleared', acknowledged: true }),
      ];
      await store.writeAlertEvents(events);
      expect(await store.queryAlertEvents({ from: T0, to: T0 + HOUR })).toEqual([events[4], events[3], events[2], events[1], events[0]]);
    });

    it('filters by city, device, time range (from inclusive, to exclusive) and limit', async () => {
      const store = await fresh();
      const events = [
        event({ ts: T0 }),
        event({ ts: T0 + 1000, alertId: 'al-2', city: 'bkk', device: 'bkk-air-9' }),
        event({ ts: T0 + 2000, alertId: 'al-3', device: 'cnx-air-2' }),
        event({ ts: T0 + 3000, transition: 'cleared', state: 'cleared' }),
      ];
      await store.writeAlertEvents(events);
      expect(await store.queryAlertEvents({ from: T0, to: T0 + HOUR, city: 'bkk' })).toEqual([events[1]]);
      expect(await store.queryAlertEvents({ from: T0, to: T0 + HOUR, device: 'cnx-air-1' })).toEqual([events[3], events[0]]);
      expect(await store.queryAlertEvents({ from: T0 + 1000, to: T0 + 3000 })).toEqual([events[2], events[1]]);
      expect(await store.queryAlertEvents({ from: T0, to: T0 + HOUR, limit: 2 })).toEqual([events[3], events[2]]);
    });

    it('is idempotent: the same alert, transition and time written again keeps one event with the last values', async () => {
      const store = await fresh();
      await store.writeAlertEvents([event({ value: 40 })]);
      await store.writeAlertEvents([event({ value: 42.5 })]);
      expect(await store.queryAlertEvents({ from: T0, to: T0 + 1 })).toEqual([event({ value: 42.5 })]);
    });

    it('refuses bad events with a clear, non-retryable error and writes nothing of the batch', async () => {
      const store = await fresh();
      for (const [bad, message] of [
        [event({ ts: 1.5 }), /alertEvents\[1\]\.ts must be an integer epoch-millisecond timestamp/],
        [event({ domain: 'noise' as never }), /alertEvents\[1\]\.domain "noise" is not a domain/],
        [event({ alertId: '' }), /alertEvents\[1\]\.alertId must not be empty/],
        [event({ value: Number.NaN }), /alertEvents\[1\]\.value must be a finite number or null/],
      ] as const) {
        const err = await store.writeAlertEvents([event({ ts: T0 + 5 }), bad]).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(TelemetryStoreError);
        expect((err as TelemetryStoreError).code).toBe('input.invalid');
        expect((err as TelemetryStoreError).retryable).toBe(false);
        expect((err as Error).message).toMatch(message);
      }
      expect(await store.queryAlertEvents({ from: 0, to: Number.MAX_SAFE_INTEGER })).toEqual([]);
    });
  });

  describe('retention', () => {
    it('deletes raw points and dead letters before the cutoffs, and keeps rollups', async () => {
      const store = await fresh();
      await store.writePoints([
        point({ ts: T0, values: { pm25: 1 } }),
        point({ ts: T0 + HOUR, values: { pm25: 2 } }),
        point({ ts: T0 + 2 * HOUR, domain: 'water', values: { pH: 7 } }),
        point({ ts: T0 + 3 * HOUR, values: { pm25: 4 } }),
      ]);
      const rollup = { period: '1h' as const, start: T0, city: 'bkk', site: 'site-1', device: 'dev-1', domain: 'air' as const, param: 'pm25', mean: 1, min: 1, max: 1, count: 1, sum: 1 };
      await store.writeRollups([rollup]);
      const letter = (receivedAt: number): DeadLetter => ({ receivedAt, topic: 'v1/bkk/air/dev-1/telemetry', reason: 'payload.malformed_json', message: 'not JSON', payload: '{', city: 'bkk', domain: 'air', device: 'dev-1' });
      await store.writeDeadLetters([letter(T0), letter(T0 + 2 * HOUR)]);

      await store.deleteBefore({ pointsBefore: T0 + 2 * HOUR + 1, deadLettersBefore: T0 + HOUR });
      expect((await store.queryRaw({ domain: 'air', from: 0, to: T0 + 10 * HOUR })).map((p) => p.ts)).toEqual([T0 + 3 * HOUR]);
      expect(await store.queryRaw({ domain: 'water', from: 0, to: T0 + 10 * HOUR })).toEqual([]);
      expect((await store.queryDeadLetters({})).map((d) => d.receivedAt)).toEqual([T0 + 2 * HOUR]);
      expect(await store.queryRollups({ period: '1h', from: 0, to: T0 + HOUR })).toEqual([rollup]);
      await expect(store.deleteBefore({ pointsBefore: Number.NaN })).rejects.toMatchObject({ retryable: false });
    });
  });
}

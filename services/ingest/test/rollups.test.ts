import { HOUR_MS, bangkokDayStart, type RollupRow, type TelemetryPoint } from '@mueang/core';
import { DuckDBTelemetryStore } from '@mueang/storage';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RollupScheduler, contiguousRanges } from '../src/rollups.ts';

// 16:00 UTC = 23:00 in Bangkok: the three hours cross a Bangkok midnight
const H0 = Date.UTC(2026, 10, 1, 16, 0);

function series(device: string, hour: number, values: number[]): TelemetryPoint[] {
  return values.map((v, i) => ({ ts: H0 + hour * HOUR_MS + i * 60_000, city: 'cnx', site: `site-${device}`, device, domain: 'air', values: { pm25: v, pm10: v * 2 } }));
}

function expected(values: number[]) {
  const sum = values.reduce((a, b) => a + b, 0);
  return { mean: sum / values.length, min: Math.min(...values), max: Math.max(...values), count: values.length, sum };
}

function pick(rows: RollupRow[], device: string, param: string, start: number) {
  const row = rows.find((r) => r.device === device && r.param === param && r.start === start);
  if (!row) throw new Error(`no rollup for ${device} ${param} at ${new Date(start).toISOString()}`);
  return { mean: row.mean, min: row.min, max: row.max, count: row.count, sum: row.sum };
}

let store: DuckDBTelemetryStore;
let dir: string;
beforeEach(async () => {
  store = new DuckDBTelemetryStore({ path: ':memory:' });
  await store.init();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollups-'));
});
afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('RollupScheduler', () => {
  const a0 = [10, 20, 30, 40];
  const a1 = [5, 7];
  const a2 = [100];
  const b1 = [1, 2, 3, 4, 5, 6];

  async function load(scheduler: RollupScheduler) {
    const points = [...series('aq-1', 0, a0), ...series('aq-1', 1, a1), ...series('aq-1', 2, a2), ...series('aq-2', 1, b1)];
    await store.writePoints(points);
    scheduler.markDirty(points);
  }

  it('computes hourly mean/min/max/count/sum per device and parameter, and Bangkok days from the hours', async () => {
    const scheduler = new RollupScheduler(store, path.join(dir, 'dirty.txt'));
    await load(scheduler);
    expect(scheduler.dirtyHours).toBe(3);
    const written = await scheduler.run();
    expect(written).toBeGreaterThan(0);
    expect(scheduler.dirtyHours).toBe(0);

    const hourly = await store.queryRollups({ period: '1h', from: H0, to: H0 + 3 * HOUR_MS });
    expect(hourly).toHaveLength(2 * 4); // aq-1 x 3 hours + aq-2 x 1 hour, two params each
    expect(pick(hourly, 'aq-1', 'pm25', H0)).toEqual(expected(a0));
    expect(pick(hourly, 'aq-1', 'pm10', H0)).toEqual(expected(a0.map((v) => v * 2)));
    expect(pick(hourly, 'aq-1', 'pm25', H0 + HOUR_MS)).toEqual(expected(a1));
    expect(pick(hourly, 'aq-2', 'pm25', H0 + HOUR_MS)).toEqual(expected(b1));

    // 23:00 Bangkok belongs to one day, 00:00 and 01:00 to the next
    const day1 = bangkokDayStart(H0);
    const day2 = bangkokDayStart(H0 + HOUR_MS);
    expect(day2 - day1).toBe(24 * HOUR_MS);
    const daily = await store.queryRollups({ period: '1d', from: day1, to: day2 + 24 * HOUR_MS });
    expect(pick(daily, 'aq-1', 'pm25', day1)).toEqual(expected(a0));
    expect(pick(daily, 'aq-1', 'pm25', day2)).toEqual(expected([...a1, ...a2]));
    expect(pick(daily, 'aq-2', 'pm25', day2)).toEqual(expected(b1));
  });

  it('keeps the Leq of noise per hour and per day (energy mean of the readings), and none for a day with an hour rolled up without it', async () => {
    const leqOf = (levels: number[]) => 10 * Math.log10(levels.reduce((a, l) => a + 10 ** (l / 10), 0) / levels.length);
    const noise = (hour: number, levels: number[]): TelemetryPoint[] =>
      levels.map((level, i) => ({ ts: H0 + hour * HOUR_MS + i * 60_000, city: 'cnx', site: 'site-n', device: 'noise-1', domain: 'air', values: { noise: level } }));
    const h1 = [50, 52, 95];
    const h2 = [40, 41];
    const points = [...noise(1, h1), ...noise(2, h2)];
    await store.writePoints(points);
    const scheduler = new RollupScheduler(store);
    scheduler.markDirty(points);
    await scheduler.run();
    const hourly = await store.queryRollups({ period: '1h', from: H0, to: H0 + 3 * HOUR_MS, device: 'noise-1' });
    expect(hourly.map((r) => r.leq)).toEqual([expect.closeTo(leqOf(h1), 9), expect.closeTo(leqOf(h2), 9)]);
    const day = bangkokDayStart(H0 + HOUR_MS);
    const [daily] = await store.queryRollups({ period: '1d', from: day, to: day + 1, device: 'noise-1' });
    // one loud minute of five: 88.0 dBA, where the arithmetic mean says 55.6
    expect(daily?.leq).toBeCloseTo(leqOf([...h1, ...h2]), 9);
    expect(daily?.leq).toBeCloseTo(88.0, 1);
    // pm25 has no Leq
    await load(scheduler);
    await scheduler.run();
    expect((await store.queryRollups({ period: '1d', from: day, to: day + 1, device: 'aq-1' }))[0]).not.toHaveProperty('leq');

    // an hour of the day as written before the statistic existed: the day gets no Leq rather than a wrong one
    const { leq: _leq, ...old } = hourly[1]!;
    await store.writeRollups([old]);
    const late = noise(1, [51]).map((p) => ({ ...p, ts: p.ts + 30 * 60_000 }));
    await store.writePoints(late);
    scheduler.markDirty(late);
    await scheduler.run();
    const [again] = await store.queryRollups({ period: '1d', from: day, to: day + 1, device: 'noise-1' });
    expect(again?.count).toBe(6);
    expect(again).not.toHaveProperty('leq');
  });

  it('rebuilds a past range on request: history rolled up before Leq existed gets it, newest day first within a budget', async () => {
    const file = path.join(dir, 'dirty.txt');
    // three Bangkok days of noise, one reading an hour, rolled up as before the statistic existed (no Leq anywhere)
    const day0 = bangkokDayStart(H0) + 24 * HOUR_MS;
    const points: TelemetryPoint[] = [];
    for (let h = 0; h < 72; h += 1) points.push({ ts: day0 + h * HOUR_MS + 60_000, city: 'cnx', site: 'site-n', device: 'noise-1', domain: 'air', values: { noise: h % 6 === 0 ? 90 : 50 } });
    await store.writePoints(points);
    const plain = new RollupScheduler(store);
    plain.markDirty(points);
    await plain.run();
    const days = async () => store.queryRollups({ period: '1d', from: day0, to: day0 + 3 * 24 * HOUR_MS, device: 'noise-1' });
    const before = await days();
    for (const row of before) delete row.leq;
    await store.writeRollups(before);
    expect((await days()).map((r) => r.leq)).toEqual([undefined, undefined, undefined]);

    // a clock that moves 1 s per reading: a 1.5 s budget starts one day, then stops
    let t = 0;
    const scheduler = new RollupScheduler(store, file, () => (t += 1000));
    // the range is widened to whole hours: from 30 minutes into the first hour
    expect(scheduler.requestRebuild(['air'], day0 + 30 * 60_000, day0 + 72 * HOUR_MS)).toEqual({ hours: 72, noted: true });
    expect(scheduler.requestRebuild(['air'], day0, day0 + HOUR_MS).hours).toBe(0);
    expect(scheduler.dirtyHours).toBe(72);
    await scheduler.run(1500);
    expect((await days()).map((r) => r.leq === undefined)).toEqual([true, true, false]);
    expect(scheduler.dirtyHours).toBe(48);
    // the rest is noted: a restart picks it up
    const restarted = new RollupScheduler(store, file);
    expect(restarted.dirtyHours).toBe(48);
    await restarted.run();
    const rebuilt = await days();
    expect(rebuilt.map((r) => r.leq === undefined)).toEqual([false, false, false]);
    // four of 24 hours at 90 dBA, twenty at 50: Leq 82.2 where the mean says 56.7
    expect(rebuilt[0]?.leq).toBeCloseTo(10 * Math.log10((4 * 10 ** 9 + 20 * 10 ** 5) / 24), 9);
    expect(new RollupScheduler(store, file).dirtyHours).toBe(0);
  });

  it('recomputes an hour when late or replayed data arrives, counting each reading once', async () => {
    const scheduler = new RollupScheduler(store);
    await load(scheduler);
    await scheduler.run();
    // a replay of readings already stored (idempotent) plus one late reading in the same hour
    const late = [...series('aq-1', 1, a1), { ...series('aq-1', 1, [9])[0]!, ts: H0 + HOUR_MS + 30 * 60_000 }];
    await store.writePoints(late);
    scheduler.markDirty(late);
    await scheduler.run();
    const hourly = await store.queryRollups({ period: '1h', from: H0 + HOUR_MS, to: H0 + 2 * HOUR_MS, device: 'aq-1' });
    expect(pick(hourly, 'aq-1', 'pm25', H0 + HOUR_MS)).toEqual(expected([...a1, 9]));
    const daily = await store.queryRollups({ period: '1d', from: bangkokDayStart(H0 + HOUR_MS), to: bangkokDayStart(H0 + HOUR_MS) + 1, device: 'aq-1' });
    expect(pick(daily, 'aq-1', 'pm25', bangkokDayStart(H0 + HOUR_MS))).toEqual(expected([...a1, 9, ...a2]));
  });

  it('remembers dirty hours across a restart (crash between the write and the rollup)', async () => {
    const file = path.join(dir, 'dirty.txt');
    await load(new RollupScheduler(store, file));
    // the first scheduler "crashes" before running; a new one reads the file
    const restarted = new RollupScheduler(store, file);
    expect(restarted.dirtyHours).toBe(3);
    await restarted.run();
    const hourly = await store.queryRollups({ period: '1h', from: H0, to: H0 + 3 * HOUR_MS });
    expect(pick(hourly, 'aq-1', 'pm25', H0 + 2 * HOUR_MS)).toEqual(expected(a2));
    expect(new RollupScheduler(store, file).dirtyHours).toBe(0);
  });
});

describe('contiguousRanges', () => {
  it('merges adjacent windows', () => {
    expect(contiguousRanges([0, 10, 20, 40, 60, 70], 10)).toEqual([
      [0, 30],
      [40, 50],
      [60, 80],
    ]);
    expect(contiguousRanges([], 10)).toEqual([]);
  });
});

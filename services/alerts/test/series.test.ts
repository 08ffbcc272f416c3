import { describe, expect, it } from 'vitest';
import { SeriesStore } from '../src/series.ts';
import { HOUR, MINUTE } from './helpers.ts';

const T0 = Date.UTC(2025, 0, 15, 0, 0, 0);

describe('SeriesStore', () => {
  it('keeps samples in time order whatever order they arrive in, a repeated time replacing the earlier value', () => {
    const store = new SeriesStore({ retentionMs: () => HOUR });
    for (const [ts, value] of [
      [T0 + 2 * MINUTE, 2],
      [T0, 0],
      [T0 + MINUTE, 1],
      [T0 + MINUTE, 1.5],
    ] as const) {
      store.add('d1', 'pm25', ts, value);
    }
    expect(store.samples('d1', 'pm25')).toEqual([
      { ts: T0, value: 0 },
      { ts: T0 + MINUTE, value: 1.5 },
      { ts: T0 + 2 * MINUTE, value: 2 },
    ]);
    expect(store.size).toBe(3);
    expect(store.samples('d1', 'pm10')).toEqual([]);
  });

  it('drops samples older than the retention counted back from the newest sample, not from the wall clock', () => {
    const store = new SeriesStore({ retentionMs: (p) => (p === 'pm25' ? 2 * HOUR : 10 * MINUTE) });
    // three-year-old data replayed: kept, because the window is measured from the series itself
    const old = T0 - 3 * 365 * 24 * HOUR;
    for (let i = 0; i <= 180; i += 10) {
      store.add('d1', 'pm25', old + i * MINUTE, i);
      store.add('d1', 'o3', old + i * MINUTE, i);
    }
    expect(store.samples('d1', 'pm25').map((s) => s.value)).toEqual([60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180]);
    expect(store.samples('d1', 'o3').map((s) => s.value)).toEqual([170, 180]);
  });

  it('bounds every series by count and reports what it dropped', () => {
    let dropped = 0;
    const store = new SeriesStore({ retentionMs: () => 24 * HOUR, maxSamplesPerSeries: 100, onDropped: (n) => (dropped += n) });
    for (let i = 0; i < 250; i++) store.add('d1', 'pm25', T0 + i * 1000, i);
    expect(store.samples('d1', 'pm25')).toHaveLength(100);
    expect(store.samples('d1', 'pm25')[0]).toEqual({ ts: T0 + 150_000, value: 150 });
    expect(dropped).toBe(150);
    expect(store.size).toBe(100);
  });

  it('closes each completed hour of a baseline parameter into its hourly means', () => {
    const store = new SeriesStore({
      retentionMs: () => 3 * HOUR,
      hourlyMeans: { parameters: new Set(['activePower']), keepMs: 48 * HOUR, expectedIntervalMs: 15 * MINUTE },
    });
    for (let m = 0; m < 60; m += 5) store.add('meter', 'activePower', T0 + m * MINUTE, m < 30 ? 10 : 20);
    expect(store.hourlyMeans('meter', 'activePower')).toEqual([]);
    store.add('meter', 'activePower', T0 + HOUR, 12);
    expect(store.hourlyMeans('meter', 'activePower')).toEqual([{ start: T0, mean: 15 }]);
    // an hour with too little data gives no mean
    store.add('meter', 'activePower', T0 + 2 * HOUR + 50 * MINUTE, 30);
    store.add('meter', 'activePower', T0 + 3 * HOUR, 30);
    expect(store.hourlyMeans('meter', 'activePower').map((h) => h.start)).toEqual([T0]);
    store.setHourlyMean('meter', 'activePower', T0 - HOUR, 9);
    store.setHourlyMean('meter', 'voltage', T0 - HOUR, 230);
    expect(store.hourlyMeans('meter', 'activePower')).toContainEqual({ start: T0 - HOUR, mean: 9 });
    expect(store.hourlyMeans('meter', 'voltage')).toEqual([]);
  });
});

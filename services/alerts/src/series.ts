/**
 * In-memory sample windows per device and parameter, bounded in time (the longest window a rule needs, counted back
 * from the newest sample: replayed history is not dropped as "old") and in count. Also the hourly means of the
 * parameters that consumption baselines use.
 */
import { HOUR_MS, hourStart, rollingMean, type HourlyMean, type WindowSample } from '@mueang/core';

export interface SeriesStoreOptions {
  /** how long samples of a parameter are kept, counted back from the series' newest sample */
  retentionMs(parameter: string): number;
  /** at most this many samples per series; the oldest go first (default 20 000: 24 h at one reading per 4.3 s) */
  maxSamplesPerSeries?: number;
  /** parameters whose hourly means are kept for baselines, and for how long */
  hourlyMeans?: { parameters: ReadonlySet<string>; keepMs: number; expectedIntervalMs: number };
  /** called with the number of samples dropped by the count bound */
  onDropped?(count: number): void;
}

interface Series {
  samples: WindowSample[];
  /** hour start -> mean, for baseline parameters */
  hourly?: Map<number, number>;
}

const EMPTY: readonly WindowSample[] = Object.freeze([]);

export class SeriesStore {
  private readonly series = new Map<string, Series>();
  private readonly maxSamples: number;
  private total = 0;

  constructor(private readonly options: SeriesStoreOptions) {
    this.maxSamples = options.maxSamplesPerSeries ?? 20_000;
  }

  private static key(deviceId: string, parameter: string): string {
    return `${deviceId}\u0000${parameter}`;
  }

  /** samples held, all series */
  get size(): number {
    return this.total;
  }

  get seriesCount(): number {
    return this.series.size;
  }

  samples(deviceId: string, parameter: string): readonly WindowSample[] {
    return this.series.get(SeriesStore.key(deviceId, parameter))?.samples ?? EMPTY;
  }

  hourlyMeans(deviceId: string, parameter: string): HourlyMean[] {
    const hourly = this.series.get(SeriesStore.key(deviceId, parameter))?.hourly;
    return hourly ? [...hourly].map(([start, mean]) => ({ start, mean })) : [];
  }

  /** Seed hourly means (from the TelemetryStore's hourly rollups). */
  setHourlyMean(deviceId: string, parameter: string, start: number, mean: number): void {
    if (!this.options.hourlyMeans?.parameters.has(parameter) || !Number.isFinite(mean)) return;
    const s = this.seriesOf(deviceId, parameter);
    s.hourly ??= new Map();
    s.hourly.set(start, mean);
  }

  /** Add one sample in order of time; a sample at a time already held replaces it. */
  add(deviceId: string, parameter: string, ts: number, value: number): void {
    if (!Number.isFinite(ts) || !Number.isFinite(value)) return;
    const s = this.seriesOf(deviceId, parameter);
    const samples = s.samples;
    const newestBefore = samples.length > 0 ? (samples[samples.length - 1] as WindowSample).ts : -Infinity;
    let index = samples.length;
    if (ts <= newestBefore) {
      index = lowerBound(samples, ts);
      if (samples[index]?.ts === ts) {
        samples[index] = { ts, value };
        return;
      }
    }
    samples.splice(index, 0, { ts, value });
    this.total += 1;
    if (ts > newestBefore && this.options.hourlyMeans?.parameters.has(parameter) && newestBefore !== -Infinity && hourStart(ts) > hourStart(newestBefore)) {
      this.closeHour(s, hourStart(newestBefore));
    }
    this.prune(s, parameter);
  }

  /** the mean of a completed hour, when it has enough data, becomes part of the baseline history */
  private closeHour(s: Series, start: number): void {
    const config = this.options.hourlyMeans!;
    const mean = rollingMean(s.samples, start + HOUR_MS - 1, HOUR_MS, { expectedIntervalMs: config.expectedIntervalMs });
    if (mean.status !== 'ok') return;
    s.hourly ??= new Map();
    s.hourly.set(start, mean.value);
    const oldest = start - config.keepMs;
    for (const hour of s.hourly.keys()) if (hour < oldest) s.hourly.delete(hour);
  }

  private prune(s: Series, parameter: string): void {
    const samples = s.samples;
    const newest = (samples[samples.length - 1] as WindowSample).ts;
    const keepFrom = newest - this.options.retentionMs(parameter);
    let drop = 0;
    while (drop < samples.length && (samples[drop] as WindowSample).ts < keepFrom) drop++;
    const overflow = samples.length - drop - this.maxSamples;
    if (overflow > 0) {
      drop += overflow;
      this.options.onDropped?.(overflow);
    }
    if (drop > 0) {
      samples.splice(0, drop);
      this.total -= drop;
    }
  }

  private seriesOf(deviceId: string, parameter: string): Series {
    const key = SeriesStore.key(deviceId, parameter);
    let s = this.series.get(key);
    if (!s) {
      s = { samples: [] };
      this.series.set(key, s);
    }
    return s;
  }
}

/** first index whose ts is >= ts (samples ascending) */
function lowerBound(samples: readonly WindowSample[], ts: number): number {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((samples[mid] as WindowSample).ts < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

import {
  DAY_MS,
  HOUR_MS,
  bangkokDayStart,
  hourStart,
  parametersOf,
  type AggregateFn,
  type Domain,
  type RollupRow,
  type TelemetryPoint,
} from '@mueang/core';
import type { TelemetryStore } from '@mueang/storage';
import fs from 'node:fs';

const STATS: readonly AggregateFn[] = ['count', 'sum', 'min', 'max'];

/**
 * Hourly and daily rollups (mean/min/max/count/sum per device and parameter), computed by the
 * platform from the stored raw points so they work on every backend. Written points mark their
 * hour dirty; `run()` recomputes dirty hours from the store (so late and replayed data are
 * counted exactly once) and then the Asia/Bangkok days containing them from the hourly rows.
 */
export class RollupScheduler {
  /** domain -> dirty hour starts */
  private readonly dirty = new Map<Domain, Set<number>>();
  private running: Promise<number> | null = null;

  /**
   * @param stateFile where dirty hours are noted (one `domain:hourStart` line each, appended when
   * first marked, cleared after a run), so a crash between a write and its rollup loses nothing
   */
  constructor(
    private readonly store: TelemetryStore,
    private readonly stateFile?: string,
  ) {
    if (stateFile && fs.existsSync(stateFile)) {
      for (const line of fs.readFileSync(stateFile, 'utf8').split('\n')) {
        const [domain, hour] = line.split(':');
        if (domain && hour && /^\d+$/.test(hour)) this.add(domain as Domain, Number(hour));
      }
    }
  }

  private add(domain: Domain, hour: number): boolean {
    let set = this.dirty.get(domain);
    if (!set) this.dirty.set(domain, (set = new Set()));
    if (set.has(hour)) return false;
    set.add(hour);
    return true;
  }

  markDirty(points: readonly TelemetryPoint[]): void {
    let noted = '';
    let lastDomain: Domain | null = null;
    let lastHour = -1;
    for (const p of points) {
      const hour = hourStart(p.ts);
      if (p.domain === lastDomain && hour === lastHour) continue;
      lastDomain = p.domain;
      lastHour = hour;
      if (this.add(p.domain, hour)) noted += `${p.domain}:${hour}\n`;
    }
    if (noted && this.stateFile) fs.appendFileSync(this.stateFile, noted);
  }

  get dirtyHours(): number {
    let n = 0;
    for (const set of this.dirty.values()) n += set.size;
    return n;
  }

  /** recompute every dirty hour and its day; returns the number of rollup rows written */
  run(): Promise<number> {
    if (this.running) return this.running.then(() => this.run());
    this.running = this.recompute().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async recompute(): Promise<number> {
    let written = 0;
    const work = [...this.dirty.entries()];
    this.dirty.clear();
    if (this.stateFile) this.rewriteStateFile(work);
    for (const [domain, hours] of work) {
      try {
        for (const [from, to] of contiguousRanges([...hours].sort((a, b) => a - b), HOUR_MS)) {
          const hourly = await this.hourlyRollups(domain, from, to);
          if (hourly.length > 0) await this.store.writeRollups(hourly);
          written += hourly.length;
        }
        const days = new Set([...hours].map(bangkokDayStart));
        for (const [from, to] of contiguousRanges([...days].sort((a, b) => a - b), DAY_MS)) {
          const daily = await this.dailyRollups(domain, from, to);
          if (daily.length > 0) await this.store.writeRollups(daily);
          written += daily.length;
        }
      } catch (error) {
        // keep the work for the next run
        for (const h of hours) this.add(domain, h);
        throw error;
      }
    }
    if (this.stateFile) this.rewriteStateFile([...this.dirty.entries()]);
    return written;
  }

  private rewriteStateFile(entries: Array<[Domain, Set<number>]>): void {
    let text = '';
    for (const [domain, hours] of entries) for (const h of hours) text += `${domain}:${h}\n`;
    fs.writeFileSync(this.stateFile!, text);
  }

  private async hourlyRollups(domain: Domain, from: number, to: number): Promise<RollupRow[]> {
    const params = parametersOf(domain).map((p) => p.name);
    const byKey = new Map<string, RollupRow>();
    for (const fn of STATS) {
      const rows = await this.store.aggregate({ domain, params, from, to, windowMs: HOUR_MS, fn, groupBy: ['city', 'site', 'device'] });
      for (const row of rows) {
        for (const [param, value] of Object.entries(row.values)) {
          const key = `${row.start}|${row.tags.device}|${param}`;
          let rollup = byKey.get(key);
          if (!rollup) {
            rollup = {
              period: '1h',
              start: row.start,
              city: row.tags.city ?? '',
              site: row.tags.site ?? '',
              device: row.tags.device ?? '',
              domain,
              param,
              mean: NaN,
              min: NaN,
              max: NaN,
              count: 0,
              sum: NaN,
            };
            byKey.set(key, rollup);
          }
          rollup[fn] = value;
        }
      }
    }
    // The five queries are not one snapshot: points written between them can give a row a count
    // without a sum (measured: a NaN mean in the demo). Such a row is left out; the write that caused
    // it marked the hour dirty again, so the next run computes it whole. The mean is sum / count so
    // the two always agree.
    const rows: RollupRow[] = [];
    for (const r of byKey.values()) {
      if (!(r.count > 0) || !Number.isFinite(r.sum) || !Number.isFinite(r.min) || !Number.isFinite(r.max)) continue;
      r.mean = r.sum / r.count;
      rows.push(r);
    }
    return rows;
  }

  private async dailyRollups(domain: Domain, from: number, to: number): Promise<RollupRow[]> {
    const hourly = await this.store.queryRollups({ period: '1h', domain, from, to });
    const byKey = new Map<string, RollupRow>();
    for (const h of hourly) {
      const start = bangkokDayStart(h.start);
      const key = `${start}|${h.device}|${h.param}`;
      const day = byKey.get(key);
      if (!day) {
        byKey.set(key, { ...h, period: '1d', start });
      } else {
        day.min = Math.min(day.min, h.min);
        day.max = Math.max(day.max, h.max);
        day.count += h.count;
        day.sum += h.sum;
      }
    }
    for (const day of byKey.values()) day.mean = day.sum / day.count;
    return [...byKey.values()];
  }
}

/** [from, to) ranges covering sorted starts of fixed-length windows */
export function contiguousRanges(starts: number[], length: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const start of starts) {
    const last = ranges[ranges.length - 1];
    if (last && last[1] === start) last[1] = start + length;
    else ranges.push([start, start + length]);
  }
  return ranges;
}

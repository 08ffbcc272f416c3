import {
  DAY_MS,
  HOUR_MS,
  bangkokDayStart,
  combineLeq,
  energyAveragedParams,
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
 * Hourly and daily rollups (mean/min/max/count/sum per device and parameter, and the Leq of sound
 * levels), computed by the platform from the stored raw points so they work on every backend.
 * Written points mark their hour dirty; `run()` recomputes dirty hours from the store (so late and
 * replayed data are counted exactly once) and then the Asia/Bangkok days containing them from the
 * hourly rows; `requestRebuild()` marks a past range for the same treatment.
 */
export class RollupScheduler {
  /** domain -> dirty hour starts */
  private readonly dirty = new Map<Domain, Set<number>>();
  private running: Promise<number> | null = null;
  /** false while the state file lacks dirty hours it should hold (a write failed: a full disk) */
  private saved = true;
  /** the hours of the run under way (they stay in the state file until it is done) */
  private inProgress: Array<[Domain, Set<number>]> = [];

  /**
   * @param stateFile where dirty hours are noted (one `domain:hourStart` line each, appended when
   * first marked, cleared after a run), so a crash between a write and its rollup loses nothing
   */
  constructor(
    private readonly store: TelemetryStore,
    private readonly stateFile?: string,
    private readonly now: () => number = Date.now,
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

  /** note the hours of stored points; false when the note could not be written (it is retried with the next one) */
  markDirty(points: readonly TelemetryPoint[]): boolean {
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
    return this.note(noted);
  }

  /** append `domain:hour` lines to the state file; false when it could not be written (retried with the next note) */
  private note(lines: string): boolean {
    if (!this.stateFile) return true;
    if (!this.saved) return this.rewriteStateFile([...this.inProgress, ...this.dirty.entries()]);
    if (!lines) return true;
    try {
      fs.appendFileSync(this.stateFile, lines);
    } catch {
      // the hours stay dirty in memory; the next note rewrites the whole file
      this.saved = false;
    }
    return this.saved;
  }

  /** whether every dirty hour is noted in the state file (a crash now would lose none) */
  get notesSaved(): boolean {
    return this.saved;
  }

  get dirtyHours(): number {
    let n = 0;
    for (const set of this.dirty.values()) n += set.size;
    return n;
  }

  /**
   * Recompute dirty hours and their days, newest day first; returns the number of rollup rows written. With a budget,
   * no further day is started once it is spent: the rest stays dirty (and noted) for the next run, so a rebuild of
   * months neither holds back today's rollups nor a shutdown.
   */
  run(budgetMs?: number): Promise<number> {
    if (this.running) return this.running.then(() => this.run(budgetMs));
    this.running = this.recompute(budgetMs === undefined ? Infinity : this.now() + budgetMs).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /**
   * Mark every hour of [from, to) (widened to whole hours) dirty in the given domains: the next runs recompute them
   * from the stored readings. Returns the number of hours newly marked; false as `noted` when the note could not be
   * written (the hours are dirty in memory all the same).
   */
  requestRebuild(domains: readonly Domain[], from: number, to: number): { hours: number; noted: boolean } {
    let noted = '';
    let hours = 0;
    for (const domain of domains) {
      for (let hour = hourStart(from); hour < to; hour += HOUR_MS) {
        if (this.add(domain, hour)) {
          noted += `${domain}:${hour}\n`;
          hours += 1;
        }
      }
    }
    return { hours, noted: this.note(noted) };
  }

  private async recompute(deadline: number): Promise<number> {
    let written = 0;
    const work = [...this.dirty.entries()];
    this.inProgress = work;
    this.dirty.clear();
    if (this.stateFile) this.rewriteStateFile(work);
    const days: Array<{ domain: Domain; day: number; hours: number[] }> = [];
    for (const [domain, hours] of work) {
      const byDay = new Map<number, number[]>();
      for (const hour of hours) {
        const day = bangkokDayStart(hour);
        const list = byDay.get(day);
        if (list) list.push(hour);
        else byDay.set(day, [hour]);
      }
      for (const [day, dayHours] of byDay) days.push({ domain, day, hours: dayHours.sort((a, b) => a - b) });
    }
    days.sort((a, b) => b.day - a.day);
    let done = 0;
    try {
      for (; done < days.length && this.now() < deadline; done += 1) {
        const { domain, day, hours } = days[done] as (typeof days)[number];
        for (const [from, to] of contiguousRanges(hours, HOUR_MS)) {
          const hourly = await this.hourlyRollups(domain, from, to);
          if (hourly.length > 0) await this.store.writeRollups(hourly);
          written += hourly.length;
        }
        const daily = await this.dailyRollups(domain, day, day + DAY_MS);
        if (daily.length > 0) await this.store.writeRollups(daily);
        written += daily.length;
      }
    } catch (error) {
      // keep the work for the next run: the day that failed and those not reached yet (the state file still has them)
      for (const rest of days.slice(done)) for (const h of rest.hours) this.add(rest.domain, h);
      this.inProgress = [];
      throw error;
    }
    for (const rest of days.slice(done)) for (const h of rest.hours) this.add(rest.domain, h);
    this.inProgress = [];
    if (this.stateFile) this.rewriteStateFile([...this.dirty.entries()]);
    return written;
  }

  /** replace the state file (write aside, then rename: a full disk leaves the old one whole); false when it failed */
  private rewriteStateFile(entries: Array<[Domain, Set<number>]>): boolean {
    let text = '';
    for (const [domain, hours] of entries) for (const h of hours) text += `${domain}:${h}\n`;
    const file = this.stateFile!;
    try {
      fs.writeFileSync(`${file}.tmp`, text);
      fs.renameSync(`${file}.tmp`, file);
      this.saved = true;
    } catch {
      this.saved = false;
      fs.rmSync(`${file}.tmp`, { force: true });
    }
    return this.saved;
  }

  private async hourlyRollups(domain: Domain, from: number, to: number): Promise<RollupRow[]> {
    const params = parametersOf(domain).map((p) => p.name);
    const levels = energyAveragedParams(domain);
    const byKey = new Map<string, RollupRow>();
    const queries: Array<[AggregateFn, string[]]> = STATS.map((fn) => [fn, params]);
    if (levels.length > 0) queries.push(['leq', levels]);
    for (const [fn, fnParams] of queries) {
      const rows = await this.store.aggregate({ domain, params: fnParams, from, to, windowMs: HOUR_MS, fn, groupBy: ['city', 'site', 'device'] });
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
    // The queries are not one snapshot: points written between them can give a row a count
    // without a sum (measured: a NaN mean in the demo). Such a row is left out; the write that caused
    // it marked the hour dirty again, so the next run computes it whole. The mean is sum / count so
    // the two always agree.
    const rows: RollupRow[] = [];
    for (const r of byKey.values()) {
      if (!(r.count > 0) || !Number.isFinite(r.sum) || !Number.isFinite(r.min) || !Number.isFinite(r.max)) continue;
      if (levels.includes(r.param) && !Number.isFinite(r.leq)) continue;
      r.mean = r.sum / r.count;
      rows.push(r);
    }
    return rows;
  }

  private async dailyRollups(domain: Domain, from: number, to: number): Promise<RollupRow[]> {
    const hourly = await this.store.queryRollups({ period: '1h', domain, from, to });
    const byKey = new Map<string, { day: RollupRow; hours: RollupRow[] }>();
    for (const h of hourly) {
      const start = bangkokDayStart(h.start);
      const key = `${start}|${h.device}|${h.param}`;
      const entry = byKey.get(key);
      if (!entry) {
        byKey.set(key, { day: { ...h, period: '1d', start }, hours: [h] });
      } else {
        const day = entry.day;
        day.min = Math.min(day.min, h.min);
        day.max = Math.max(day.max, h.max);
        day.count += h.count;
        day.sum += h.sum;
        entry.hours.push(h);
      }
    }
    const days: RollupRow[] = [];
    for (const { day, hours } of byKey.values()) {
      day.mean = day.sum / day.count;
      delete day.leq;
      if (hours.some((h) => h.leq !== undefined)) {
        // NaN when an hour lacks its Leq (rolled up before the statistic existed): the day then has none rather than a wrong one
        const leq = combineLeq(hours);
        if (Number.isFinite(leq)) day.leq = leq;
      }
      days.push(day);
    }
    return days;
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

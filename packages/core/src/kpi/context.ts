/**
 * Indexes over one city's rollups for one period, shared by the KPI computations: the Bangkok days of the period,
 * daily and hourly rows by device and parameter, and when a device-day or device-hour holds enough data.
 */
import { MIN_COMPLETENESS } from '../standards/project-choices.ts';
import { parseStandardsDate } from '../standards/dates.ts';
import { DAY_MS, HOUR_MS, bangkokDate, bangkokDateStart, bangkokDayStart } from '../time.ts';
import { DOMAINS, type Domain, type RollupRow } from '../types.ts';
import type { AssessmentDevice, AssessmentInput, AssessmentPeriod, KpiCatalog } from './types.ts';

export interface PeriodDay {
  date: string;
  /** epoch ms of 00:00 Asia/Bangkok */
  start: number;
}

export type PeriodCheck = { ok: true; days: PeriodDay[]; fromMs: number; toMs: number } | { ok: false; field: 'from' | 'to'; message: string };

/** longest period an assessment covers: three years and a day (leap years) */
export const MAX_PERIOD_DAYS = 1097;

/** The Asia/Bangkok days of an inclusive period, or what is wrong with it. */
export function periodDays(period: AssessmentPeriod): PeriodCheck {
  for (const field of ['from', 'to'] as const) {
    const value = period[field];
    const parsed = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? parseStandardsDate(value) : null;
    if (!parsed || !parsed.ok) {
      return { ok: false, field, message: `"${String(value)}" is not a calendar date; use YYYY-MM-DD (an Asia/Bangkok day)` };
    }
  }
  const fromMs = bangkokDateStart(period.from);
  const lastMs = bangkokDateStart(period.to);
  if (lastMs < fromMs) return { ok: false, field: 'to', message: `the period ends (${period.to}) before it starts (${period.from}); swap them` };
  const count = Math.round((lastMs - fromMs) / DAY_MS) + 1;
  if (count > MAX_PERIOD_DAYS) {
    return { ok: false, field: 'to', message: `the period spans ${count} days; at most ${MAX_PERIOD_DAYS} (three years) are assessed at once` };
  }
  const days: PeriodDay[] = [];
  for (let i = 0; i < count; i += 1) {
    const start = fromMs + i * DAY_MS;
    days.push({ date: bangkokDate(start), start });
  }
  return { ok: true, days, fromMs, toMs: lastMs + DAY_MS };
}

/** ceil(75 % of expected), tolerant of binary rounding (as windows.ts) */
export function requiredCount(expected: number): number {
  return Math.max(1, Math.ceil(MIN_COMPLETENESS * expected - 1e-9));
}

/** device -> param -> start -> row: nested maps, no key strings built per look-up (the hot path of an assessment) */
type RowIndex = Map<string, Map<string, Map<number, RollupRow>>>;

export class AssessmentContext {
  readonly days: PeriodDay[];
  readonly fromMs: number;
  readonly toMs: number;
  private readonly daily: RowIndex = new Map();
  private readonly hourly: RowIndex = new Map();
  /** device -> first day start with any daily row */
  private readonly firstData = new Map<string, number>();
  /** device -> day starts with any daily row */
  private readonly reportingDays = new Map<string, Set<number>>();
  /** device -> params seen in the period */
  private readonly paramsSeen = new Map<string, Set<string>>();
  /** device -> day start -> messages received (the highest reading count of its parameters that day) */
  private readonly messages = new Map<string, Map<number, number>>();

  constructor(
    readonly input: AssessmentInput,
    readonly catalog: KpiCatalog,
  ) {
    const period = periodDays(input.period);
    if (!period.ok) throw new RangeError(`period.${period.field}: ${period.message}`);
    this.days = period.days;
    const perDomain = (f: (d: Domain) => number) => Object.fromEntries(DOMAINS.map((d) => [d, f(d)])) as Record<Domain, number>;
    this.requiredDay = perDomain((d) => requiredCount(this.expectedPerDay(d)));
    this.requiredHour = perDomain((d) => requiredCount(this.expectedPerHour(d)));
    this.fromMs = period.fromMs;
    this.toMs = period.toMs;
    for (const row of input.daily) {
      if (row.period !== '1d' || row.start < this.fromMs || row.start >= this.toMs) continue;
      const start = bangkokDayStart(row.start);
      index(this.daily, row.device, row.param, start, row);
      const first = this.firstData.get(row.device);
      if (first === undefined || start < first) this.firstData.set(row.device, start);
      let days = this.reportingDays.get(row.device);
      if (!days) this.reportingDays.set(row.device, (days = new Set()));
      if (row.count > 0) days.add(start);
      let params = this.paramsSeen.get(row.device);
      if (!params) this.paramsSeen.set(row.device, (params = new Set()));
      params.add(row.param);
      let counts = this.messages.get(row.device);
      if (!counts) this.messages.set(row.device, (counts = new Map()));
      counts.set(start, Math.max(counts.get(start) ?? 0, row.count));
    }
    for (const row of input.hourly) {
      if (row.period === '1h') index(this.hourly, row.device, row.param, row.start, row);
    }
  }

  /** index hourly rollups loaded after the context was made (the ones planHourlyNeeds asked for) */
  addHourly(rows: readonly RollupRow[]): void {
    for (const row of rows) if (row.period === '1h') index(this.hourly, row.device, row.param, row.start, row);
  }

  /** registered devices of a domain, by id */
  devices(domain: Domain): AssessmentDevice[] {
    return this.input.devices.filter((d) => d.domain === domain).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** readings a device of the domain should send in a day */
  expectedPerDay(domain: Domain): number {
    return DAY_MS / (this.catalog.inputs.reportingIntervalSeconds[domain] * 1000);
  }

  expectedPerHour(domain: Domain): number {
    return HOUR_MS / (this.catalog.inputs.reportingIntervalSeconds[domain] * 1000);
  }

  dayRow(device: string, param: string, dayStart: number): RollupRow | undefined {
    return this.daily.get(device)?.get(param)?.get(dayStart);
  }

  /** the day's row when it holds at least 75 % of the expected readings (project choice "completeness") */
  validDay(device: AssessmentDevice, param: string, dayStart: number): RollupRow | undefined {
    const row = this.dayRow(device.id, param, dayStart);
    return row && row.count >= this.requiredDay[device.domain] ? row : undefined;
  }

  private readonly requiredDay: Record<Domain, number>;
  private readonly requiredHour: Record<Domain, number>;

  hourRow(device: string, param: string, hourStart: number): RollupRow | undefined {
    return this.hourly.get(device)?.get(param)?.get(hourStart);
  }

  /** the hourly rows of one device and parameter by hour start, for loops over many hours */
  hourRows(device: string, param: string): ReadonlyMap<number, RollupRow> | undefined {
    return this.hourly.get(device)?.get(param);
  }

  /** whether an hourly row holds at least 75 % of the readings expected in an hour */
  hourIsValid(domain: Domain, row: RollupRow | undefined): row is RollupRow {
    return row !== undefined && row.count >= this.requiredHour[domain];
  }

  validHour(device: AssessmentDevice, param: string, hourStart: number): RollupRow | undefined {
    const row = this.hourRow(device.id, param, hourStart);
    return row && row.count >= this.requiredHour[device.domain] ? row : undefined;
  }

  reports(device: string, param: string): boolean {
    return this.paramsSeen.get(device)?.has(param) ?? false;
  }

  /** parameters a device reported in the period, sorted */
  paramsOf(device: string): string[] {
    return [...(this.paramsSeen.get(device) ?? [])].sort();
  }

  reportedAnything(device: string): boolean {
    return (this.paramsSeen.get(device)?.size ?? 0) > 0;
  }

  /** readings (messages) a device sent on a day: the highest count of its parameters */
  messagesOn(device: string, dayStart: number): number {
    return this.messages.get(device)?.get(dayStart) ?? 0;
  }

  reportedOn(device: string, dayStart: number): boolean {
    return this.reportingDays.get(device)?.has(dayStart) ?? false;
  }

  /**
   * The days a device is expected to report: from the day it was registered, or from its first data if that is
   * earlier (history loaded before registration); a revoked device only on the days it reported.
   */
  expectedDays(device: AssessmentDevice): PeriodDay[] {
    if (device.status !== 'active') return this.days.filter((d) => this.reportedOn(device.id, d.start));
    const registered = bangkokDayStart(device.createdAt);
    const first = this.firstData.get(device.id);
    const from = first === undefined ? registered : Math.min(registered, first);
    return this.days.filter((d) => d.start >= from);
  }
}

function index(map: RowIndex, device: string, param: string, start: number, row: RollupRow): void {
  let byParam = map.get(device);
  if (!byParam) map.set(device, (byParam = new Map()));
  let byStart = byParam.get(param);
  if (!byStart) byParam.set(param, (byStart = new Map()));
  byStart.set(start, row);
}

/**
 * Pure evaluation of one rule condition at a time `at`, over a device's samples and signals. Every outcome is one of:
 * - firing: the condition is met
 * - hold: not met, but inside the hysteresis band (an active alert stays, an inactive one is not raised)
 * - clear: not met and outside the band
 * - insufficient: no verdict possible (too little data, stale reading): neither raises nor clears
 * - not-applicable: the device has never sent what the condition needs
 */
import { AQI_BANDS, AQI_POLLUTANTS, type AqiPollutant } from '../standards/data/aqi-tables.ts';
import { stationAqiFromSamples } from '../standards/aqi.ts';
import { evaluateStandardInForce } from '../standards/evaluate.ts';
import { aqiTableFor, standardVersions } from '../standards/registry.ts';
import { roundHalfUp } from '../standards/rounding.ts';
import type { Limit } from '../standards/types.ts';
import { rollingMean, type WindowSample } from '../standards/windows.ts';
import { getParameter } from '../catalog.ts';
import { diskLevelRank, formatBytes, type DiskReport } from '../disk.ts';
import { isDomain } from '../types.ts';
import { bangkokHourOfDay, hourlyBaseline, type HourlyMean } from './baseline.ts';
import type {
  AlertDomain,
  AlertSeverity,
  AqiBandCondition,
  DiskSpaceCondition,
  BaselineCondition,
  NoDataCondition,
  OfflineCondition,
  RuleCondition,
  StandardCondition,
  StuckCondition,
  ThresholdCondition,
} from './types.ts';

export type ConditionStatus = 'firing' | 'hold' | 'clear' | 'insufficient' | 'not-applicable';

export interface ConditionOutcome {
  status: ConditionStatus;
  /** the condition's id within its rule */
  conditionId: string;
  /** the parameter judged ('aqi' for the AQI), null for device-level conditions */
  parameter: string | null;
  /** the number judged: a window statistic, the latest reading, the AQI, minutes offline ... */
  value: number | null;
  unit: string | null;
  /** the standard (edition) the verdict used */
  standard: { id: string; version: string } | null;
  /** the data the value covers */
  window: { from: number; to: number } | null;
  /** severity this outcome asks for (AQI band), null = the condition's or rule's */
  severity: AlertSeverity | null;
  /** one English sentence for logs and alert details */
  detail: string;
}

/** What a device has told the platform, as the conditions see it. */
export interface DeviceInputs {
  domain: AlertDomain;
  /** samples of a parameter in canonical units, ascending by ts (samples after `at` are ignored) */
  samples(parameter: string): readonly WindowSample[];
  /** timestamp of the device's latest reading, null when it never sent one */
  lastSeenAt: number | null;
  /** the broker's retained status, null when unknown */
  status: { online: boolean; since: number } | null;
  /** hourly means of a parameter on previous days (for baselines) */
  hourlyMeans?(parameter: string): readonly HourlyMean[];
  /** the latest disk status of a platform service (system subjects only) */
  disk?: DiskReport | null;
}

function outcome(condition: RuleCondition, status: ConditionStatus, detail: string, rest: Partial<Omit<ConditionOutcome, 'status' | 'conditionId' | 'detail'>> = {}): ConditionOutcome {
  return {
    status,
    conditionId: condition.id,
    parameter: rest.parameter ?? null,
    value: rest.value ?? null,
    unit: rest.unit ?? null,
    standard: rest.standard ?? null,
    window: rest.window ?? null,
    severity: rest.severity ?? null,
    detail,
  };
}

function unitOf(domain: AlertDomain, parameter: string): string | null {
  return isDomain(domain) ? (getParameter(domain, parameter)?.unit ?? null) : null;
}

/** index of the last sample at or before `at` (samples ascending), -1 when none */
function lastIndexAtOrBefore(samples: readonly WindowSample[], at: number): number {
  let lo = 0;
  let hi = samples.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((samples[mid] as WindowSample).ts <= at) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * The samples in (at - lookbackMs, at]: window functions scan every sample they are given, and the engine keeps a
 * day or more per series, so a 1 h window is judged on its hour only.
 */
export function recentSamples(samples: readonly WindowSample[], at: number, lookbackMs: number): readonly WindowSample[] {
  const end = lastIndexAtOrBefore(samples, at) + 1;
  if (end === 0) return [];
  const from = at - lookbackMs;
  let lo = 0;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((samples[mid] as WindowSample).ts <= from) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 && end === samples.length ? samples : samples.slice(lo, end);
}

/** limit edge at which an exceedance counts as over: the hysteresis band lies between it and the limit */
function inHysteresisBand(value: number, limit: Limit, fraction: number, decimals: number): boolean {
  if (limit.max !== undefined && value > roundHalfUp(limit.max * (1 - fraction), decimals)) return true;
  if (limit.min !== undefined && value < roundHalfUp(limit.min * (1 + fraction), decimals)) return true;
  return false;
}

function evaluateStandardCondition(c: StandardCondition, inputs: DeviceInputs, at: number): ConditionOutcome {
  const samples = inputs.samples(c.parameter);
  const unit = unitOf(inputs.domain, c.parameter);
  if (samples.length === 0) return outcome(c, 'not-applicable', `no ${c.parameter} readings`, { parameter: c.parameter, unit });
  const result = evaluateStandardInForce(c.standardId, recentSamples(samples, at, conditionLookbackMs(c)), at, { expectedIntervalMs: c.expectedIntervalMs });
  if (result.status === 'invalid') {
    return outcome(c, 'insufficient', `${c.standardId} cannot be judged: ${result.error.message}`, { parameter: c.parameter, unit });
  }
  const common = {
    parameter: c.parameter,
    unit: result.unit,
    standard: { id: result.standardId, version: result.version },
    window: { from: result.window.startMs, to: result.window.endMs },
  };
  if (result.status === 'insufficient-data') {
    const pct = Math.round(result.completeness * 100);
    return outcome(c, 'insufficient', `${c.standardId}: ${pct} % of the window's slots hold data, ${result.required} of ${result.expected} needed`, common);
  }
  const limitText = [result.limit.min !== undefined ? `min ${result.limit.min}` : '', result.limit.max !== undefined ? `max ${result.limit.max}` : ''].filter(Boolean).join(', ');
  if (result.status === 'exceed') {
    return outcome(c, 'firing', `${c.parameter} ${result.value} ${result.unit} exceeds ${c.standardId}@${result.version} (${limitText})${result.partial ? ' in an incomplete window' : ''}`, { ...common, value: result.value });
  }
  const edition = standardVersions(c.standardId).find((s) => s.version === result.version);
  const decimals = edition?.decimals ?? 1;
  if (inHysteresisBand(result.value, result.limit, c.clearFraction, decimals)) {
    return outcome(c, 'hold', `${c.parameter} ${result.value} ${result.unit} meets ${c.standardId} (${limitText}) but is within the clearing margin`, { ...common, value: result.value });
  }
  return outcome(c, 'clear', `${c.parameter} ${result.value} ${result.unit} meets ${c.standardId} (${limitText})`, { ...common, value: result.value });
}

function compare(op: ThresholdCondition['op'], value: number, threshold: number): boolean {
  switch (op) {
    case 'gt':
      return value > threshold;
    case 'gte':
      return value >= threshold;
    case 'lt':
      return value < threshold;
    case 'lte':
      return value <= threshold;
  }
}

const OP_TEXT = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

function evaluateThreshold(c: ThresholdCondition, inputs: DeviceInputs, at: number): ConditionOutcome {
  const samples = inputs.samples(c.parameter);
  const unit = unitOf(inputs.domain, c.parameter);
  if (samples.length === 0) return outcome(c, 'not-applicable', `no ${c.parameter} readings`, { parameter: c.parameter, unit });
  const index = lastIndexAtOrBefore(samples, at);
  const latest = samples[index];
  if (!latest || at - latest.ts > c.maxSampleAgeMs) {
    return outcome(c, 'insufficient', `no ${c.parameter} reading in the ${Math.round(c.maxSampleAgeMs / 60_000)} min before the evaluation`, { parameter: c.parameter, unit });
  }
  const standard = c.reference ? referencedEdition(c.reference.standardId) : null;
  const rest = { parameter: c.parameter, unit, value: latest.value, window: { from: latest.ts, to: latest.ts }, standard };
  const shown = `${c.parameter} ${latest.value}${unit ? ` ${unit}` : ''}`;
  if (compare(c.op, latest.value, c.value)) return outcome(c, 'firing', `${shown} ${OP_TEXT[c.op]} ${c.value}`, rest);
  const upper = c.op === 'gt' || c.op === 'gte';
  const cleared = upper ? latest.value <= c.clearValue : latest.value >= c.clearValue;
  if (!cleared) return outcome(c, 'hold', `${shown} is between ${c.clearValue} and ${c.value}`, rest);
  return outcome(c, 'clear', `${shown} is back ${upper ? 'at or below' : 'at or above'} ${c.clearValue}`, rest);
}

function referencedEdition(standardId: string): { id: string; version: string } | null {
  const editions = standardVersions(standardId);
  const latest = editions[editions.length - 1];
  return latest ? { id: latest.id, version: latest.version } : null;
}

function evaluateAqiBand(c: AqiBandCondition, inputs: DeviceInputs, at: number): ConditionOutcome {
  const samples: Partial<Record<AqiPollutant, readonly WindowSample[]>> = {};
  const rows = aqiTableFor(at).rows;
  let any = false;
  for (const pollutant of AQI_POLLUTANTS) {
    const series = inputs.samples(pollutant);
    if (series.length > 0) {
      samples[pollutant] = recentSamples(series, at, rows[pollutant].averagingMs);
      any = true;
    }
  }
  if (!any) return outcome(c, 'not-applicable', 'the device measures no AQI pollutant', { parameter: 'aqi' });
  const result = stationAqiFromSamples(samples, at, { expectedIntervalMs: c.expectedIntervalMs });
  if (result.status === 'invalid') return outcome(c, 'insufficient', `AQI cannot be computed: ${result.error.message}`, { parameter: 'aqi' });
  const standard = { id: result.table.id, version: result.table.version };
  if (result.status === 'no-data') {
    return outcome(c, 'insufficient', `AQI: ${result.message} (${result.insufficient.map((i) => i.pollutant).join(', ') || 'no pollutant'} with too little data)`, { parameter: 'aqi', standard });
  }
  const responsible = result.subIndices.find((s) => s.pollutant === result.responsiblePollutant);
  const table = aqiTableFor(at);
  const windowMs = Math.max(...result.subIndices.map((s) => table.rows[s.pollutant].averagingMs));
  const rest = { parameter: 'aqi', value: result.aqi, unit: null, standard, window: { from: at - windowMs, to: at } };
  const text = `AQI ${result.aqi} (${result.band.name.en}, ${result.responsiblePollutant}${responsible ? ` ${responsible.roundedConcentration} ${responsible.unit}` : ''})`;
  if (result.band.level >= c.minLevel) {
    const severity = c.severityByLevel[String(result.band.level) as '1'] ?? null;
    return outcome(c, 'firing', text, { ...rest, severity });
  }
  const firstAqiOfLevel = AQI_BANDS.find((b) => b.level === c.minLevel)?.minAqi ?? 101;
  if (result.aqi > firstAqiOfLevel - 1 - c.clearMargin) return outcome(c, 'hold', `${text}, within the clearing margin`, rest);
  return outcome(c, 'clear', text, rest);
}

function evaluateNoData(c: NoDataCondition, inputs: DeviceInputs, at: number): ConditionOutcome {
  if (inputs.lastSeenAt === null) return outcome(c, 'not-applicable', 'the device has not sent a reading yet');
  const silentMs = Math.max(0, at - inputs.lastSeenAt);
  const minutes = Math.floor(silentMs / 60_000);
  const rest = { value: minutes, unit: 'min', window: { from: inputs.lastSeenAt, to: at } };
  if (silentMs >= c.afterMs) return outcome(c, 'firing', `no reading for ${minutes} min`, rest);
  return outcome(c, 'clear', `last reading ${minutes} min ago`, rest);
}

function evaluateOffline(c: OfflineCondition, inputs: DeviceInputs, at: number): ConditionOutcome {
  const status = inputs.status;
  if (status === null) return outcome(c, 'not-applicable', 'no status from the broker');
  if (status.online) return outcome(c, 'clear', 'online', { window: { from: status.since, to: at } });
  const offlineMs = Math.max(0, at - status.since);
  const minutes = Math.floor(offlineMs / 60_000);
  const rest = { value: minutes, unit: 'min', window: { from: status.since, to: at } };
  if (offlineMs >= c.afterMs) return outcome(c, 'firing', `offline for ${minutes} min`, rest);
  return outcome(c, 'hold', `offline for ${minutes} min (alert after ${Math.round(c.afterMs / 60_000)} min)`, rest);
}

function evaluateStuck(c: StuckCondition, inputs: DeviceInputs, at: number): ConditionOutcome {
  let clear: ConditionOutcome | null = null;
  let insufficient: ConditionOutcome | null = null;
  for (const parameter of c.parameters) {
    const samples = inputs.samples(parameter);
    if (samples.length === 0) continue;
    const unit = unitOf(inputs.domain, parameter);
    const last = lastIndexAtOrBefore(samples, at);
    if (last < 1) {
      insufficient ??= outcome(c, 'insufficient', `fewer than 2 ${parameter} readings`, { parameter, unit });
      continue;
    }
    const latest = samples[last] as WindowSample;
    let first = last;
    while (first > 0 && (samples[first - 1] as WindowSample).value === latest.value) first--;
    const run = last - first + 1;
    const spanMs = latest.ts - (samples[first] as WindowSample).ts;
    const rest = { parameter, unit, value: latest.value, window: { from: (samples[first] as WindowSample).ts, to: latest.ts } };
    if (run >= c.minReadings && spanMs >= c.minDurationMs) {
      return outcome(c, 'firing', `${parameter} has read ${latest.value} ${run} times in a row over ${Math.round(spanMs / 60_000)} min`, rest);
    }
    clear ??= outcome(c, 'clear', `${parameter} varies`, rest);
  }
  return clear ?? insufficient ?? outcome(c, 'not-applicable', `the device sends none of ${c.parameters.join(', ')}`);
}

function evaluateBaseline(c: BaselineCondition, inputs: DeviceInputs, at: number): ConditionOutcome {
  const samples = inputs.samples(c.parameter);
  const unit = unitOf(inputs.domain, c.parameter);
  if (samples.length === 0) return outcome(c, 'not-applicable', `no ${c.parameter} readings`, { parameter: c.parameter, unit });
  const mean = rollingMean(recentSamples(samples, at, c.windowMs), at, c.windowMs, { expectedIntervalMs: c.expectedIntervalMs });
  const window = { from: at - c.windowMs, to: at };
  if (mean.status !== 'ok') {
    return outcome(c, 'insufficient', `${c.parameter}: too few readings for a ${Math.round(c.windowMs / 60_000)} min mean`, { parameter: c.parameter, unit, window });
  }
  const hour = bangkokHourOfDay(at - c.windowMs / 2);
  const baseline = hourlyBaseline(inputs.hourlyMeans?.(c.parameter) ?? [], hour, at, c.maxDays);
  if (!baseline || baseline.days < c.minDays) {
    return outcome(c, 'insufficient', `${c.parameter}: ${baseline?.days ?? 0} previous days with data for ${hour}:00, ${c.minDays} needed for a baseline`, { parameter: c.parameter, unit, window, value: mean.value });
  }
  const value = mean.value;
  const rest = { parameter: c.parameter, unit, value, window };
  const shown = `${c.parameter} ${roundHalfUp(value, 2)} ${unit ?? ''} against a usual ${roundHalfUp(baseline.mean, 2)} for ${hour}:00 (${baseline.days} days)`;
  const excess = value - baseline.mean;
  if (value > baseline.mean * c.factor && excess >= c.minExcessFraction * baseline.busiestHourMean) return outcome(c, 'firing', shown, rest);
  if (value > baseline.mean * c.clearFactor) return outcome(c, 'hold', shown, rest);
  return outcome(c, 'clear', shown, rest);
}

/** the report's fullest volume (the one that sets its level): its free share in % is the alert's value */
function evaluateDiskSpace(c: DiskSpaceCondition, inputs: DeviceInputs, at: number): ConditionOutcome {
  const report = inputs.disk;
  if (!report) return outcome(c, 'not-applicable', 'no disk status reported');
  const fullest = report.volumes.reduce<DiskReport['volumes'][number] | null>((worst, v) => {
    if (!worst) return v;
    const rank = diskLevelRank(v.level) - diskLevelRank(worst.level);
    return rank > 0 || (rank === 0 && v.freeBytes < worst.freeBytes) ? v : worst;
  }, null);
  const percent = fullest && fullest.totalBytes > 0 ? Math.round((fullest.freeBytes / fullest.totalBytes) * 1000) / 10 : null;
  const rest = { parameter: 'diskFree', unit: '%', value: percent, window: { from: report.at, to: report.at } };
  const where = fullest ? `${report.source} ${fullest.role} ${fullest.path}: ${formatBytes(fullest.freeBytes)} free of ${formatBytes(fullest.totalBytes)} (${percent} %)` : `${report.source}: no volume`;
  if (at - report.at > c.maxReportAgeMs) {
    return outcome(c, 'insufficient', `the last disk status of ${report.source} is ${Math.round((at - report.at) / 60_000)} min old`, { parameter: 'diskFree', unit: '%' });
  }
  if (diskLevelRank(report.level) >= diskLevelRank(c.level)) return outcome(c, 'firing', `${where}, level ${report.level}`, rest);
  return outcome(c, 'clear', `${where}, level ${report.level}`, rest);
}

/** Evaluate one condition at `at`. Never throws for data; a condition of an unknown kind is 'insufficient'. */
export function evaluateCondition(condition: RuleCondition, inputs: DeviceInputs, at: number): ConditionOutcome {
  switch (condition.kind) {
    case 'disk-space':
      return evaluateDiskSpace(condition, inputs, at);
    case 'standard':
      return evaluateStandardCondition(condition, inputs, at);
    case 'threshold':
      return evaluateThreshold(condition, inputs, at);
    case 'aqi-band':
      return evaluateAqiBand(condition, inputs, at);
    case 'no-data':
      return evaluateNoData(condition, inputs, at);
    case 'offline':
      return evaluateOffline(condition, inputs, at);
    case 'stuck':
      return evaluateStuck(condition, inputs, at);
    case 'baseline':
      return evaluateBaseline(condition, inputs, at);
    default:
      return outcome(condition as RuleCondition, 'insufficient', `condition kind ${JSON.stringify((condition as { kind?: unknown }).kind)} is unknown`);
  }
}

/** The catalog parameters a condition reads (empty for device-level conditions). */
export function conditionParameters(condition: RuleCondition): string[] {
  switch (condition.kind) {
    case 'standard':
    case 'threshold':
    case 'baseline':
      return [condition.parameter];
    case 'stuck':
      return [...condition.parameters];
    case 'aqi-band':
      return [...AQI_POLLUTANTS];
    default:
      return [];
  }
}

/** How far back a condition looks from its evaluation time, ms (how long samples must be kept). */
export function conditionLookbackMs(condition: RuleCondition): number {
  switch (condition.kind) {
    case 'standard': {
      const editions = standardVersions(condition.standardId);
      const averaging = editions[0]?.averaging;
      if (!averaging) return 0;
      return averaging.kind === 'instant' ? condition.expectedIntervalMs : (averaging.periodMs ?? 0);
    }
    case 'threshold':
      return condition.maxSampleAgeMs;
    case 'aqi-band':
      return 86_400_000;
    case 'stuck':
      return condition.minDurationMs * 2;
    case 'baseline':
      return condition.windowMs;
    default:
      return 0;
  }
}

/**
 * Thai AQI (PCD): sub-index by linear interpolation inside the band (reference §2.4), AQI = max sub-index,
 * table chosen by date (2023 table from 2023-06-01). Rounding and the open > 200 band follow project-choices.ts.
 */
import { parseStandardsDate, type DateInput } from './dates.ts';
import { AQI_BANDS, AQI_POLLUTANTS, isAqiPollutant, type AqiBandDefinition, type AqiBreakpoint, type AqiPollutant, type AqiPollutantRow, type AqiTable } from './data/aqi-tables.ts';
import { aqiTableFor } from './registry.ts';
import { roundHalfUp } from './rounding.ts';
import type { StandardsError } from './types.ts';
import { rollingMean, type WindowSample } from './windows.ts';

export interface SubIndex {
  pollutant: AqiPollutant;
  /** the concentration given (canonical unit, averaged as the table requires) */
  concentration: number;
  /** rounded to the table resolution: the value the band was chosen with */
  roundedConcentration: number;
  unit: string;
  /** interpolated, before rounding */
  exactAqi: number;
  /** rounded half-up to an integer */
  aqi: number;
  band: AqiBandDefinition;
  /** above 200: extrapolated along the 101-200 slope, not an official number (project choice "aqi-above-200") */
  nonOfficial: boolean;
  tableVersion: string;
}

export interface AqiInputError extends StandardsError {
  pollutant: string;
}

export type SubIndexResult = { ok: true; subIndex: SubIndex } | { ok: false; error: AqiInputError };

export interface AqiTableRef {
  id: string;
  version: string;
}

/** A pollutant left out because its window had too little data. */
export interface AqiInsufficientInput {
  pollutant: AqiPollutant;
  completeness: number;
  samples: number;
  required: number;
}

export interface StationAqi {
  status: 'ok';
  aqi: number;
  band: AqiBandDefinition;
  /** the pollutant with the highest sub-index (first in AQI_POLLUTANTS order on a tie) */
  responsiblePollutant: AqiPollutant;
  /** every pollutant sharing the highest sub-index */
  responsiblePollutants: AqiPollutant[];
  subIndices: SubIndex[];
  nonOfficial: boolean;
  table: AqiTableRef;
  /** inputs refused, with the reason */
  rejected: AqiInputError[];
  /** AQI pollutants with no value */
  missing: AqiPollutant[];
  insufficient: AqiInsufficientInput[];
}

export interface StationAqiNoData {
  status: 'no-data';
  message: string;
  table: AqiTableRef;
  rejected: AqiInputError[];
  missing: AqiPollutant[];
  insufficient: AqiInsufficientInput[];
}

export interface StationAqiInvalid {
  status: 'invalid';
  error: StandardsError;
}

export type StationAqiResult = StationAqi | StationAqiNoData | StationAqiInvalid;

/** The band of an integer AQI: 0-25, 26-50, 51-100, 101-200, > 200. */
export function aqiBand(aqi: number): AqiBandDefinition {
  const band = AQI_BANDS.find((b) => b.maxAqi === undefined || aqi <= b.maxAqi);
  return band ?? (AQI_BANDS[AQI_BANDS.length - 1] as AqiBandDefinition);
}

function tableRef(table: AqiTable): AqiTableRef {
  return { id: table.id, version: table.version };
}

function inputError(pollutant: string, code: string, message: string): AqiInputError {
  return { pollutant, code, message };
}

/** Sub-index of one pollutant with a given table row. */
export function subIndexWithRow(row: AqiPollutantRow, concentration: number, tableVersion: string): SubIndexResult {
  const pollutant = row.pollutant;
  if (typeof concentration !== 'number' || !Number.isFinite(concentration)) {
    return { ok: false, error: inputError(pollutant, 'aqi.not_finite', `${pollutant}: concentration ${String(concentration)} is not a finite number; pass the ${row.averagingLabel.en} in ${row.unit}`) };
  }
  if (concentration < 0) {
    return { ok: false, error: inputError(pollutant, 'aqi.negative', `${pollutant}: concentration ${concentration} ${row.unit} is negative; check the sensor offset or drop the reading`) };
  }
  const rounded = roundHalfUp(concentration, row.decimals);
  const index = row.breakpoints.findIndex((b) => rounded >= b.cLow && (b.cHigh === undefined || rounded <= b.cHigh));
  const band = row.breakpoints[index] as AqiBreakpoint;
  let exact: number;
  let nonOfficial = false;
  if (band.cHigh !== undefined && band.iHigh !== undefined) {
    exact = ((band.iHigh - band.iLow) / (band.cHigh - band.cLow)) * (rounded - band.cLow) + band.iLow;
  } else {
    // open red band: continue the 101-200 slope from (first red breakpoint, 201)
    const below = row.breakpoints[index - 1] as Required<AqiBreakpoint>;
    exact = ((below.iHigh - below.iLow) / (below.cHigh - below.cLow)) * (rounded - band.cLow) + band.iLow;
    nonOfficial = exact > band.iLow;
  }
  const aqi = roundHalfUp(exact, 0);
  return {
    ok: true,
    subIndex: { pollutant, concentration, roundedConcentration: rounded, unit: row.unit, exactAqi: exact, aqi, band: aqiBand(aqi), nonOfficial, tableVersion },
  };
}

/** Sub-index of one pollutant at a date (the table in force that day). */
export function subIndex(pollutant: AqiPollutant, concentration: number, at: DateInput): SubIndexResult {
  const day = parseStandardsDate(at);
  if (!day.ok) return { ok: false, error: { pollutant, ...day.error } };
  if (!isAqiPollutant(pollutant)) {
    return { ok: false, error: inputError(String(pollutant), 'aqi.unknown_pollutant', `"${String(pollutant)}" is not a Thai AQI pollutant; expected one of ${AQI_POLLUTANTS.join(', ')}`) };
  }
  const table = aqiTableFor(day.date);
  return subIndexWithRow(table.rows[pollutant], concentration, table.version);
}

/**
 * Station AQI from concentrations already averaged as the table requires (PM 24 h, O3/CO 8 h rolling, NO2/SO2 1 h),
 * keyed by catalog name. Bad or unknown inputs are listed in `rejected` and the others still count.
 */
export function stationAqi(concentrations: Readonly<Record<string, number | undefined>>, at: DateInput): StationAqiResult {
  const day = parseStandardsDate(at);
  if (!day.ok) return { status: 'invalid', error: day.error };
  return stationAqiWithTable(concentrations, aqiTableFor(day.date), []);
}

function stationAqiWithTable(
  concentrations: Readonly<Record<string, number | undefined>>,
  table: AqiTable,
  insufficient: AqiInsufficientInput[],
): StationAqi | StationAqiNoData {
  const rejected: AqiInputError[] = [];
  const subIndices: SubIndex[] = [];
  for (const key of Object.keys(concentrations)) {
    if (!isAqiPollutant(key)) {
      rejected.push(inputError(key, 'aqi.unknown_pollutant', `"${key}" is not a Thai AQI pollutant; expected one of ${AQI_POLLUTANTS.join(', ')}`));
    }
  }
  const missing: AqiPollutant[] = [];
  for (const pollutant of AQI_POLLUTANTS) {
    const value = Object.hasOwn(concentrations, pollutant) ? concentrations[pollutant] : undefined;
    if (value === undefined) {
      if (!insufficient.some((i) => i.pollutant === pollutant)) missing.push(pollutant);
      continue;
    }
    const result = subIndexWithRow(table.rows[pollutant], value, table.version);
    if (result.ok) subIndices.push(result.subIndex);
    else rejected.push(result.error);
  }
  const ref = tableRef(table);
  if (subIndices.length === 0) {
    return { status: 'no-data', message: 'no AQI pollutant has a usable value for this station', table: ref, rejected, missing, insufficient };
  }
  const aqi = Math.max(...subIndices.map((s) => s.aqi));
  const top = subIndices.filter((s) => s.aqi === aqi);
  const responsible = top.reduce((best, s) => (s.exactAqi > best.exactAqi ? s : best));
  return {
    status: 'ok',
    aqi,
    band: aqiBand(aqi),
    responsiblePollutant: responsible.pollutant,
    responsiblePollutants: top.map((s) => s.pollutant),
    subIndices,
    nonOfficial: responsible.nonOfficial,
    table: ref,
    rejected,
    missing,
    insufficient,
  };
}

export interface StationAqiSamplesOptions {
  /** expected reporting interval, for all pollutants or per pollutant */
  expectedIntervalMs: number | Partial<Record<AqiPollutant, number>>;
  minCompleteness?: number;
}

/**
 * Station AQI at atMs from raw samples: each pollutant is averaged over its own rolling window ending at atMs
 * (PM 24 h, O3/CO 8 h, NO2/SO2 1 h); pollutants whose window is incomplete are listed in `insufficient`.
 */
export function stationAqiFromSamples(
  samples: Partial<Record<AqiPollutant, readonly WindowSample[]>>,
  atMs: number,
  options: StationAqiSamplesOptions,
): StationAqiResult {
  const day = parseStandardsDate(atMs);
  if (!day.ok) return { status: 'invalid', error: day.error };
  const table = aqiTableFor(day.date);
  const concentrations: Record<string, number> = {};
  const insufficient: AqiInsufficientInput[] = [];
  const invalidInputs: AqiInputError[] = [];
  for (const pollutant of AQI_POLLUTANTS) {
    const series = samples[pollutant];
    if (!series) continue;
    const interval = typeof options.expectedIntervalMs === 'number' ? options.expectedIntervalMs : options.expectedIntervalMs[pollutant];
    if (interval === undefined) {
      invalidInputs.push(inputError(pollutant, 'aqi.no_interval', `${pollutant}: no expectedIntervalMs given for this pollutant`));
      continue;
    }
    const windowOptions = options.minCompleteness === undefined ? { expectedIntervalMs: interval } : { expectedIntervalMs: interval, minCompleteness: options.minCompleteness };
    const mean = rollingMean(series, atMs, table.rows[pollutant].averagingMs, windowOptions);
    if (mean.status === 'ok') concentrations[pollutant] = mean.value;
    else if (mean.status === 'insufficient-data') {
      insufficient.push({ pollutant, completeness: mean.completeness, samples: mean.samples, required: mean.required });
    } else invalidInputs.push({ pollutant, ...mean.error });
  }
  const result = stationAqiWithTable(concentrations, table, insufficient);
  return { ...result, rejected: [...invalidInputs, ...result.rejected] };
}

export interface CityAqiStation {
  stationId: string;
  result: StationAqiResult;
}

export interface CityAqi {
  status: 'ok';
  /** the worst station's AQI (project choice "city-aqi") */
  aqi: number;
  band: AqiBandDefinition;
  worstStationId: string;
  responsiblePollutant: AqiPollutant;
  /** median of the station AQIs, rounded half-up to an integer */
  medianAqi: number;
  medianBand: AqiBandDefinition;
  /** stations with an AQI */
  stationCount: number;
  stationsWithoutData: string[];
  nonOfficial: boolean;
}

export interface CityAqiNoData {
  status: 'no-data';
  message: string;
  stationsWithoutData: string[];
}

/** City AQI: the worst station as the headline (Air4Thai-style worst-station reporting) and the median alongside. */
export function cityAqi(stations: readonly CityAqiStation[]): CityAqi | CityAqiNoData {
  const withData: { stationId: string; result: StationAqi }[] = [];
  const withoutData: string[] = [];
  for (const station of stations) {
    if (station.result.status === 'ok') withData.push({ stationId: station.stationId, result: station.result });
    else withoutData.push(station.stationId);
  }
  const first = withData[0];
  if (!first) {
    return { status: 'no-data', message: 'no station has an AQI', stationsWithoutData: withoutData };
  }
  const worst = withData.reduce((w, s) => (s.result.aqi > w.result.aqi ? s : w), first);
  const sorted = withData.map((s) => s.result.aqi).sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  const medianAqi = roundHalfUp(median, 0);
  return {
    status: 'ok',
    aqi: worst.result.aqi,
    band: worst.result.band,
    worstStationId: worst.stationId,
    responsiblePollutant: worst.result.responsiblePollutant,
    medianAqi,
    medianBand: aqiBand(medianAqi),
    stationCount: withData.length,
    stationsWithoutData: withoutData,
    nonOfficial: worst.result.nonOfficial,
  };
}

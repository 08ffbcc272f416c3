/**
 * The current Thai AQI of each station, computed by InfluxDB from the breakpoint table in @mueang/core.
 *
 * The AQI is not stored in InfluxDB, and InfluxQL has no CASE. For each pollutant and each band, one subquery takes
 * the pollutant's mean over its own window ending now (PM 24 h, O3/CO 8 h, NO2/SO2 1 h), rounds it to the table's
 * resolution, keeps it only when it falls in that band (WHERE on the subquery's field) and interpolates linearly
 * inside the band; the outer query takes the highest sub-index per station. That is stationAqi() of core: the same
 * rounding, the same interpolation, the open red band continuing the 101-200 slope, AQI = max sub-index. What it does
 * not do is the 75 % completeness rule: the map shows the mean of whatever arrived (the API and alerts apply the rule).
 */
import { AQI_POLLUTANTS, aqiTableFor, type AqiPollutant, type AqiTable } from '@mueang/core';
import { as, call, compare, ident, select, type SelectSpec } from './influxql.ts';
import { readingMeasurement } from './schema.ts';

const MINUTE_MS = 60_000;

/** An InfluxQL duration for a window length: whole hours as `24h`, else minutes. */
export function durationOf(ms: number): string {
  if (ms % (60 * MINUTE_MS) === 0) return `${ms / (60 * MINUTE_MS)}h`;
  if (ms % MINUTE_MS === 0) return `${ms / MINUTE_MS}m`;
  throw new RangeError(`window ${ms} ms is not a whole number of minutes`);
}

function roundedMean(field: string, decimals: number): string {
  const mean = call('mean', ident(field));
  if (decimals === 0) return call('round', mean);
  const factor = 10 ** decimals;
  return `${call('round', `${mean} * ${factor}`)} / ${factor}`;
}

export interface StationAqiQueryOptions {
  /** the day whose table applies (the build date) */
  at: number;
  /** extra conditions on the raw readings (template variables) */
  where?: string[];
  /** tags the result is per (default city and site: one air station per site) */
  groupBy?: string[];
}

/** the concentration column inside the window subquery */
const C = 'c';

function windowSubquery(pollutant: AqiPollutant, table: AqiTable, options: StationAqiQueryOptions): string {
  const row = table.rows[pollutant];
  const window: SelectSpec = {
    fields: [as(roundedMean(pollutant, row.decimals), C)],
    from: [{ measurement: readingMeasurement('air') }],
    where: [`time > now() - ${durationOf(row.averagingMs)}`, ...(options.where ?? [])],
    groupByTags: options.groupBy ?? ['city', 'site'],
  };
  return select(window);
}

/** One subquery per band of the pollutant's row: the sub-index of stations whose concentration is in that band. */
export function bandSubqueries(pollutant: AqiPollutant, table: AqiTable, options: StationAqiQueryOptions): string[] {
  const row = table.rows[pollutant];
  const window = windowSubquery(pollutant, table, options);
  return row.breakpoints.map((band, i) => {
    let slope: number;
    const conditions = [compare(C, '>=', band.cLow)];
    if (band.cHigh !== undefined && band.iHigh !== undefined) {
      slope = (band.iHigh - band.iLow) / (band.cHigh - band.cLow);
      conditions.push(compare(C, '<=', band.cHigh));
    } else {
      // the open red band continues the 101-200 slope (project choice "aqi-above-200", as core's subIndexWithRow)
      const below = row.breakpoints[i - 1];
      if (!below || below.cHigh === undefined || below.iHigh === undefined) throw new Error(`AQI table ${table.version}: ${pollutant} has an open band without a closed band below it`);
      slope = (below.iHigh - below.iLow) / (below.cHigh - below.cLow);
    }
    const subIndex = call('round', `${slope} * (${ident(C)} - ${band.cLow}) + ${band.iLow}`);
    return select({ fields: [as(subIndex, 'aqi')], from: [{ subquery: window }], where: conditions });
  });
}

/** `SELECT max("aqi") AS "aqi" FROM (...30 subqueries...) GROUP BY "city", "site"` */
export function stationAqiQuery(options: StationAqiQueryOptions): string {
  const table = aqiTableFor(options.at);
  const subqueries = AQI_POLLUTANTS.flatMap((p) => bandSubqueries(p, table, options));
  return select({
    fields: [as(call('max', ident('aqi')), 'aqi')],
    from: subqueries.map((subquery) => ({ subquery })),
    groupByTags: options.groupBy ?? ['city', 'site'],
  });
}

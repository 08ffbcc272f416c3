import { AQI_POLLUTANTS, aqiTableFor, cityAqi, stationAqiFromSamples, type AqiPollutant, type CityAqiStation, type StationAqiResult, type WindowSample } from '@mueang/core';
import type { Device, Site, TelemetryStore } from '@mueang/storage';
import { expectedIntervalMs } from './expected-interval.ts';
import { bandOut, iso, roundValue, type BandOut } from './format.ts';

/**
 * Thai AQI now: per station (air device) each pollutant is averaged over its own rolling window
 * ending at `at`, as the AQI table in force that day requires (PM 24 h, O3/CO 8 h, NO2/SO2 1 h;
 * @mueang/core stationAqiFromSamples), with the 75 % completeness rule; the city AQI is the
 * worst station with the median alongside (core cityAqi, project choice "city-aqi").
 */

export interface StationAqiOut {
  device: string;
  site: string;
  siteName: string | null;
  status: 'ok' | 'no-data' | 'invalid';
  aqi: number | null;
  band: BandOut | null;
  responsiblePollutant: AqiPollutant | null;
  nonOfficial: boolean;
  subIndices: Array<{ pollutant: AqiPollutant; concentration: number; unit: string; aqi: number }>;
  missing: AqiPollutant[];
  insufficient: Array<{ pollutant: AqiPollutant; completeness: number }>;
  message: string | null;
}

export interface CityAqiOut {
  status: 'ok' | 'no-data';
  aqi: number | null;
  band: BandOut | null;
  worstStation: string | null;
  responsiblePollutant: AqiPollutant | null;
  medianAqi: number | null;
  stationCount: number;
  stationsWithoutData: string[];
  nonOfficial: boolean;
}

export interface AqiNow {
  at: string;
  table: { id: string; version: string };
  method: string;
  city: CityAqiOut;
  stations: StationAqiOut[];
}

function stationOut(device: Device, site: Site | undefined, result: StationAqiResult): StationAqiOut {
  const base = { device: device.id, site: device.siteId, siteName: site?.name ?? null };
  if (result.status === 'invalid') {
    return { ...base, status: 'invalid', aqi: null, band: null, responsiblePollutant: null, nonOfficial: false, subIndices: [], missing: [], insufficient: [], message: result.error.message };
  }
  const insufficient = result.insufficient.map((i) => ({ pollutant: i.pollutant, completeness: roundValue(i.completeness, 4) }));
  if (result.status === 'no-data') {
    return { ...base, status: 'no-data', aqi: null, band: null, responsiblePollutant: null, nonOfficial: false, subIndices: [], missing: result.missing, insufficient, message: result.message };
  }
  return {
    ...base,
    status: 'ok',
    aqi: result.aqi,
    band: bandOut(result.band),
    responsiblePollutant: result.responsiblePollutant,
    nonOfficial: result.nonOfficial,
    subIndices: result.subIndices.map((s) => ({ pollutant: s.pollutant, concentration: roundValue(s.concentration, 3), unit: s.unit, aqi: s.aqi })),
    missing: result.missing,
    insufficient,
    message: null,
  };
}

export async function aqiNow(telemetry: TelemetryStore, cityId: string, devices: readonly Device[], sites: readonly Site[], at: number): Promise<AqiNow> {
  const table = aqiTableFor(at);
  const longest = Math.max(...AQI_POLLUTANTS.map((p) => table.rows[p].averagingMs));
  const stations = devices.filter((d) => d.domain === 'air');
  // rolling windows are (at - period, at]; the store range is [from, to)
  const points = stations.length === 0 ? [] : await telemetry.queryRaw({ domain: 'air', city: cityId, from: at - longest + 1, to: at + 1, params: [...AQI_POLLUTANTS] });
  const samples = new Map<string, Partial<Record<AqiPollutant, WindowSample[]>>>();
  for (const point of points) {
    let byPollutant = samples.get(point.device);
    if (!byPollutant) samples.set(point.device, (byPollutant = {}));
    for (const pollutant of AQI_POLLUTANTS) {
      const value = point.values[pollutant];
      if (value !== undefined) (byPollutant[pollutant] ??= []).push({ ts: point.ts, value });
    }
  }
  const siteById = new Map(sites.map((s) => [s.id, s]));
  const results: CityAqiStation[] = [];
  const out: StationAqiOut[] = [];
  for (const device of stations) {
    const result = stationAqiFromSamples(samples.get(device.id) ?? {}, at, { expectedIntervalMs: expectedIntervalMs(device) });
    results.push({ stationId: device.id, result });
    out.push(stationOut(device, siteById.get(device.siteId), result));
  }
  const city = cityAqi(results);
  return {
    at: iso(at),
    table: { id: table.id, version: table.version },
    method:
      'Per station: each pollutant averaged over its rolling window ending at `at` (PM2.5/PM10 24 h, O3/CO 8 h, NO2/SO2 1 h), ' +
      'only when at least 75 % of the expected samples are present; AQI = the highest sub-index. City: the worst station, median alongside.',
    city:
      city.status === 'ok'
        ? { status: 'ok', aqi: city.aqi, band: bandOut(city.band), worstStation: city.worstStationId, responsiblePollutant: city.responsiblePollutant, medianAqi: city.medianAqi, stationCount: city.stationCount, stationsWithoutData: city.stationsWithoutData, nonOfficial: city.nonOfficial }
        : { status: 'no-data', aqi: null, band: null, worstStation: null, responsiblePollutant: null, medianAqi: null, stationCount: 0, stationsWithoutData: city.stationsWithoutData, nonOfficial: false },
    stations: out,
  };
}

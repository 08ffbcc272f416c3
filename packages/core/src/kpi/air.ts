/** Air-quality KPIs: PM2.5 station-days, AQI days, the period mean vs the annual standard, the Bangkok-style share. */
import { stationAqi } from '../standards/aqi.ts';
import { AQI_POLLUTANTS, type AqiPollutant } from '../standards/data/aqi-tables.ts';
import { roundHalfUp } from '../standards/rounding.ts';
import type { AssessmentContext, PeriodDay } from './context.ts';
import { AQI_STANDARD_IDS, noiseDay, pollutantDay } from './station-days.ts';
import type { AssessmentDevice } from './types.ts';
import { StandardTally, enoughData, insufficient, mean, outcome, percent, ratio, standardOn, withinLimit, type KpiOutcome } from './values.ts';

export interface AirDaySeries {
  pm25Mean: number | null;
  pm25Max: number | null;
  pm25Limit: number;
  pm25StandardVersion: string;
  pm25StationsValid: number;
  pm25StationsWithin: number;
  aqi: number | null;
  aqiPollutant: string | null;
  noiseStationsValid: number;
  noiseStationsWithin: number;
  /** the loudest station's Leq 24 h where one is known (days decided by bounds have none), dBA */
  noiseLeqMax: number | null;
  noiseLimit: number | null;
}

export interface AirResults {
  pm25StationDays: KpiOutcome;
  aqiDays: KpiOutcome;
  annualMean: KpiOutcome;
  measurements: KpiOutcome;
  stations: KpiOutcome;
  noiseDays: KpiOutcome;
  series: AirDaySeries[];
}

interface StationSummary {
  device: string;
  site: string;
  expectedDays: number;
  validDays: number;
  withinDays: number;
  meanOfValidDays: number | null;
  completeness: number;
  status: 'ok' | 'insufficient_data';
}

const STATION_DAYS = { en: 'station-days', th: 'สถานี-วัน' };

/** Air devices counted for a parameter: those that reported it, and those that reported nothing at all (silent stations). */
function stationsFor(ctx: AssessmentContext, param: string): AssessmentDevice[] {
  return ctx.devices('air').filter((d) => ctx.reports(d.id, param) || (!ctx.reportedAnything(d.id) && d.status === 'active'));
}

export function computeAir(ctx: AssessmentContext): AirResults {
  const stations = stationsFor(ctx, 'pm25');
  const dayIndex = new Map(ctx.days.map((d, i) => [d.start, i]));
  const series: AirDaySeries[] = ctx.days.map((day) => {
    const standard = standardOn(AQI_STANDARD_IDS.pm25, day.date);
    return {
      pm25Mean: null,
      pm25Max: null,
      pm25Limit: standard.limit.max ?? Number.NaN,
      pm25StandardVersion: standard.version,
      pm25StationsValid: 0,
      pm25StationsWithin: 0,
      aqi: null,
      aqiPollutant: null,
      noiseStationsValid: 0,
      noiseStationsWithin: 0,
      noiseLeqMax: null,
      noiseLimit: null,
    };
  });

  // PM2.5 station-days
  const pm25Tally = new StandardTally();
  const dayMeans: number[][] = ctx.days.map(() => []);
  const summaries: StationSummary[] = [];
  let expected = 0;
  let valid = 0;
  let within = 0;
  const validMeansByStation = new Map<string, number[]>();
  for (const device of stations) {
    const days = ctx.expectedDays(device);
    const means: number[] = [];
    let stationWithin = 0;
    for (const day of days) {
      const result = pollutantDay(ctx, device, 'pm25', day, 'compute');
      if (result.state !== 'value') continue;
      pm25Tally.add(result.standard, day.date);
      means.push(result.value);
      dayMeans[dayIndex.get(day.start) as number]?.push(result.value);
      if (withinLimit(result.value, result.standard)) stationWithin += 1;
    }
    expected += days.length;
    valid += means.length;
    within += stationWithin;
    validMeansByStation.set(device.id, means);
    const completeness = ratio(means.length, days.length);
    summaries.push({
      device: device.id,
      site: device.siteId,
      expectedDays: days.length,
      validDays: means.length,
      withinDays: stationWithin,
      meanOfValidDays: means.length > 0 ? roundHalfUp(mean(means), 2) : null,
      completeness,
      status: days.length > 0 && enoughData(means.length / days.length) ? 'ok' : 'insufficient_data',
    });
  }
  ctx.days.forEach((day, i) => {
    const s = series[i] as AirDaySeries;
    const values = dayMeans[i] as number[];
    if (values.length === 0) return;
    const standard = standardOn(AQI_STANDARD_IDS.pm25, day.date);
    s.pm25Mean = roundHalfUp(mean(values), 2);
    s.pm25Max = roundHalfUp(Math.max(...values), 2);
    s.pm25StationsValid = values.length;
    s.pm25StationsWithin = values.filter((v) => withinLimit(v, standard)).length;
  });
  const completenessPm25 = expected > 0 ? valid / expected : 0;
  const pm25StationDays =
    stations.length === 0
      ? insufficient(0, [{ en: 'No air-quality station is registered for this city.', th: 'ไม่มีสถานีตรวจวัดคุณภาพอากาศที่ลงทะเบียนไว้' }])
      : outcome(percent(within, valid), completenessPm25, STATION_DAYS, pm25Tally.list(), { stationDaysExpected: expected, stationDaysValid: valid, stationDaysWithin: within, stations: summaries }, versionNotes(pm25Tally));

  // annual mean vs the annual standard
  const annualStandard = standardOn('th-aaqs-pm25-1y', ctx.input.period.to);
  const qualifying = summaries.filter((s) => s.status === 'ok');
  const annualTally = new StandardTally();
  annualTally.add(annualStandard, ctx.input.period.to);
  let annualMean: KpiOutcome;
  if (qualifying.length === 0) {
    annualMean = insufficient(completenessPm25, [{ en: 'No station has valid PM2.5 data on at least 75 % of its days.', th: 'ไม่มีสถานีที่มีข้อมูล PM2.5 ใช้ได้อย่างน้อยร้อยละ 75 ของจำนวนวัน' }], { stations: summaries.length }, annualTally.list());
  } else {
    const stationMeans = qualifying.map((s) => mean(validMeansByStation.get(s.device) ?? []));
    const cityMean = roundHalfUp(mean(stationMeans), annualStandard.decimals);
    const limit = annualStandard.limit.max as number;
    const notes = ctx.days.length < 365 ? [{ en: `The period has ${ctx.days.length} days, less than a year: the comparison with the annual standard is indicative.`, th: `ช่วงเวลามี ${ctx.days.length} วัน น้อยกว่า 1 ปี การเทียบกับมาตรฐานรายปีเป็นค่าบ่งชี้` }] : [];
    annualMean = outcome(roundHalfUp((cityMean / limit) * 100, 1), completenessPm25, STATION_DAYS, annualTally.list(), {
      cityMean,
      unit: annualStandard.unit,
      annualLimit: limit,
      stationsUsed: qualifying.length,
      stationsRegistered: summaries.length,
      stationMeans: qualifying.map((s, i) => ({ device: s.device, mean: roundHalfUp(stationMeans[i] as number, 2) })),
    }, notes);
  }

  // monitoring: stations with valid data
  const stationsKpi: KpiOutcome = {
    status: 'ok',
    value: qualifying.length,
    completeness: ratio(qualifying.length, summaries.length),
    standards: [],
    notes: [],
    details: { stationsRegistered: ctx.devices('air').length, stationsWithValidData: qualifying.map((s) => s.device), stationsWithoutEnoughData: summaries.filter((s) => s.status !== 'ok').map((s) => s.device) },
  };

  const { aqiDays, measurements } = computeAqiAndMeasurements(ctx, series);
  const noiseDays = computeNoise(ctx, series);
  return { pm25StationDays, aqiDays, annualMean, measurements, stations: stationsKpi, noiseDays, series };
}

function versionNotes(tally: StandardTally) {
  const uses = tally.list();
  if (uses.length < 2) return [];
  const list = uses.map((u) => `${u.id} ${u.version} (${u.limit.max ?? u.limit.min} ${u.unit}, ${u.days} days)`).join('; ');
  return [{ en: `The period spans more than one edition of the standard; each day was judged with the edition in force that day: ${list}.`, th: `ช่วงเวลาครอบคลุมมาตรฐานมากกว่าหนึ่งฉบับ แต่ละวันใช้มาตรฐานที่มีผลในวันนั้น: ${list}` }];
}

function computeAqiAndMeasurements(ctx: AssessmentContext, series: AirDaySeries[]): { aqiDays: KpiOutcome; measurements: KpiOutcome } {
  const devices = ctx.devices('air').filter((d) => AQI_POLLUTANTS.some((p) => ctx.reports(d.id, p)) || (!ctx.reportedAnything(d.id) && d.status === 'active'));
  const tally = new StandardTally();
  let measurementsExpected = 0;
  let measurementsValid = 0;
  let measurementsWithin = 0;
  const byPollutant: Record<string, { valid: number; within: number; refinedFromHours: number }> = {};
  const cityDays = ctx.days.map(() => ({ stations: 0, worst: null as number | null, pollutant: null as string | null, above100: false }));
  const dayIndex = new Map(ctx.days.map((d, i) => [d.start, i]));

  for (const device of devices) {
    const measured = AQI_POLLUTANTS.filter((p) => ctx.reports(device.id, p));
    for (const day of ctx.expectedDays(device)) {
      const concentrations: Partial<Record<AqiPollutant, number>> = {};
      let hasPm = false;
      let gasAbove = false;
      for (const pollutant of measured) {
        measurementsExpected += 1;
        const result = pollutantDay(ctx, device, pollutant, day, 'compute');
        const counts = (byPollutant[pollutant] ??= { valid: 0, within: 0, refinedFromHours: 0 });
        if (result.state === 'value' || result.state === 'below-limit') {
          tally.add(result.standard, day.date);
          measurementsValid += 1;
          counts.valid += 1;
          const ok = result.state === 'below-limit' || withinLimit(result.value, result.standard);
          if (ok) {
            measurementsWithin += 1;
            counts.within += 1;
          }
          if (result.state === 'value') {
            concentrations[pollutant] = result.value;
            if (pollutant === 'pm25' || pollutant === 'pm10') hasPm = true;
            else {
              counts.refinedFromHours += 1;
              if (!ok) gasAbove = true;
            }
          }
        }
      }
      if (!hasPm && !gasAbove) continue;
      const aqi = stationAqi(concentrations, day.date);
      if (aqi.status !== 'ok') continue;
      const city = cityDays[dayIndex.get(day.start) as number];
      if (!city) continue;
      city.stations += 1;
      if (city.worst === null || aqi.aqi > city.worst) {
        city.worst = aqi.aqi;
        city.pollutant = aqi.responsiblePollutant;
      }
      if (aqi.aqi > 100) city.above100 = true;
    }
  }
  let daysWithAqi = 0;
  let daysWithin = 0;
  cityDays.forEach((c, i) => {
    const s = series[i] as AirDaySeries;
    if (c.stations === 0) return;
    daysWithAqi += 1;
    if (!c.above100) daysWithin += 1;
    s.aqi = c.worst;
    s.aqiPollutant = c.pollutant;
  });
  const standards = tally.list();
  const aqiDays =
    devices.length === 0
      ? insufficient(0, [{ en: 'No air-quality station is registered for this city.', th: 'ไม่มีสถานีตรวจวัดคุณภาพอากาศที่ลงทะเบียนไว้' }])
      : outcome(percent(daysWithin, daysWithAqi), daysWithAqi / ctx.days.length, { en: 'days', th: 'วัน' }, standards, {
          days: ctx.days.length,
          daysWithCityAqi: daysWithAqi,
          daysAqiAtOrBelow100: daysWithin,
        });
  const measurements =
    measurementsExpected === 0
      ? insufficient(0, [{ en: 'No station measured any AQI pollutant in the period.', th: 'ไม่มีสถานีที่ตรวจวัดสารมลพิษในดัชนีคุณภาพอากาศในช่วงเวลานี้' }])
      : outcome(percent(measurementsWithin, measurementsValid), measurementsValid / measurementsExpected, { en: 'measurements', th: 'ค่าตรวจวัด' }, standards, {
          measurementsExpected,
          measurementsValid,
          measurementsWithin,
          byPollutant: Object.fromEntries(Object.entries(byPollutant).sort(([a], [b]) => (a < b ? -1 : 1))),
        });
  return { aqiDays, measurements };
}

function computeNoise(ctx: AssessmentContext, series: AirDaySeries[]): KpiOutcome {
  const devices = ctx.devices('air').filter((d) => ctx.reports(d.id, 'noise'));
  if (devices.length === 0) {
    return insufficient(0, [{ en: 'No station reported noise levels in the period.', th: 'ไม่มีสถานีที่ส่งข้อมูลระดับเสียงในช่วงเวลานี้' }]);
  }
  const tally = new StandardTally();
  const dayIndex = new Map(ctx.days.map((d, i) => [d.start, i]));
  let expected = 0;
  let valid = 0;
  let within = 0;
  const decidedBy: Record<string, number> = {};
  const stations: Array<{ device: string; expectedDays: number; validDays: number; withinDays: number }> = [];
  for (const device of devices) {
    const days: PeriodDay[] = ctx.expectedDays(device);
    let stationValid = 0;
    let stationWithin = 0;
    for (const day of days) {
      const result = noiseDay(ctx, device, day, 'compute');
      if (result.state !== 'within' && result.state !== 'exceeds') continue;
      tally.add(result.standard, day.date);
      stationValid += 1;
      decidedBy[result.decidedBy] = (decidedBy[result.decidedBy] ?? 0) + 1;
      const s = series[dayIndex.get(day.start) as number] as AirDaySeries;
      s.noiseStationsValid += 1;
      s.noiseLimit = result.standard.limit.max ?? null;
      if (result.leq !== null) s.noiseLeqMax = Math.max(s.noiseLeqMax ?? -Infinity, result.leq);
      if (result.state === 'within') {
        stationWithin += 1;
        s.noiseStationsWithin += 1;
      }
    }
    expected += days.length;
    valid += stationValid;
    within += stationWithin;
    stations.push({ device: device.id, expectedDays: days.length, validDays: stationValid, withinDays: stationWithin });
  }
  return outcome(percent(within, valid), expected > 0 ? valid / expected : 0, STATION_DAYS, tally.list(), {
    stationDaysExpected: expected,
    stationDaysValid: valid,
    stationDaysWithin: within,
    decidedBy: Object.fromEntries(Object.entries(decidedBy).sort(([a], [b]) => (a < b ? -1 : 1))),
    stations,
  });
}

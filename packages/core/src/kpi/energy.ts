/** Smart Energy KPIs from the meters' daily activePower and solarPower rollups (kW; kWh = day mean × 24 h). */
import { roundHalfUp } from '../standards/rounding.ts';
import { AssessmentContext, periodDays, type PeriodDay } from './context.ts';
import type { AssessmentDevice, AssessmentPeriod } from './types.ts';
import { enoughData, insufficient, mean, outcome, percent, ratio, type KpiOutcome } from './values.ts';

export interface EnergyDaySeries {
  metersValid: number;
  energyKwh: number | null;
  solarKwh: number | null;
  peakKw: number | null;
}

export interface EnergyResults {
  consumptionVsBaseline: KpiOutcome;
  perCapita: KpiOutcome;
  renewableShare: KpiOutcome;
  peakDemand: KpiOutcome;
  /** kWh per day the consumption was compared with, when known */
  referenceKwhPerDay: number | null;
  series: EnergyDaySeries[];
}

/** The same days one year earlier (29 February becomes 28 February). */
export function referencePeriod(period: AssessmentPeriod): AssessmentPeriod {
  const shift = (date: string) => {
    const year = Number(date.slice(0, 4)) - 1;
    const monthDay = date.slice(5) === '02-29' ? '02-28' : date.slice(5);
    return `${String(year).padStart(4, '0')}-${monthDay}`;
  };
  return { from: shift(period.from), to: shift(period.to) };
}

interface MeterDay {
  day: PeriodDay;
  kwh: number;
  /** null when the meter has solar but that day's solar data is incomplete */
  solarKwh: number | null;
  peakKw: number;
}

interface MeterSummary {
  device: AssessmentDevice;
  expectedDays: number;
  /** starts of the days the meter was expected to report */
  expectedStarts: Set<number>;
  days: MeterDay[];
}

function meterSummaries(ctx: AssessmentContext): MeterSummary[] {
  return ctx
    .devices('energy')
    .filter((d) => ctx.reports(d.id, 'activePower') || (!ctx.reportedAnything(d.id) && d.status === 'active'))
    .map((device) => {
      const hasSolar = ctx.reports(device.id, 'solarPower');
      const expected = ctx.expectedDays(device);
      const days: MeterDay[] = [];
      for (const day of expected) {
        const power = ctx.validDay(device, 'activePower', day.start);
        if (!power) continue;
        const solar = hasSolar ? ctx.validDay(device, 'solarPower', day.start) : undefined;
        days.push({ day, kwh: power.mean * 24, solarKwh: hasSolar ? (solar ? solar.mean * 24 : null) : 0, peakKw: power.max });
      }
      return { device, expectedDays: expected.length, expectedStarts: new Set(expected.map((d) => d.start)), days };
    });
}

/** city consumption in kWh/day: the sum over meters of each meter's mean over its valid days */
function cityKwhPerDay(meters: MeterSummary[]): number {
  let total = 0;
  for (const m of meters) if (m.days.length > 0) total += mean(m.days.map((d) => d.kwh));
  return total;
}

/** highest daily sum of meter maxima, over days with at least 75 % of the expected meters valid */
function periodPeak(meters: MeterSummary[], days: PeriodDay[]): { peakKw: number | null; date: string | null } {
  const expectedOn = new Map<number, number>();
  const sums = new Map<number, { kw: number; meters: number }>();
  for (const m of meters) {
    for (const d of m.days) {
      const s = sums.get(d.day.start) ?? { kw: 0, meters: 0 };
      s.kw += d.peakKw;
      s.meters += 1;
      sums.set(d.day.start, s);
    }
  }
  for (const day of days) expectedOn.set(day.start, meters.filter((m) => m.expectedStarts.has(day.start)).length);
  let best: { peakKw: number | null; date: string | null } = { peakKw: null, date: null };
  for (const day of days) {
    const s = sums.get(day.start);
    if (!s || !enoughData(s.meters / Math.max(1, expectedOn.get(day.start) ?? 0))) continue;
    if (best.peakKw === null || s.kw > best.peakKw) best = { peakKw: s.kw, date: day.date };
  }
  return best;
}

function completenessOf(meters: MeterSummary[]): number {
  const expected = meters.reduce((n, m) => n + m.expectedDays, 0);
  return expected > 0 ? meters.reduce((n, m) => n + m.days.length, 0) / expected : 0;
}

const METER_DAYS = { en: 'meter-days', th: 'มิเตอร์-วัน' };

export function computeEnergy(ctx: AssessmentContext): EnergyResults {
  const series: EnergyDaySeries[] = ctx.days.map(() => ({ metersValid: 0, energyKwh: null, solarKwh: null, peakKw: null }));
  const dayIndex = new Map(ctx.days.map((d, i) => [d.start, i]));
  const meters = meterSummaries(ctx);
  for (const m of meters) {
    for (const d of m.days) {
      const s = series[dayIndex.get(d.day.start) as number] as EnergyDaySeries;
      s.metersValid += 1;
      s.energyKwh = (s.energyKwh ?? 0) + d.kwh;
      if (d.solarKwh !== null) s.solarKwh = (s.solarKwh ?? 0) + d.solarKwh;
      s.peakKw = (s.peakKw ?? 0) + d.peakKw;
    }
  }
  for (const s of series) {
    if (s.energyKwh !== null) s.energyKwh = roundHalfUp(s.energyKwh, 2);
    if (s.solarKwh !== null) s.solarKwh = roundHalfUp(s.solarKwh, 2);
    if (s.peakKw !== null) s.peakKw = roundHalfUp(s.peakKw, 2);
  }
  if (meters.length === 0) {
    const none = insufficient(0, [{ en: 'No energy meter is registered for this city.', th: 'ไม่มีมิเตอร์ไฟฟ้าที่ลงทะเบียนไว้' }]);
    return { consumptionVsBaseline: none, perCapita: none, renewableShare: none, peakDemand: none, referenceKwhPerDay: null, series };
  }
  const completeness = completenessOf(meters);
  const inputs = ctx.catalog.inputs;
  const currentKwh = cityKwhPerDay(meters);
  const meterDetails = meters.map((m) => ({ device: m.device.id, expectedDays: m.expectedDays, validDays: m.days.length, kwhPerDay: m.days.length > 0 ? roundHalfUp(mean(m.days.map((d) => d.kwh)), 2) : null }));

  // the reference: configured, or the same days one year earlier for the meters valid in both periods
  const reference = referenceOf(ctx, meters);
  let consumptionVsBaseline: KpiOutcome;
  let peakDemand: KpiOutcome;
  const referenceKwh = inputs.energyBaselineKwhPerDay ?? reference?.kwhPerDay ?? null;
  const comparedKwh = inputs.energyBaselineKwhPerDay !== null || !reference ? currentKwh : reference.currentKwhPerDay;
  if (referenceKwh === null || referenceKwh <= 0) {
    consumptionVsBaseline = insufficient(completeness, [referenceMissing(ctx, 'energyBaselineKwhPerDay')], { kwhPerDay: roundHalfUp(currentKwh, 2), meters: meterDetails });
  } else {
    consumptionVsBaseline = outcome(roundHalfUp(((comparedKwh - referenceKwh) / referenceKwh) * 100, 2), completeness, METER_DAYS, [], {
      kwhPerDay: roundHalfUp(comparedKwh, 2),
      referenceKwhPerDay: roundHalfUp(referenceKwh, 2),
      reference: inputs.energyBaselineKwhPerDay !== null ? 'configured' : { period: reference?.period, meters: reference?.meters, completeness: reference?.completeness },
      meters: meterDetails,
    });
  }
  const peak = periodPeak(meters, ctx.days);
  const referencePeak = inputs.energyBaselinePeakKw ?? reference?.peakKw ?? null;
  const comparedPeak = inputs.energyBaselinePeakKw !== null || !reference ? peak.peakKw : reference.currentPeakKw;
  if (referencePeak === null || referencePeak <= 0 || comparedPeak === null) {
    peakDemand = insufficient(completeness, comparedPeak === null ? [{ en: 'No day had valid data from at least 75 % of the meters.', th: 'ไม่มีวันที่มีข้อมูลใช้ได้จากมิเตอร์อย่างน้อยร้อยละ 75' }] : [referenceMissing(ctx, 'energyBaselinePeakKw')], { peakKw: peak.peakKw, peakDate: peak.date });
  } else {
    peakDemand = outcome(roundHalfUp(((comparedPeak - referencePeak) / referencePeak) * 100, 2), completeness, METER_DAYS, [], {
      peakKw: roundHalfUp(comparedPeak, 2),
      peakDate: peak.date,
      referencePeakKw: roundHalfUp(referencePeak, 2),
      reference: inputs.energyBaselinePeakKw !== null ? 'configured' : { period: reference?.period, meters: reference?.meters },
    });
  }

  const perCapita =
    inputs.population === null
      ? insufficient(completeness, [{ en: 'The city population is not set: set inputs.population in the city KPI catalog (PUT /assessment/{city}/kpis).', th: 'ยังไม่ได้กำหนดจำนวนประชากรของเมือง (inputs.population)' }], { kwhPerDay: roundHalfUp(currentKwh, 2) })
      : outcome(roundHalfUp((currentKwh * 365) / inputs.population, 3), completeness, METER_DAYS, [], { kwhPerDay: roundHalfUp(currentKwh, 2), population: inputs.population });

  let solar = 0;
  let consumed = 0;
  let shareDays = 0;
  for (const m of meters) {
    for (const d of m.days) {
      if (d.solarKwh === null) continue;
      solar += d.solarKwh;
      consumed += d.kwh;
      shareDays += 1;
    }
  }
  const expectedDays = meters.reduce((n, m) => n + m.expectedDays, 0);
  const renewableShare =
    consumed <= 0
      ? insufficient(completeness, [{ en: 'No meter-day has valid consumption data.', th: 'ไม่มีข้อมูลการใช้ไฟฟ้าที่ใช้ได้' }])
      : outcome(percent(solar, consumed), expectedDays > 0 ? shareDays / expectedDays : 0, METER_DAYS, [], {
          solarKwh: roundHalfUp(solar, 2),
          consumedKwh: roundHalfUp(consumed, 2),
          meterDays: shareDays,
          metersWithSolar: meters.filter((m) => ctx.reports(m.device.id, 'solarPower')).length,
        });
  return { consumptionVsBaseline, perCapita, renewableShare, peakDemand, referenceKwhPerDay: referenceKwh === null ? null : roundHalfUp(referenceKwh, 2), series };
}

function referenceMissing(ctx: AssessmentContext, input: string) {
  const ref = referencePeriod(ctx.input.period);
  return {
    en: `No reference: set inputs.${input} in the city KPI catalog, or load the history of ${ref.from} to ${ref.to} (at least 75 % of the meter-days).`,
    th: `ไม่มีค่าฐาน: กำหนด inputs.${input} หรือนำเข้าข้อมูลช่วง ${ref.from} ถึง ${ref.to} (อย่างน้อยร้อยละ 75)`,
  };
}

interface Reference {
  period: AssessmentPeriod;
  meters: string[];
  completeness: number;
  kwhPerDay: number;
  currentKwhPerDay: number;
  peakKw: number | null;
  currentPeakKw: number | null;
}

/** like-for-like: the meters valid in both periods, each period computed the same way */
function referenceOf(ctx: AssessmentContext, meters: MeterSummary[]): Reference | null {
  const rows = ctx.input.energyReference;
  if (!rows || rows.length === 0) return null;
  const period = referencePeriod(ctx.input.period);
  if (!periodDays(period).ok) return null;
  const refCtx = new AssessmentContext({ ...ctx.input, period, daily: rows, hourly: [], energyReference: [] }, ctx.catalog);
  const refMeters = meterSummaries(refCtx).filter((m) => m.days.length > 0);
  const both = new Set(refMeters.map((m) => m.device.id).filter((id) => meters.some((m) => m.device.id === id && m.days.length > 0)));
  if (both.size === 0) return null;
  const refBoth = refMeters.filter((m) => both.has(m.device.id));
  // the reference meters must have been complete: their expected days are the whole reference period
  const refCompleteness = refBoth.reduce((n, m) => n + m.days.length, 0) / (refBoth.length * refCtx.days.length);
  if (!enoughData(refCompleteness)) return null;
  const currentBoth = meters.filter((m) => both.has(m.device.id));
  return {
    period,
    meters: [...both].sort(),
    completeness: ratio(refCompleteness, 1),
    kwhPerDay: cityKwhPerDay(refBoth),
    currentKwhPerDay: cityKwhPerDay(currentBoth),
    peakKw: periodPeak(refBoth, refCtx.days).peakKw,
    currentPeakKw: periodPeak(currentBoth, ctx.days).peakKw,
  };
}

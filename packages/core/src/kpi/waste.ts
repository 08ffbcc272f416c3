/** Waste collection KPIs from the bins' daily filling-level rollups. */
import type { AssessmentContext } from './context.ts';
import { insufficient, outcome, percent, type KpiOutcome } from './values.ts';

export interface WasteDaySeries {
  binsValid: number;
  binsOnTime: number;
  binsOverflowing: number;
}

const BIN_DAYS = { en: 'bin-days', th: 'ถัง-วัน' };

export function computeWaste(ctx: AssessmentContext): { onTime: KpiOutcome; overflow: KpiOutcome; series: WasteDaySeries[] } {
  const series: WasteDaySeries[] = ctx.days.map(() => ({ binsValid: 0, binsOnTime: 0, binsOverflowing: 0 }));
  const dayIndex = new Map(ctx.days.map((d, i) => [d.start, i]));
  const { wasteFullPercent: full, wasteOverflowPercent: overflowAt } = ctx.catalog.inputs;
  const bins = ctx.devices('waste').filter((d) => ctx.reports(d.id, 'fillingLevel') || (!ctx.reportedAnything(d.id) && d.status === 'active'));
  if (bins.length === 0) {
    const none = insufficient(0, [{ en: 'No smart bin reporting its filling level is registered for this city.', th: 'ไม่มีถังขยะอัจฉริยะที่ส่งข้อมูลระดับขยะ' }]);
    return { onTime: none, overflow: none, series };
  }
  let expected = 0;
  let valid = 0;
  let onTime = 0;
  let overflows = 0;
  const perBin: Array<Record<string, unknown>> = [];
  for (const bin of bins) {
    const days = ctx.expectedDays(bin);
    let binValid = 0;
    let binOnTime = 0;
    let binOverflows = 0;
    for (const day of days) {
      const row = ctx.validDay(bin, 'fillingLevel', day.start);
      if (!row) continue;
      binValid += 1;
      const s = series[dayIndex.get(day.start) as number] as WasteDaySeries;
      s.binsValid += 1;
      if (row.max < full) {
        binOnTime += 1;
        s.binsOnTime += 1;
      }
      if (row.max >= overflowAt) {
        binOverflows += 1;
        s.binsOverflowing += 1;
      }
    }
    expected += days.length;
    valid += binValid;
    onTime += binOnTime;
    overflows += binOverflows;
    perBin.push({ device: bin.id, site: bin.siteId, daysExpected: days.length, daysValid: binValid, daysOnTime: binOnTime, overflowEvents: binOverflows });
  }
  const completeness = expected > 0 ? valid / expected : 0;
  const details = { binDaysExpected: expected, binDaysValid: valid, binDaysOnTime: onTime, overflowEvents: overflows, fullPercent: full, overflowPercent: overflowAt, bins: perBin };
  return {
    onTime: outcome(percent(onTime, valid), completeness, BIN_DAYS, [], details),
    overflow: outcome(percent(overflows, valid), completeness, BIN_DAYS, [], details),
    series,
  };
}

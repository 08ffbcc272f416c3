/** Surface water: share of samples (site-days) within the site's assigned class (NEB No. 8, reference §3). */
import { standardsFor } from '../standards/registry.ts';
import { roundHalfUp } from '../standards/rounding.ts';
import type { Standard, WaterClass } from '../standards/types.ts';
import { linearPercentile } from '../standards/windows.ts';
import type { AssessmentContext } from './context.ts';
import { StandardTally, insufficient, outcome, percent, withinLimit, type KpiOutcome } from './values.ts';

export interface WaterDaySeries {
  waterSamplesValid: number;
  waterSamplesWithin: number;
}

/** class 1 is "natural condition" and class 5 has no numeric limits: only 2-4 can be judged */
const JUDGED_CLASSES: readonly WaterClass[] = [2, 3, 4];

/** the class limits for a parameter on a day; rows split by water hardness need a measurement we do not have */
function classStandards(param: string, date: string, waterClass: WaterClass): Standard[] {
  return standardsFor(param, date, { category: 'surface-water', waterClass }).filter((s) => s.scope?.hardness === undefined);
}

export function computeWater(ctx: AssessmentContext): { samplesWithinClass: KpiOutcome; series: WaterDaySeries[] } {
  const series: WaterDaySeries[] = ctx.days.map(() => ({ waterSamplesValid: 0, waterSamplesWithin: 0 }));
  const dayIndex = new Map(ctx.days.map((d, i) => [d.start, i]));
  const sites = new Map(ctx.input.sites.map((s) => [s.id, s]));
  const tally = new StandardTally();
  const devices = ctx.devices('water');
  const notAssessed: Array<{ device: string; site: string; reason: string }> = [];
  const perSite: Array<Record<string, unknown>> = [];
  let expected = 0;
  let valid = 0;
  let within = 0;
  for (const device of devices) {
    const site = sites.get(device.siteId);
    const waterClass = site?.waterClass;
    if (waterClass === null || waterClass === undefined || !(JUDGED_CLASSES as readonly number[]).includes(waterClass)) {
      notAssessed.push({ device: device.id, site: device.siteId, reason: waterClass === null || waterClass === undefined ? 'the site has no assigned surface-water class' : `class ${waterClass} has no numeric limits` });
      continue;
    }
    const cls = waterClass as WaterClass;
    const days = ctx.expectedDays(device);
    const params = ctx.paramsOf(device.id);
    let siteValid = 0;
    let siteWithin = 0;
    const dailyValues = new Map<string, number[]>();
    const failures: Record<string, number> = {};
    for (const day of days) {
      let judged = 0;
      let ok = true;
      for (const param of params) {
        const standards = classStandards(param, day.date, cls);
        if (standards.length === 0) continue;
        const row = ctx.validDay(device, param, day.start);
        if (!row) continue;
        judged += 1;
        (dailyValues.get(param) ?? dailyValues.set(param, []).get(param)!).push(row.mean);
        for (const standard of standards) {
          tally.add(standard, day.date);
          if (!withinLimit(row.mean, standard)) {
            ok = false;
            failures[param] = (failures[param] ?? 0) + 1;
          }
        }
      }
      if (judged === 0) continue;
      siteValid += 1;
      const s = series[dayIndex.get(day.start) as number] as WaterDaySeries;
      s.waterSamplesValid += 1;
      if (ok) {
        siteWithin += 1;
        s.waterSamplesWithin += 1;
      }
    }
    expected += days.length;
    valid += siteValid;
    within += siteWithin;
    perSite.push({
      device: device.id,
      site: device.siteId,
      siteName: site?.name ?? device.siteId,
      waterClass: cls,
      samplesExpected: days.length,
      samplesValid: siteValid,
      samplesWithin: siteWithin,
      withinPercent: percent(siteWithin, siteValid),
      samplesFailingByParameter: failures,
      percentileTests: percentileTests(dailyValues, ctx.input.period.to, cls),
    });
  }
  const judgedDevices = devices.length - notAssessed.length;
  if (judgedDevices === 0) {
    return {
      samplesWithinClass: insufficient(0, [{ en: 'No water station is at a site with an assigned surface-water class 2-4.', th: 'ไม่มีจุดตรวจวัดคุณภาพน้ำที่กำหนดประเภทแหล่งน้ำผิวดิน 2-4' }], { notAssessed }),
      series,
    };
  }
  const notes = ctx.days.length < 365 ? [{ en: 'The percentile tests (DO P20, BOD P80) use the samples of the period; the standard intends a year (project choice "surface-water-window"): indicative.', th: 'การทดสอบเปอร์เซ็นไทล์ใช้ตัวอย่างในช่วงเวลานี้ซึ่งสั้นกว่า 1 ปี เป็นค่าบ่งชี้' }] : [];
  return {
    samplesWithinClass: outcome(percent(within, valid), expected > 0 ? valid / expected : 0, { en: 'water samples (site-days)', th: 'ตัวอย่างน้ำ (จุดตรวจ-วัน)' }, tally.list(), {
      samplesExpected: expected,
      samplesValid: valid,
      samplesWithin: within,
      sites: perSite,
      notAssessed,
    }, notes),
    series,
  };
}

/** P20 / P80 of the daily means against the percentile-type class limits (DO, BOD, coliforms), over the period */
function percentileTests(values: Map<string, number[]>, date: string, waterClass: WaterClass): Array<Record<string, unknown>> {
  const tests: Array<Record<string, unknown>> = [];
  for (const [param, list] of [...values.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const standard of classStandards(param, date, waterClass)) {
      if (standard.statistic !== 'percentile' || standard.percentile === undefined) continue;
      const p = linearPercentile(list, standard.percentile);
      if (p === undefined) continue;
      tests.push({
        parameter: param,
        standardId: standard.id,
        version: standard.version,
        percentile: standard.percentile,
        value: roundHalfUp(p, standard.decimals),
        limit: standard.limit,
        unit: standard.unit,
        samples: list.length,
        passed: withinLimit(p, standard),
      });
    }
  }
  return tests;
}

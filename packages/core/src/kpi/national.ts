/**
 * National view: the master-plan indicator "number of cities whose environmental quality is within standard"
 * (reference smart-city-context.md, "National indicators"), counted with one rule for every city.
 */
import type { BilingualText } from '../standards/types.ts';
import { DEFAULT_KPI_DEFINITIONS } from './catalog.ts';
import { meetsTarget } from './score.ts';
import type { AssessmentPeriod, CityAssessment, KpiId, KpiStatus } from './types.ts';

/** The environmental-quality KPIs the national rule looks at (monitoring and waste service KPIs are not quality). */
export const NATIONAL_QUALITY_KPIS: readonly KpiId[] = ['air.pm25-station-days', 'air.aqi-days', 'air.pm25-annual-mean', 'water.samples-within-class', 'noise.days-within-standard'];

/** Master-plan targets for the indicator (smart-city-context.md): cities within standard per plan period. */
export const MASTER_PLAN_TARGETS: readonly { fromYear: number; toYear: number; cities: number }[] = [
  { fromYear: 2018, toYear: 2022, cities: 5 },
  { fromYear: 2023, toYear: 2027, cities: 12 },
  { fromYear: 2028, toYear: 2032, cities: 19 },
  { fromYear: 2033, toYear: 2037, cities: 25 },
];

export const NATIONAL_METHOD: BilingualText = {
  en:
    'A city is within standard for the period when its air quality could be assessed (at least one air KPI with enough data) and every ' +
    'environmental-quality KPI with enough data (PM2.5 station-days, AQI days, PM2.5 mean vs the annual standard, water samples within class, ' +
    'noise days) reaches the DEFAULT catalog target, the same for every city whatever its own targets. Without any air KPI it is "insufficient data".',
  th:
    'เมืองที่มีคุณภาพสิ่งแวดล้อมอยู่ในเกณฑ์มาตรฐาน คือเมืองที่ประเมินคุณภาพอากาศได้ และตัวชี้วัดคุณภาพสิ่งแวดล้อมทุกตัวที่มีข้อมูลเพียงพอ ' +
    'ถึงเป้าหมายของชุดตัวชี้วัดมาตรฐาน (ใช้เกณฑ์เดียวกันทุกเมือง)',
};

export type NationalStatus = 'within_standard' | 'not_within_standard' | 'insufficient_data';

export interface NationalCityKpi {
  id: KpiId;
  name: BilingualText;
  status: KpiStatus;
  value: number | null;
  unit: string;
  target: number | null;
  met: boolean;
}

export interface NationalCity {
  id: string;
  name: string;
  nameTh: string | null;
  status: NationalStatus;
  reasons: BilingualText[];
  kpis: NationalCityKpi[];
}

export interface NationalView {
  period: AssessmentPeriod;
  citiesAssessed: number;
  citiesWithinStandard: number;
  citiesNotWithinStandard: number;
  citiesInsufficientData: number;
  masterPlanTarget: { fromYear: number; toYear: number; cities: number } | null;
  method: BilingualText;
  cities: NationalCity[];
}

export function nationalCity(assessment: CityAssessment): NationalCity {
  const kpis: NationalCityKpi[] = [];
  for (const id of NATIONAL_QUALITY_KPIS) {
    const value = assessment.kpis.find((k) => k.id === id);
    const def = DEFAULT_KPI_DEFINITIONS.find((k) => k.id === id);
    if (!value || !def) continue;
    kpis.push({ id, name: def.name, status: value.status, value: value.value, unit: def.unit, target: def.target, met: value.status === 'ok' && meetsTarget(def, value.value) });
  }
  const assessed = kpis.filter((k) => k.status === 'ok');
  const reasons: BilingualText[] = [];
  let status: NationalStatus;
  if (!assessed.some((k) => k.id.startsWith('air.'))) {
    status = 'insufficient_data';
    reasons.push({ en: 'No air-quality KPI has enough valid data for the period.', th: 'ไม่มีตัวชี้วัดคุณภาพอากาศที่มีข้อมูลเพียงพอในช่วงเวลานี้' });
  } else {
    const failing = assessed.filter((k) => !k.met);
    status = failing.length === 0 ? 'within_standard' : 'not_within_standard';
    for (const k of failing) {
      reasons.push({ en: `${k.name.en}: ${k.value} ${k.unit}, target ${k.target} ${k.unit}`, th: `${k.name.th}: ${k.value} ${k.unit} เป้าหมาย ${k.target} ${k.unit}` });
    }
    if (failing.length === 0) reasons.push({ en: `All ${assessed.length} assessed environmental-quality KPIs reach their targets.`, th: `ตัวชี้วัดคุณภาพสิ่งแวดล้อมที่ประเมินได้ทั้ง ${assessed.length} ตัวถึงเป้าหมาย` });
  }
  for (const k of kpis) {
    if (k.status !== 'ok') reasons.push({ en: `Not assessed (insufficient data): ${k.name.en}`, th: `ไม่ได้ประเมิน (ข้อมูลไม่เพียงพอ): ${k.name.th}` });
  }
  return { id: assessment.city.id, name: assessment.city.name, nameTh: assessment.city.nameTh, status, reasons, kpis };
}

export function nationalView(period: AssessmentPeriod, assessments: readonly CityAssessment[]): NationalView {
  const cities = assessments.map(nationalCity).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const year = Number(period.to.slice(0, 4));
  return {
    period: { ...period },
    citiesAssessed: cities.length,
    citiesWithinStandard: cities.filter((c) => c.status === 'within_standard').length,
    citiesNotWithinStandard: cities.filter((c) => c.status === 'not_within_standard').length,
    citiesInsufficientData: cities.filter((c) => c.status === 'insufficient_data').length,
    masterPlanTarget: MASTER_PLAN_TARGETS.find((t) => year >= t.fromYear && year <= t.toYear) ?? null,
    method: NATIONAL_METHOD,
    cities,
  };
}

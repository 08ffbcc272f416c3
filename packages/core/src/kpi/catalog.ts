/**
 * The default KPI catalog (DESIGN.md "Assessment evidence") and per-city overrides.
 * The official per-dimension KPI list, targets and weights are not public (reference smart-city-context.md §5,
 * thai-standards.md §8.3): the defaults below are project proposals (thai-standards.md §8.4), to be set per city.
 */
import { DOMAINS, type Domain } from '../types.ts';
import type { BilingualText } from '../standards/types.ts';
import {
  KPI_IDS,
  isKpiId,
  type KpiCatalog,
  type KpiCatalogOverrides,
  type KpiDefinition,
  type KpiDirection,
  type KpiInputs,
  type KpiOverride,
} from './types.ts';

export const DEFAULT_KPI_INPUTS: Readonly<KpiInputs> = Object.freeze({
  population: null,
  // one reading a minute for stations and meters (the simulator's backfill rate), every 5 minutes for sondes and bins
  reportingIntervalSeconds: Object.freeze({ air: 60, water: 300, energy: 60, waste: 300 }),
  energyBaselineKwhPerDay: null,
  energyBaselinePeakKw: null,
  // municipal bins are commonly scheduled for collection at 80-90 % full; 90 % is the project default
  wasteFullPercent: 90,
  // level sensors report above 100 % when waste is heaped over the rim (catalog range of fillingLevel)
  wasteOverflowPercent: 100,
}) as KpiInputs;

const PM25_24H = 'th-aaqs-pm25-24h';
const PM25_1Y = 'th-aaqs-pm25-1y';
const AQI_STANDARDS = ['th-aaqs-pm25-24h', 'th-aaqs-pm10-24h', 'th-aaqs-o3-8h', 'th-aaqs-co-8h', 'th-aaqs-no2-1h', 'th-aaqs-so2-1h'];

function kpi(k: KpiDefinition): KpiDefinition {
  return k;
}

const T = (en: string, th: string): BilingualText => ({ en, th });

export const DEFAULT_KPI_DEFINITIONS: readonly KpiDefinition[] = [
  kpi({
    id: 'air.pm25-station-days',
    dimension: 'environment',
    group: 'air',
    name: T('Station-days within the PM2.5 24-hour standard', 'ร้อยละของสถานี-วันที่ PM2.5 เฉลี่ย 24 ชั่วโมงไม่เกินมาตรฐาน'),
    unit: '%',
    direction: 'higher',
    baseline: 60,
    target: 90,
    weight: 15,
    method: T(
      'For each air station and Asia/Bangkok day: the day mean of PM2.5 from the daily rollup (sum / count), valid when the day holds at least 75 % of the readings expected at the reporting interval. A valid station-day is within standard when the mean, rounded as the standard is written, does not exceed the 24-hour standard in force that day. Value = within / valid station-days × 100.',
      'แต่ละสถานีและแต่ละวัน (เวลาประเทศไทย): ค่าเฉลี่ยรายวันของ PM2.5 จากข้อมูลสรุปรายวัน ใช้ได้เมื่อมีข้อมูลอย่างน้อยร้อยละ 75 ของจำนวนที่ควรได้รับ เทียบกับมาตรฐานเฉลี่ย 24 ชั่วโมงที่มีผลในวันนั้น ค่าตัวชี้วัด = จำนวนสถานี-วันที่ไม่เกินมาตรฐาน / จำนวนสถานี-วันที่ใช้ได้ × 100',
    ),
    standardIds: [PM25_24H],
    enabled: true,
  }),
  kpi({
    id: 'air.aqi-days',
    dimension: 'environment',
    group: 'air',
    name: T('Days with city AQI at or below 100', 'ร้อยละของวันที่ดัชนีคุณภาพอากาศของเมืองไม่เกิน 100'),
    unit: '%',
    direction: 'higher',
    baseline: 60,
    target: 90,
    weight: 15,
    method: T(
      'Thai AQI per station-day: PM2.5 and PM10 from their valid day means; O3 and CO (8-hour) and NO2 and SO2 (1-hour) are bounded by the day maximum reading and, where that bound exceeds AQI 100, computed from hourly rollups (highest 8-hour or 1-hour mean of the day). The city AQI of a day is the worst station (project choice "city-aqi"). Value = days with city AQI ≤ 100 / days with a city AQI × 100.',
      'ดัชนีคุณภาพอากาศรายสถานี-วัน: PM2.5 และ PM10 จากค่าเฉลี่ยรายวัน ส่วน O3, CO (8 ชั่วโมง) และ NO2, SO2 (1 ชั่วโมง) ตรวจจากค่าสูงสุดของวัน และคำนวณจากข้อมูลรายชั่วโมงเมื่ออาจเกิน 100 ค่า AQI ของเมืองใช้สถานีที่แย่ที่สุด ค่าตัวชี้วัด = จำนวนวันที่ AQI ≤ 100 / จำนวนวันที่มีค่า AQI × 100',
    ),
    standardIds: AQI_STANDARDS,
    enabled: true,
  }),
  kpi({
    id: 'air.pm25-annual-mean',
    dimension: 'environment',
    group: 'air',
    name: T('PM2.5 mean of the period as % of the annual standard', 'ค่าเฉลี่ย PM2.5 ของช่วงเวลา เทียบเป็นร้อยละของมาตรฐานรายปี'),
    unit: '% of standard',
    direction: 'lower',
    baseline: 200,
    target: 100,
    weight: 10,
    method: T(
      'Per station: the mean of its valid PM2.5 day means, for stations with valid data on at least 75 % of the days. City mean = mean of those station means, rounded as the annual standard is written, divided by the annual standard in force on the last day of the period (project choice "window-boundaries") × 100. 100 or less meets the standard. Over a period shorter than a year the value is indicative.',
      'ค่าเฉลี่ยของแต่ละสถานีจากค่าเฉลี่ยรายวันที่ใช้ได้ (สถานีต้องมีข้อมูลอย่างน้อยร้อยละ 75 ของจำนวนวัน) ค่าเฉลี่ยของเมือง = ค่าเฉลี่ยของทุกสถานี หารด้วยมาตรฐานรายปีที่มีผลในวันสุดท้ายของช่วงเวลา × 100 ค่าไม่เกิน 100 ถือว่าเป็นไปตามมาตรฐาน ช่วงเวลาที่สั้นกว่า 1 ปีเป็นค่าบ่งชี้',
    ),
    standardIds: [PM25_1Y],
    enabled: true,
  }),
  kpi({
    id: 'air.measurements-within-standard',
    dimension: 'environment',
    group: 'air',
    name: T('Air quality measurements within standard (Bangkok method)', 'ร้อยละของค่าตรวจวัดคุณภาพอากาศที่อยู่ในเกณฑ์มาตรฐาน (วิธีของกรุงเทพมหานคร)'),
    unit: '%',
    direction: 'higher',
    baseline: 60,
    target: 85,
    weight: 10,
    method: T(
      'As the Bangkok KPI "percentage of air quality within standard" ([BMA-KPI-AIR], target 85 %): measurements within standard / all measurements, pooled over pollutants. A measurement is one valid station-day of one pollutant, judged with the standard of the averaging the Thai AQI uses: PM2.5 and PM10 24-hour means, the highest O3 and CO 8-hour mean and the highest NO2 and SO2 1-hour mean of the day.',
      'ตามตัวชี้วัดของกรุงเทพมหานคร "ร้อยละของคุณภาพอากาศที่อยู่ในเกณฑ์มาตรฐาน" (เป้าหมายร้อยละ 85): จำนวนค่าตรวจวัดที่อยู่ในเกณฑ์ / จำนวนค่าตรวจวัดทั้งหมด รวมทุกสารมลพิษ หนึ่งค่าตรวจวัดคือสารหนึ่งชนิดของสถานีหนึ่งในหนึ่งวัน',
    ),
    standardIds: AQI_STANDARDS,
    enabled: true,
  }),
  kpi({
    id: 'water.samples-within-class',
    dimension: 'environment',
    group: 'water',
    name: T('Water samples within the assigned surface-water class', 'ร้อยละของตัวอย่างน้ำที่อยู่ในเกณฑ์มาตรฐานแหล่งน้ำผิวดินตามประเภทที่กำหนด'),
    unit: '%',
    direction: 'higher',
    baseline: 50,
    target: 80,
    weight: 15,
    method: T(
      'A sample is one valid site-day of a water station at a site with an assigned class 2-4: the day means of every parameter the surface-water standard limits for that class (pH, dissolved oxygen, BOD, ...). The sample is within class when every valid parameter meets its class limit. Value = samples within class / valid samples × 100. The P20/P80 percentile test of each site over the period is reported alongside (indicative below 365 days).',
      'ตัวอย่างหนึ่งตัวอย่าง คือค่าเฉลี่ยรายวันของจุดตรวจวัดที่มีการกำหนดประเภทแหล่งน้ำ 2-4 ตัวอย่างอยู่ในเกณฑ์เมื่อทุกพารามิเตอร์เป็นไปตามมาตรฐานของประเภทนั้น ค่าตัวชี้วัด = จำนวนตัวอย่างที่อยู่ในเกณฑ์ / จำนวนตัวอย่างที่ใช้ได้ × 100',
    ),
    standardIds: [2, 3, 4].flatMap((c) => ['ph', 'do', 'bod'].map((p) => `th-sw-${p}-class${c}`)),
    enabled: true,
  }),
  kpi({
    id: 'noise.days-within-standard',
    dimension: 'environment',
    group: 'noise',
    name: T('Station-days with Leq 24 h within the noise standard', 'ร้อยละของสถานี-วันที่ระดับเสียงเฉลี่ย 24 ชั่วโมงไม่เกินมาตรฐาน'),
    unit: '%',
    direction: 'higher',
    baseline: 60,
    target: 90,
    weight: 10,
    method: T(
      "For each station reporting noise and each day with valid data: the day is within standard when Leq 24 h does not exceed the standard. Leq 24 h is the energy mean of the day's readings, 10·log10(mean(10^(L/10))), kept in the daily rollup. For days rolled up before the platform kept it: Leq lies between the arithmetic mean and the maximum of the readings, so a day mean above the limit fails and a day maximum at or below it passes; otherwise Leq is the energy mean of the hourly mean levels (at least 18 hours).",
      'แต่ละสถานีที่วัดเสียงและแต่ละวันที่มีข้อมูลเพียงพอ: วันนั้นผ่านเมื่อค่าระดับเสียงเฉลี่ย 24 ชั่วโมง (Leq) ไม่เกินมาตรฐาน Leq คือค่าเฉลี่ยเชิงพลังงานของค่าที่วัดได้ทั้งวัน 10·log10(ค่าเฉลี่ยของ 10^(L/10)) สำหรับวันที่สรุปข้อมูลก่อนแพลตฟอร์มเก็บค่านี้ คำนวณจากค่าเฉลี่ยรายชั่วโมงเมื่อค่าสรุปรายวันตัดสินไม่ได้',
    ),
    standardIds: ['th-noise-leq-24h'],
    enabled: true,
  }),
  kpi({
    id: 'waste.on-time-collection',
    dimension: 'environment',
    group: 'waste',
    name: T('Bin-days collected before the bin was full', 'ร้อยละของถัง-วันที่เก็บขนก่อนขยะเต็มถัง'),
    unit: '%',
    direction: 'higher',
    baseline: 70,
    target: 95,
    weight: 5,
    method: T(
      'For each smart bin and day with valid data: collected on time when the highest filling level of the day stays below the full threshold (inputs.wasteFullPercent). Value = on-time bin-days / valid bin-days × 100.',
      'แต่ละถังและแต่ละวันที่มีข้อมูลเพียงพอ: ถือว่าเก็บขนตรงเวลาเมื่อระดับขยะสูงสุดของวันต่ำกว่าเกณฑ์เต็มถัง ค่าตัวชี้วัด = จำนวนถัง-วันที่ตรงเวลา / จำนวนถัง-วันที่ใช้ได้ × 100',
    ),
    standardIds: [],
    enabled: true,
  }),
  kpi({
    id: 'waste.overflow-events',
    dimension: 'environment',
    group: 'waste',
    name: T('Overflow events per 100 bin-days', 'จำนวนครั้งที่ขยะล้นถังต่อ 100 ถัง-วัน'),
    unit: 'per 100 bin-days',
    direction: 'lower',
    baseline: 5,
    target: 1,
    weight: 5,
    method: T(
      'An overflow event is a bin-day whose highest filling level reaches inputs.wasteOverflowPercent (as the waste.overflow alert rule judges it; sensors report at most 100 %). Value = overflow events / valid bin-days × 100; the count is in the details.',
      'เหตุการณ์ขยะล้นถัง คือถัง-วันที่ระดับขยะสูงสุดเกินเกณฑ์ล้นถัง ค่าตัวชี้วัด = จำนวนเหตุการณ์ / จำนวนถัง-วันที่ใช้ได้ × 100',
    ),
    standardIds: [],
    enabled: true,
  }),
  kpi({
    id: 'monitoring.stations',
    dimension: 'environment',
    group: 'monitoring',
    name: T('Air-quality stations with valid data', 'จำนวนสถานีตรวจวัดคุณภาพอากาศที่มีข้อมูลใช้ได้'),
    unit: 'stations',
    direction: 'higher',
    baseline: 1,
    target: 5,
    weight: 5,
    method: T(
      'Registered air stations with valid PM2.5 data on at least 75 % of the days of the period they were registered for.',
      'จำนวนสถานีตรวจวัดคุณภาพอากาศที่มีข้อมูล PM2.5 ใช้ได้อย่างน้อยร้อยละ 75 ของจำนวนวันในช่วงเวลา',
    ),
    standardIds: [],
    enabled: true,
  }),
  kpi({
    id: 'monitoring.data-completeness',
    dimension: 'environment',
    group: 'monitoring',
    name: T('Data completeness of the monitoring network', 'ความครบถ้วนของข้อมูลจากเครือข่ายตรวจวัด'),
    unit: '%',
    direction: 'higher',
    baseline: 50,
    target: 90,
    weight: 5,
    method: T(
      'Readings received / readings expected, over every active registered device and every day since its registration (or its first data, if earlier); a device-day counts at most 100 %. Readings of a device-day = the highest daily-rollup count among the parameters the KPIs read; expected per day = 86,400 s / inputs.reportingIntervalSeconds of the domain.',
      'จำนวนข้อมูลที่ได้รับ / จำนวนข้อมูลที่ควรได้รับ ของทุกอุปกรณ์ที่ลงทะเบียนและทุกวัน (แต่ละอุปกรณ์-วันนับไม่เกินร้อยละ 100)',
    ),
    standardIds: [],
    enabled: true,
  }),
  kpi({
    id: 'monitoring.uptime',
    dimension: 'environment',
    group: 'monitoring',
    name: T('Device uptime (device-days reporting)', 'ร้อยละของอุปกรณ์-วันที่อุปกรณ์ส่งข้อมูล'),
    unit: '%',
    direction: 'higher',
    baseline: 80,
    target: 98,
    weight: 2.5,
    method: T(
      'Device-days with at least one reading / device-days expected (every active registered device, every day since its registration) × 100.',
      'จำนวนอุปกรณ์-วันที่มีข้อมูลอย่างน้อยหนึ่งค่า / จำนวนอุปกรณ์-วันที่ควรมี × 100',
    ),
    standardIds: [],
    enabled: true,
  }),
  kpi({
    id: 'monitoring.alert-acknowledgement',
    dimension: 'environment',
    group: 'monitoring',
    name: T('Median time to acknowledge an alert', 'ระยะเวลามัธยฐานในการรับทราบการแจ้งเตือน'),
    unit: 'minutes',
    direction: 'lower',
    baseline: 240,
    target: 60,
    weight: 2.5,
    method: T(
      'Median minutes from raising to acknowledging, over the alerts raised in the period; an alert still unacknowledged counts with the time up to the end of the period. No alerts raised scores as met. Needs the alert history.',
      'ค่ามัธยฐานของเวลา (นาที) ตั้งแต่เกิดการแจ้งเตือนจนมีผู้รับทราบ การแจ้งเตือนที่ยังไม่มีผู้รับทราบนับถึงสิ้นช่วงเวลา',
    ),
    standardIds: [],
    enabled: true,
  }),
  kpi({
    id: 'energy.consumption-vs-baseline',
    dimension: 'energy',
    group: 'energy',
    name: T('Electricity consumption vs baseline', 'การใช้ไฟฟ้าเทียบกับปีฐาน'),
    unit: '% change',
    direction: 'lower',
    baseline: 0,
    target: -10,
    weight: 30,
    method: T(
      'Per meter: kWh of each valid day = day mean of activePower (kW) × 24 h; the meter\'s mean over its valid days; city consumption = sum over meters (kWh/day). Value = (consumption − reference) / reference × 100, the reference being inputs.energyBaselineKwhPerDay or, when not set, the same computation over the same days one year earlier.',
      'แต่ละมิเตอร์: พลังงานไฟฟ้ารายวัน = ค่าเฉลี่ยกำลังไฟฟ้า (kW) × 24 ชั่วโมง การใช้ไฟฟ้าของเมือง = ผลรวมของทุกมิเตอร์ (kWh ต่อวัน) ค่าตัวชี้วัด = ร้อยละการเปลี่ยนแปลงเทียบกับค่าฐาน (ค่าที่กำหนด หรือช่วงเวลาเดียวกันของปีก่อน)',
    ),
    standardIds: [],
    enabled: true,
  }),
  kpi({
    id: 'energy.per-capita',
    dimension: 'energy',
    group: 'energy',
    name: T('Metered electricity per capita', 'การใช้ไฟฟ้าต่อประชากร'),
    unit: 'kWh/person/year',
    direction: 'lower',
    baseline: null,
    target: null,
    weight: 20,
    method: T(
      'City consumption (kWh/day, as for consumption vs baseline) × 365 / inputs.population. Indicator named by the Ministry of Energy Smart Cities – Clean Energy criteria ([TGBI-CRIT]); baseline and target must be set per city.',
      'การใช้ไฟฟ้าของเมือง (kWh ต่อวัน) × 365 / จำนวนประชากร ต้องกำหนดค่าฐานและเป้าหมายของแต่ละเมือง',
    ),
    standardIds: [],
    enabled: true,
  }),
  kpi({
    id: 'energy.renewable-share',
    dimension: 'energy',
    group: 'energy',
    name: T('Renewable share of metered electricity', 'สัดส่วนพลังงานหมุนเวียนในการใช้ไฟฟ้า'),
    unit: '%',
    direction: 'higher',
    baseline: 0,
    target: 20,
    weight: 30,
    method: T(
      'Solar kWh (day mean of solarPower × 24 h) / consumption kWh (day mean of activePower × 24 h) × 100, over the valid meter-days ([TGBI-CRIT]).',
      'พลังงานไฟฟ้าจากแสงอาทิตย์ / พลังงานไฟฟ้าที่ใช้ × 100 จากมิเตอร์-วันที่มีข้อมูลเพียงพอ',
    ),
    standardIds: [],
    enabled: true,
  }),
  kpi({
    id: 'energy.peak-demand',
    dimension: 'energy',
    group: 'energy',
    name: T('Peak demand vs baseline', 'ความต้องการไฟฟ้าสูงสุดเทียบกับปีฐาน'),
    unit: '% change',
    direction: 'lower',
    baseline: 0,
    target: -5,
    weight: 20,
    method: T(
      'Peak of a day = sum over the meters valid that day of their highest activePower reading (non-coincident, an upper bound of the coincident peak); the period peak is the highest over days with at least 75 % of the meters valid. Value = (peak − reference) / reference × 100, the reference being inputs.energyBaselinePeakKw or the same days one year earlier.',
      'ความต้องการไฟฟ้าสูงสุดของวัน = ผลรวมค่ากำลังไฟฟ้าสูงสุดของแต่ละมิเตอร์ ค่าตัวชี้วัด = ร้อยละการเปลี่ยนแปลงเทียบกับค่าฐาน',
    ),
    standardIds: [],
    enabled: true,
  }),
];

/** The default catalog: a fresh copy the caller may change. */
export function defaultKpiCatalog(): KpiCatalog {
  return structuredClone({ inputs: DEFAULT_KPI_INPUTS as KpiInputs, kpis: DEFAULT_KPI_DEFINITIONS as KpiDefinition[] });
}

export interface CatalogIssue {
  /** where: e.g. 'kpis.air.aqi-days.target', 'inputs.population' */
  path: string;
  message: string;
}

export type OverridesCheck = { ok: true; overrides: KpiCatalogOverrides } | { ok: false; issues: CatalogIssue[] };

const OVERRIDE_FIELDS = ['baseline', 'target', 'direction', 'weight', 'method', 'enabled'] as const;
const INPUT_FIELDS = ['population', 'reportingIntervalSeconds', 'energyBaselineKwhPerDay', 'energyBaselinePeakKw', 'wasteFullPercent', 'wasteOverflowPercent'] as const;
/** a reporting interval longer than a day could never be 75 % complete within a day */
const MAX_INTERVAL_S = 86_400;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * Validate an overrides document (e.g. a PUT body) and return it normalised, or every problem with its path.
 * Checks the fields one by one, then the result: baseline and target must lie in the KPI's direction.
 */
export function checkCatalogOverrides(input: unknown): OverridesCheck {
  const issues: CatalogIssue[] = [];
  if (!isPlainObject(input)) return { ok: false, issues: [{ path: '', message: 'expected an object { inputs?, kpis? }' }] };
  const out: KpiCatalogOverrides = {};
  for (const key of Object.keys(input)) {
    if (key !== 'inputs' && key !== 'kpis') issues.push({ path: key, message: 'is not a known field; use "inputs" and "kpis"' });
  }
  if (input.inputs !== undefined) {
    const inputs = checkInputs(input.inputs, issues);
    if (inputs) out.inputs = inputs;
  }
  if (input.kpis !== undefined) {
    if (!isPlainObject(input.kpis)) issues.push({ path: 'kpis', message: 'expected an object keyed by KPI id' });
    else {
      const kpis: Partial<Record<string, KpiOverride>> = {};
      for (const [id, raw] of Object.entries(input.kpis)) {
        if (!isKpiId(id)) {
          issues.push({ path: `kpis.${id}`, message: `is not a KPI id; use one of ${KPI_IDS.join(', ')}` });
          continue;
        }
        const override = checkOverride(id, raw, issues);
        if (override) kpis[id] = override;
      }
      out.kpis = kpis;
    }
  }
  // the merged result must be coherent too (e.g. a new target on the wrong side of the default baseline)
  for (const k of applyCatalogOverrides(defaultKpiCatalog(), out).kpis) checkOrder(k.id, k.direction, k.baseline, k.target, issues);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, overrides: out };
}

function checkInputs(raw: unknown, issues: CatalogIssue[]): KpiCatalogOverrides['inputs'] | undefined {
  if (!isPlainObject(raw)) {
    issues.push({ path: 'inputs', message: 'expected an object' });
    return undefined;
  }
  const out: NonNullable<KpiCatalogOverrides['inputs']> = {};
  for (const [key, value] of Object.entries(raw)) {
    const path = `inputs.${key}`;
    switch (key) {
      case 'population':
        if (value === null || (Number.isSafeInteger(value) && (value as number) > 0)) out.population = value as number | null;
        else issues.push({ path, message: 'expected a whole number of people above 0, or null' });
        break;
      case 'energyBaselineKwhPerDay':
      case 'energyBaselinePeakKw':
        if (value === null || (isFiniteNumber(value) && value > 0)) out[key] = value as number | null;
        else issues.push({ path, message: 'expected a number above 0, or null to use the same period one year earlier' });
        break;
      case 'wasteFullPercent':
      case 'wasteOverflowPercent':
        if (isFiniteNumber(value) && value > 0 && value <= 120) out[key] = value;
        else issues.push({ path, message: 'expected a filling level in % above 0 and at most 120' });
        break;
      case 'reportingIntervalSeconds': {
        if (!isPlainObject(value)) {
          issues.push({ path, message: `expected an object { ${DOMAINS.join(', ')} } of seconds` });
          break;
        }
        const intervals: Partial<Record<Domain, number>> = {};
        for (const [domain, seconds] of Object.entries(value)) {
          if (!(DOMAINS as readonly string[]).includes(domain)) issues.push({ path: `${path}.${domain}`, message: `is not a domain; use ${DOMAINS.join(', ')}` });
          else if (isFiniteNumber(seconds) && seconds >= 1 && seconds <= MAX_INTERVAL_S) intervals[domain as Domain] = seconds;
          else issues.push({ path: `${path}.${domain}`, message: `expected seconds between 1 and ${MAX_INTERVAL_S}` });
        }
        out.reportingIntervalSeconds = intervals;
        break;
      }
      default:
        issues.push({ path, message: `is not a known input; use ${INPUT_FIELDS.join(', ')}` });
    }
  }
  if (out.wasteFullPercent !== undefined && out.wasteOverflowPercent !== undefined && out.wasteFullPercent > out.wasteOverflowPercent) {
    issues.push({ path: 'inputs.wasteFullPercent', message: 'must not be above inputs.wasteOverflowPercent' });
  }
  return out;
}

function checkText(value: unknown): value is BilingualText {
  return isPlainObject(value) && typeof value.en === 'string' && typeof value.th === 'string' && value.en.trim() !== '' && value.th.trim() !== '' &&
    value.en.length <= 2000 && value.th.length <= 2000 && Object.keys(value).length === 2;
}

function checkOverride(id: string, raw: unknown, issues: CatalogIssue[]): KpiOverride | undefined {
  const base = `kpis.${id}`;
  if (!isPlainObject(raw)) {
    issues.push({ path: base, message: `expected an object with any of ${OVERRIDE_FIELDS.join(', ')}` });
    return undefined;
  }
  const out: KpiOverride = {};
  for (const [key, value] of Object.entries(raw)) {
    const path = `${base}.${key}`;
    switch (key) {
      case 'baseline':
      case 'target':
        if (value === null || isFiniteNumber(value)) out[key] = value as number | null;
        else issues.push({ path, message: 'expected a number, or null for "not set"' });
        break;
      case 'direction':
        if (value === 'higher' || value === 'lower') out.direction = value;
        else issues.push({ path, message: 'expected "higher" or "lower"' });
        break;
      case 'weight':
        if (isFiniteNumber(value) && value > 0 && value <= 1000) out.weight = value;
        else issues.push({ path, message: 'expected a number above 0 and at most 1000 (disable a KPI with "enabled": false)' });
        break;
      case 'method':
        if (checkText(value)) out.method = { en: value.en, th: value.th };
        else issues.push({ path, message: 'expected { "en": text, "th": text }, each 1-2000 characters' });
        break;
      case 'enabled':
        if (typeof value === 'boolean') out.enabled = value;
        else issues.push({ path, message: 'expected true or false' });
        break;
      default:
        issues.push({ path, message: `is not a field a city may set; use ${OVERRIDE_FIELDS.join(', ')}` });
    }
  }
  return out;
}

function checkOrder(id: string, direction: KpiDirection, baseline: number | null, target: number | null, issues: CatalogIssue[]): void {
  if (baseline === null || target === null) return;
  const ordered = direction === 'higher' ? baseline < target : baseline > target;
  if (!ordered) {
    issues.push({
      path: `kpis.${id}`,
      message: `baseline ${baseline} and target ${target} do not fit direction "${direction}": the target must be ${direction === 'higher' ? 'above' : 'below'} the baseline`,
    });
  }
}

/** The catalog with a city's overrides applied (overrides are assumed checked by checkCatalogOverrides). */
export function applyCatalogOverrides(catalog: KpiCatalog, overrides: KpiCatalogOverrides | null | undefined): KpiCatalog {
  const result = structuredClone(catalog);
  if (!overrides) return result;
  const { reportingIntervalSeconds, ...inputs } = overrides.inputs ?? {};
  Object.assign(result.inputs, inputs);
  if (reportingIntervalSeconds) Object.assign(result.inputs.reportingIntervalSeconds, reportingIntervalSeconds);
  for (const k of result.kpis) {
    const o = overrides.kpis?.[k.id];
    if (!o) continue;
    for (const field of OVERRIDE_FIELDS) {
      if (o[field] !== undefined) (k as unknown as Record<string, unknown>)[field] = structuredClone(o[field]);
    }
  }
  return result;
}

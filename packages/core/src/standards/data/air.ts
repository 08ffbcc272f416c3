/**
 * Thailand National Ambient Air Quality Standards (reference thai-standards.md §1.1), in catalog units: the ppm values
 * published for O3, NO2 and SO2 are stored as ppb (×1000), CO stays in ppm, TSP/PM10 mg/m³ as µg/m³.
 * decimals: the AQI table resolution for the six AQI pollutants (project choice "comparison-rounding").
 */
import { UNDATED_EDITION_FROM } from '../project-choices.ts';
import type { Averaging, BilingualText, Standard } from '../types.ts';
import { CALENDAR_MONTH, CALENDAR_YEAR, ROLLING_1H, ROLLING_24H, ROLLING_8H, cite } from './build.ts';

const PCD_TABLE_VERSION = 'PCD-AAQS';

/** the PCD table rows other than PM2.5: notification and dates not in the reference (project choice "undated-editions") */
function pcdSource(keys: readonly string[]): string {
  return cite({
    notification: 'National Environment Board notifications on ambient air quality standards, as listed by PCD',
    gazette: 'not in the reference',
    effective: `start not in the reference (treated as ${UNDATED_EDITION_FROM}), in force`,
    section: '§1.1',
    keys: ['PCD-AAQS', ...keys],
  });
}

interface AmbientRow {
  id: string;
  parameter: string;
  name: BilingualText;
  averaging: Averaging;
  max: number;
  unit: string;
  decimals: number;
  keys: readonly string[];
  notes?: string;
}

function pcdRow(r: AmbientRow): Standard {
  return {
    id: r.id,
    version: PCD_TABLE_VERSION,
    parameter: r.parameter,
    domain: 'air',
    category: 'ambient-air',
    name: r.name,
    averaging: r.averaging,
    statistic: 'mean',
    limit: { max: r.max },
    unit: r.unit,
    decimals: r.decimals,
    effectiveFrom: UNDATED_EDITION_FROM,
    source: pcdSource(r.keys),
    status: 'VERIFIED',
    ...(r.notes === undefined ? {} : { notes: r.notes }),
  };
}

const PM25_24H_NAME = { en: 'PM2.5, 24-hour mean', th: 'ฝุ่นละออง PM2.5 เฉลี่ย 24 ชั่วโมง' };
const PM25_1Y_NAME = { en: 'PM2.5, annual mean', th: 'ฝุ่นละออง PM2.5 เฉลี่ย 1 ปี' };

// NEB No. 36 (B.E. 2553 / 2010) first set PM2.5 [FTIPC]; its day is not in the reference (project choice "undated-editions")
const NEB36_FROM = '2010-01-01';

function neb36Source(until: string): string {
  return cite({
    notification: 'NEB Notification No. 36 (B.E. 2553 / 2010), PM2.5 in ambient air',
    gazette: '2010, day not in the reference',
    effective: `from ${NEB36_FROM} (day UNVERIFIED) until ${until}`,
    section: '§1, §1.1, §9.1',
    keys: ['FTIPC', 'NATION-2022b', 'ONEP-PM25'],
  });
}

const PM25: Standard[] = [
  {
    id: 'th-aaqs-pm25-24h',
    version: 'NEB-36/2553',
    parameter: 'pm25',
    domain: 'air',
    category: 'ambient-air',
    name: PM25_24H_NAME,
    averaging: ROLLING_24H,
    statistic: 'mean',
    limit: { max: 50 },
    unit: 'µg/m³',
    // the pre-2023 AQI table has integer PM2.5 breakpoints
    decimals: 0,
    effectiveFrom: NEB36_FROM,
    effectiveTo: '2023-05-31',
    source: neb36Source('2023-05-31'),
    status: 'VERIFIED',
  },
  {
    id: 'th-aaqs-pm25-24h',
    version: '2023-06-01',
    parameter: 'pm25',
    domain: 'air',
    category: 'ambient-air',
    name: PM25_24H_NAME,
    averaging: ROLLING_24H,
    statistic: 'mean',
    limit: { max: 37.5 },
    unit: 'µg/m³',
    decimals: 1,
    effectiveFrom: '2023-06-01',
    source: cite({
      notification: 'NEB notification revising the PM2.5 ambient standards (B.E. 2565 / 2022)',
      gazette: 'July 2022, 9 July per one report (day UNVERIFIED)',
      effective: 'from 2023-06-01, in force',
      section: '§1.1, §9.1',
      keys: ['NATION-2022b', 'NATION-2022a', 'ONEP-PM25'],
    }),
    status: 'VERIFIED',
    notes: 'Equals the WHO 2021 interim target 3 for 24 h; a 2021 PCD draft proposed 37 [FTIPC], the adopted value is 37.5.',
  },
  {
    id: 'th-aaqs-pm25-1y',
    version: 'NEB-36/2553',
    parameter: 'pm25',
    domain: 'air',
    category: 'ambient-air',
    name: PM25_1Y_NAME,
    averaging: CALENDAR_YEAR,
    statistic: 'mean',
    limit: { max: 25 },
    unit: 'µg/m³',
    decimals: 0,
    effectiveFrom: NEB36_FROM,
    effectiveTo: '2022-07-08',
    source: neb36Source('2022-07-08'),
    status: 'VERIFIED',
  },
  {
    id: 'th-aaqs-pm25-1y',
    version: '2022-07-09',
    parameter: 'pm25',
    domain: 'air',
    category: 'ambient-air',
    name: PM25_1Y_NAME,
    averaging: CALENDAR_YEAR,
    statistic: 'mean',
    limit: { max: 15 },
    unit: 'µg/m³',
    decimals: 1,
    effectiveFrom: '2022-07-09',
    source: cite({
      notification: 'NEB notification revising the PM2.5 ambient standards (B.E. 2565 / 2022)',
      gazette: 'July 2022, 9 July per one report (day UNVERIFIED, project choice pm25-annual-date)',
      effective: 'from the Royal Gazette publication, taken as 2022-07-09, in force',
      section: '§1.1, §9.1',
      keys: ['NATION-2022b', 'ONEP-PM25'],
    }),
    status: 'VERIFIED',
    notes: 'Arithmetic mean of the calendar year assumed (project choice "annual-statistic").',
  },
];

const PCD_ROWS: Standard[] = [
  pcdRow({ id: 'th-aaqs-co-1h', parameter: 'co', name: { en: 'CO, 1-hour mean', th: 'ก๊าซคาร์บอนมอนอกไซด์ เฉลี่ย 1 ชั่วโมง' }, averaging: ROLLING_1H, max: 30, unit: 'ppm', decimals: 1, keys: ['NSO-2019'], notes: 'Published 30 ppm (34.2 mg/m³); the ppm value is normative.' }),
  pcdRow({ id: 'th-aaqs-co-8h', parameter: 'co', name: { en: 'CO, 8-hour mean', th: 'ก๊าซคาร์บอนมอนอกไซด์ เฉลี่ย 8 ชั่วโมง' }, averaging: ROLLING_8H, max: 9, unit: 'ppm', decimals: 1, keys: ['NSO-2019'], notes: 'Published 9 ppm (10.26 mg/m³); rolling 8 h (project choice "eight-hour-rolling").' }),
  pcdRow({ id: 'th-aaqs-no2-1h', parameter: 'no2', name: { en: 'NO2, 1-hour mean', th: 'ก๊าซไนโตรเจนไดออกไซด์ เฉลี่ย 1 ชั่วโมง' }, averaging: ROLLING_1H, max: 170, unit: 'ppb', decimals: 0, keys: ['NRCT'], notes: 'Published 0.17 ppm (0.32 mg/m³).' }),
  pcdRow({ id: 'th-aaqs-no2-1y', parameter: 'no2', name: { en: 'NO2, annual mean', th: 'ก๊าซไนโตรเจนไดออกไซด์ เฉลี่ย 1 ปี' }, averaging: CALENDAR_YEAR, max: 30, unit: 'ppb', decimals: 0, keys: ['ONEP-NO2'], notes: 'Published 0.03 ppm (0.057 mg/m³).' }),
  pcdRow({ id: 'th-aaqs-o3-1h', parameter: 'o3', name: { en: 'O3, 1-hour mean', th: 'ก๊าซโอโซน เฉลี่ย 1 ชั่วโมง' }, averaging: ROLLING_1H, max: 100, unit: 'ppb', decimals: 0, keys: ['NSO-2019'], notes: 'Published 0.10 ppm (0.20 mg/m³).' }),
  pcdRow({ id: 'th-aaqs-o3-8h', parameter: 'o3', name: { en: 'O3, 8-hour mean', th: 'ก๊าซโอโซน เฉลี่ย 8 ชั่วโมง' }, averaging: ROLLING_8H, max: 70, unit: 'ppb', decimals: 0, keys: ['NRCT'], notes: 'Published 0.07 ppm (0.14 mg/m³).' }),
  pcdRow({ id: 'th-aaqs-so2-1h', parameter: 'so2', name: { en: 'SO2, 1-hour mean', th: 'ก๊าซซัลเฟอร์ไดออกไซด์ เฉลี่ย 1 ชั่วโมง' }, averaging: ROLLING_1H, max: 300, unit: 'ppb', decimals: 0, keys: ['NSO-2014'], notes: 'Published 0.3 ppm (780 µg/m³).' }),
  pcdRow({ id: 'th-aaqs-so2-24h', parameter: 'so2', name: { en: 'SO2, 24-hour mean', th: 'ก๊าซซัลเฟอร์ไดออกไซด์ เฉลี่ย 24 ชั่วโมง' }, averaging: ROLLING_24H, max: 120, unit: 'ppb', decimals: 0, keys: [], notes: 'Published 0.12 ppm (0.30 mg/m³).' }),
  pcdRow({ id: 'th-aaqs-so2-1y', parameter: 'so2', name: { en: 'SO2, annual mean', th: 'ก๊าซซัลเฟอร์ไดออกไซด์ เฉลี่ย 1 ปี' }, averaging: CALENDAR_YEAR, max: 40, unit: 'ppb', decimals: 0, keys: [], notes: 'Published 0.04 ppm (0.10 mg/m³).' }),
  pcdRow({ id: 'th-aaqs-pb-1m', parameter: 'pb', name: { en: 'Lead (Pb), 1-month mean', th: 'ตะกั่ว เฉลี่ย 1 เดือน' }, averaging: CALENDAR_MONTH, max: 1.5, unit: 'µg/m³', decimals: 1, keys: ['NSO-2019'], notes: 'NRCT prints 1.15; PCD and NSO say 1.5.' }),
  pcdRow({ id: 'th-aaqs-tsp-24h', parameter: 'tsp', name: { en: 'Total suspended particulate (TSP), 24-hour mean', th: 'ฝุ่นละอองรวม (TSP) เฉลี่ย 24 ชั่วโมง' }, averaging: ROLLING_24H, max: 330, unit: 'µg/m³', decimals: 0, keys: [], notes: 'Published 0.33 mg/m³ (particles up to 100 µm).' }),
  pcdRow({ id: 'th-aaqs-tsp-1y', parameter: 'tsp', name: { en: 'Total suspended particulate (TSP), annual mean', th: 'ฝุ่นละอองรวม (TSP) เฉลี่ย 1 ปี' }, averaging: CALENDAR_YEAR, max: 100, unit: 'µg/m³', decimals: 0, keys: [], notes: 'Published 0.10 mg/m³ (DSS-QA misprints 0.01).' }),
  pcdRow({ id: 'th-aaqs-pm10-24h', parameter: 'pm10', name: { en: 'PM10, 24-hour mean', th: 'ฝุ่นละออง PM10 เฉลี่ย 24 ชั่วโมง' }, averaging: ROLLING_24H, max: 120, unit: 'µg/m³', decimals: 0, keys: ['NSO-2019'], notes: 'Published 0.12 mg/m³.' }),
  pcdRow({ id: 'th-aaqs-pm10-1y', parameter: 'pm10', name: { en: 'PM10, annual mean', th: 'ฝุ่นละออง PM10 เฉลี่ย 1 ปี' }, averaging: CALENDAR_YEAR, max: 50, unit: 'µg/m³', decimals: 0, keys: [], notes: 'Published 0.05 mg/m³.' }),
];

export const AIR_STANDARDS: readonly Standard[] = [...PM25, ...PCD_ROWS];

/**
 * Effluent standards (reference thai-standards.md §4): factories and industrial estates (§4.2), buildings of types
 * A-C (§4.1) and housing estates (§4.3). Each is a maximum (or pH range) for every grab sample.
 */
import { UNDATED_EDITION_FROM } from '../project-choices.ts';
import type { BilingualText, Limit, SourceStatus, Standard, StandardCategory } from '../types.ts';
import { EACH_SAMPLE, cite } from './build.ts';

const UNDATED = `start not in the reference (treated as ${UNDATED_EDITION_FROM}), in force`;

interface Row {
  parameter: string;
  key: string;
  name: BilingualText;
  unit: string;
  limit: Limit;
  decimals: number;
  status?: SourceStatus;
  notes?: string;
}

interface Scheme {
  idPrefix: string;
  version: string;
  category: StandardCategory;
  label: BilingualText;
  source: string;
  status: SourceStatus;
  buildingType?: 'A' | 'B' | 'C';
}

function standard(scheme: Scheme, r: Row): Standard {
  const typeSuffix = scheme.buildingType ? `-type-${scheme.buildingType.toLowerCase()}` : '';
  const typeLabel = scheme.buildingType ? { en: ` type ${scheme.buildingType}`, th: ` ประเภท ${{ A: 'ก', B: 'ข', C: 'ค' }[scheme.buildingType]}` } : { en: '', th: '' };
  return {
    id: `${scheme.idPrefix}-${r.key}${typeSuffix}`,
    version: scheme.version,
    parameter: r.parameter,
    domain: 'water',
    category: scheme.category,
    name: { en: `${r.name.en}, ${scheme.label.en}${typeLabel.en}`, th: `${r.name.th} ${scheme.label.th}${typeLabel.th}` },
    averaging: EACH_SAMPLE,
    statistic: 'sample',
    limit: r.limit,
    unit: r.unit,
    decimals: r.decimals,
    effectiveFrom: UNDATED_EDITION_FROM,
    source: scheme.source,
    status: r.status ?? scheme.status,
    ...(scheme.buildingType ? { scope: { buildingType: scheme.buildingType } } : {}),
    ...(r.notes === undefined ? {} : { notes: r.notes }),
  };
}

const PH = { en: 'pH', th: 'ความเป็นกรด-ด่าง' };
const BOD = { en: 'BOD', th: 'บีโอดี' };
const SS = { en: 'Suspended solids', th: 'สารแขวนลอย' };
const TDS = { en: 'Total dissolved solids', th: 'สารที่ละลายได้ทั้งหมด' };
const SULFIDE = { en: 'Sulfide', th: 'ซัลไฟด์' };
const TKN = { en: 'Total Kjeldahl nitrogen (TKN)', th: 'ทีเคเอ็น' };
const OIL = { en: 'Oil and grease', th: 'น้ำมันและไขมัน' };

// ---- factories, industrial estates and industrial zones (§4.2) ----

const INDUSTRIAL: Scheme = {
  idPrefix: 'th-eff-ind',
  version: 'MoNRE-2016-03-29',
  category: 'effluent-industrial',
  label: { en: 'industrial effluent', th: 'น้ำทิ้งจากโรงงานอุตสาหกรรม' },
  source: cite({
    notification: 'MoNRE notification on effluent standards for factories, industrial estates and industrial zones, dated 2016-03-29',
    gazette: 'not in the reference',
    effective: UNDATED,
    section: '§4.2',
    keys: ['PCD-IND', 'NAMSIA-IND', 'WATERINDEX', 'SPLUS'],
  }),
  status: 'VERIFIED',
};

/** "maximum allowable" applied case by case by factory type or receiving water, kept as a note */
function upTo(value: number): string {
  return `Maximum acceptable value; up to ${value} may be allowed case by case by factory type or receiving water.`;
}

const INDUSTRIAL_ROWS: Row[] = [
  { parameter: 'pH', key: 'ph', name: PH, unit: 'pH', limit: { min: 5.5, max: 9.0 }, decimals: 1 },
  { parameter: 'temperature', key: 'temperature', name: { en: 'Temperature', th: 'อุณหภูมิ' }, unit: '°C', limit: { max: 40 }, decimals: 0 },
  { parameter: 'bod', key: 'bod', name: BOD, unit: 'mg/L', limit: { max: 20 }, decimals: 0, notes: upTo(60) },
  { parameter: 'cod', key: 'cod', name: { en: 'COD', th: 'ซีโอดี' }, unit: 'mg/L', limit: { max: 120 }, decimals: 0, notes: upTo(400) },
  { parameter: 'suspendedSolids', key: 'ss', name: SS, unit: 'mg/L', limit: { max: 50 }, decimals: 0, notes: upTo(150) },
  { parameter: 'totalDissolvedSolids', key: 'tds', name: TDS, unit: 'mg/L', limit: { max: 3000 }, decimals: 0, notes: `${upTo(5000)} Saline receiving water: up to 5,000 above background.` },
  { parameter: 'totalKjeldahlNitrogen', key: 'tkn', name: TKN, unit: 'mg/L', limit: { max: 100 }, decimals: 0, notes: upTo(200) },
  { parameter: 'oilAndGrease', key: 'fog', name: { en: 'Fat, oil and grease', th: 'น้ำมันและไขมัน' }, unit: 'mg/L', limit: { max: 5 }, decimals: 0, notes: upTo(15) },
  { parameter: 'sulfide', key: 'sulfide', name: { en: 'Sulfide as H2S', th: 'ซัลไฟด์ในรูปไฮโดรเจนซัลไฟด์' }, unit: 'mg/L', limit: { max: 1 }, decimals: 0 },
  { parameter: 'formaldehyde', key: 'formaldehyde', name: { en: 'Formaldehyde', th: 'ฟอร์มาลดีไฮด์' }, unit: 'mg/L', limit: { max: 1 }, decimals: 0 },
  { parameter: 'freeChlorine', key: 'free-chlorine', name: { en: 'Free chlorine', th: 'คลอรีนอิสระ' }, unit: 'mg/L', limit: { max: 1 }, decimals: 0 },
  { parameter: 'phenols', key: 'phenols', name: { en: 'Phenols', th: 'ฟีนอล' }, unit: 'mg/L', limit: { max: 1 }, decimals: 0 },
  { parameter: 'cyanide', key: 'cn', name: { en: 'Cyanide as HCN', th: 'ไซยาไนด์ในรูปไฮโดรเจนไซยาไนด์' }, unit: 'mg/L', limit: { max: 0.2 }, decimals: 1 },
  { parameter: 'zinc', key: 'zn', name: { en: 'Zinc (Zn)', th: 'สังกะสี' }, unit: 'mg/L', limit: { max: 5.0 }, decimals: 1 },
  { parameter: 'chromiumHexavalent', key: 'cr6', name: { en: 'Hexavalent chromium (Cr6+)', th: 'โครเมียมชนิดเฮกซะวาเลนท์' }, unit: 'mg/L', limit: { max: 0.25 }, decimals: 2 },
  { parameter: 'chromiumTrivalent', key: 'cr3', name: { en: 'Trivalent chromium (Cr3+)', th: 'โครเมียมชนิดไตรวาเลนท์' }, unit: 'mg/L', limit: { max: 0.75 }, decimals: 2 },
  { parameter: 'arsenic', key: 'as', name: { en: 'Arsenic (As)', th: 'สารหนู' }, unit: 'mg/L', limit: { max: 0.25 }, decimals: 2 },
  { parameter: 'copper', key: 'cu', name: { en: 'Copper (Cu)', th: 'ทองแดง' }, unit: 'mg/L', limit: { max: 2.0 }, decimals: 1 },
  { parameter: 'mercury', key: 'hg', name: { en: 'Mercury (Hg)', th: 'ปรอท' }, unit: 'mg/L', limit: { max: 0.005 }, decimals: 3 },
  { parameter: 'cadmium', key: 'cd', name: { en: 'Cadmium (Cd)', th: 'แคดเมียม' }, unit: 'mg/L', limit: { max: 0.03 }, decimals: 2 },
  { parameter: 'barium', key: 'ba', name: { en: 'Barium (Ba)', th: 'แบเรียม' }, unit: 'mg/L', limit: { max: 1.0 }, decimals: 1 },
  { parameter: 'selenium', key: 'se', name: { en: 'Selenium (Se)', th: 'ซีลีเนียม' }, unit: 'mg/L', limit: { max: 0.02 }, decimals: 2 },
  { parameter: 'lead', key: 'pb', name: { en: 'Lead (Pb)', th: 'ตะกั่ว' }, unit: 'mg/L', limit: { max: 0.2 }, decimals: 1 },
  { parameter: 'nickel', key: 'ni', name: { en: 'Nickel (Ni)', th: 'นิกเกิล' }, unit: 'mg/L', limit: { max: 1.0 }, decimals: 1 },
  { parameter: 'manganese', key: 'mn', name: { en: 'Manganese (Mn)', th: 'แมงกานีส' }, unit: 'mg/L', limit: { max: 5.0 }, decimals: 1 },
];

// ---- buildings of certain types and sizes (§4.1): types A and B VERIFIED, type C UNVERIFIED ----

const BUILDING_SOURCE = cite({
  notification: 'MoSTE notification on effluent standards for buildings of certain types and sizes (B.E. 2537 / 1994), re-issued by MoNRE',
  gazette: '1994, day not in the reference',
  effective: UNDATED,
  section: '§4.1',
  keys: ['ANAMAI-BLDG', 'PCD-CAC-BLDG', 'BSA-BLDG'],
});

function building(type: 'A' | 'B' | 'C', status: SourceStatus): Scheme {
  return {
    idPrefix: 'th-eff-bldg',
    version: 'MoSTE-2537',
    category: 'effluent-building',
    label: { en: 'building effluent', th: 'น้ำทิ้งจากอาคาร' },
    source: BUILDING_SOURCE,
    status,
    buildingType: type,
  };
}

const BUILDING_A_B = (bod: number, ss: number): Row[] => [
  { parameter: 'pH', key: 'ph', name: PH, unit: 'pH', limit: { min: 5, max: 9 }, decimals: 1 },
  { parameter: 'bod', key: 'bod', name: BOD, unit: 'mg/L', limit: { max: bod }, decimals: 0 },
  { parameter: 'suspendedSolids', key: 'ss', name: SS, unit: 'mg/L', limit: { max: ss }, decimals: 0 },
  { parameter: 'settleableSolids', key: 'settleable-solids', name: { en: 'Settleable solids', th: 'สารที่ตกตะกอนได้' }, unit: 'mL/L', limit: { max: 0.5 }, decimals: 1 },
  {
    parameter: 'totalDissolvedSolidsIncrease',
    key: 'tds-increase',
    name: { en: 'Total dissolved solids, increase over the source water', th: 'สารที่ละลายได้ทั้งหมดที่เพิ่มขึ้นจากน้ำใช้' },
    unit: 'mg/L',
    limit: { max: 500 },
    decimals: 0,
  },
  { parameter: 'sulfide', key: 'sulfide', name: SULFIDE, unit: 'mg/L', limit: { max: 1.0 }, decimals: 1 },
  { parameter: 'totalKjeldahlNitrogen', key: 'tkn', name: TKN, unit: 'mg/L', limit: { max: 35 }, decimals: 0 },
  { parameter: 'oilAndGrease', key: 'oil-grease', name: OIL, unit: 'mg/L', limit: { max: 20 }, decimals: 0 },
];

// type C: general knowledge only (the reference's "(U)"), kept flagged; settleable solids and TDS have no value there
const BUILDING_C: Row[] = [
  { parameter: 'pH', key: 'ph', name: PH, unit: 'pH', limit: { min: 5, max: 9 }, decimals: 1 },
  { parameter: 'bod', key: 'bod', name: BOD, unit: 'mg/L', limit: { max: 40 }, decimals: 0 },
  { parameter: 'suspendedSolids', key: 'ss', name: SS, unit: 'mg/L', limit: { max: 50 }, decimals: 0 },
  { parameter: 'sulfide', key: 'sulfide', name: SULFIDE, unit: 'mg/L', limit: { max: 3.0 }, decimals: 1 },
  { parameter: 'totalKjeldahlNitrogen', key: 'tkn', name: TKN, unit: 'mg/L', limit: { max: 40 }, decimals: 0 },
  { parameter: 'oilAndGrease', key: 'oil-grease', name: OIL, unit: 'mg/L', limit: { max: 20 }, decimals: 0 },
];

// ---- housing estates (§4.3), PARTIAL: consultant summary of the notification ----

function housing(type: 'A' | 'B' | 'C'): Scheme {
  return {
    idPrefix: 'th-eff-housing',
    version: 'MoNRE-2021-07-19',
    category: 'effluent-housing',
    label: { en: 'housing-estate effluent', th: 'น้ำทิ้งจากโครงการจัดสรรที่ดิน' },
    source: cite({
      notification: 'MoNRE notification on effluent standards for housing estates (B.E. 2564 / 2021)',
      gazette: '2021-07-19',
      effective: UNDATED,
      section: '§4.3',
      keys: ['ENVILIANCE-HOUSING'],
    }),
    status: 'PARTIAL',
    buildingType: type,
  };
}

const HOUSING_ROWS = (bod: number, tss: number, tds: number): Row[] => [
  { parameter: 'pH', key: 'ph', name: PH, unit: 'pH', limit: { min: 5.5, max: 9.0 }, decimals: 1 },
  { parameter: 'bod', key: 'bod', name: BOD, unit: 'mg/L', limit: { max: bod }, decimals: 0 },
  { parameter: 'suspendedSolids', key: 'ss', name: SS, unit: 'mg/L', limit: { max: tss }, decimals: 0 },
  { parameter: 'totalDissolvedSolids', key: 'tds', name: TDS, unit: 'mg/L', limit: { max: tds }, decimals: 0 },
  { parameter: 'sulfide', key: 'sulfide', name: SULFIDE, unit: 'mg/L', limit: { max: 1.0 }, decimals: 1 },
  { parameter: 'totalKjeldahlNitrogen', key: 'tkn', name: TKN, unit: 'mg/L', limit: { max: 35 }, decimals: 0 },
  { parameter: 'oilAndGrease', key: 'oil-grease', name: OIL, unit: 'mg/L', limit: { max: 20 }, decimals: 0 },
];

export const EFFLUENT_STANDARDS: readonly Standard[] = [
  ...INDUSTRIAL_ROWS.map((r) => standard(INDUSTRIAL, r)),
  ...BUILDING_A_B(20, 30).map((r) => standard(building('A', 'VERIFIED'), r)),
  ...BUILDING_A_B(30, 40).map((r) => standard(building('B', 'VERIFIED'), r)),
  ...BUILDING_C.map((r) => standard(building('C', 'UNVERIFIED'), r)),
  ...HOUSING_ROWS(20, 30, 1000).map((r) => standard(housing('A'), r)),
  ...HOUSING_ROWS(30, 40, 1000).map((r) => standard(housing('B'), r)),
  ...HOUSING_ROWS(40, 50, 1300).map((r) => standard(housing('C'), r)),
];

/**
 * Tap water (reference thai-standards.md §6): Department of Health tap-water criteria (B.E. 2553 / 2010) and the
 * MWA standard where the reference gives only MWA. Each sample is judged on its own.
 */
import { UNDATED_EDITION_FROM } from '../project-choices.ts';
import type { BilingualText, Limit, SourceStatus, Standard } from '../types.ts';
import { EACH_SAMPLE, cite } from './build.ts';

const UNDATED = `start not in the reference (treated as ${UNDATED_EDITION_FROM}), in force`;

const DOH = cite({
  notification: 'Department of Health tap-water quality criteria (B.E. 2553 / 2010)',
  gazette: 'not in the reference',
  effective: UNDATED,
  section: '§6',
  keys: ['ANAMAI-TAP'],
});
const DOH_AND_MWA = cite({
  notification: 'Department of Health tap-water quality criteria (B.E. 2553 / 2010); MWA water quality standard',
  gazette: 'not in the reference',
  effective: UNDATED,
  section: '§6',
  keys: ['ANAMAI-TAP', 'MWA-STD'],
});
const MWA = cite({ notification: 'MWA water quality standard (follows WHO 2006)', gazette: 'not applicable (utility standard)', effective: UNDATED, section: '§6', keys: ['MWA-STD'] });

interface Row {
  id: string;
  parameter: string;
  name: BilingualText;
  unit: string;
  limit: Limit;
  decimals: number;
  version: string;
  source: string;
  status?: SourceStatus;
  notes?: string;
}

function tap(r: Row): Standard {
  return {
    id: r.id,
    version: r.version,
    parameter: r.parameter,
    domain: 'water',
    category: 'tap-water',
    name: { en: `${r.name.en}, tap water`, th: `${r.name.th} น้ำประปา` },
    averaging: EACH_SAMPLE,
    statistic: 'sample',
    limit: r.limit,
    unit: r.unit,
    decimals: r.decimals,
    effectiveFrom: UNDATED_EDITION_FROM,
    source: r.source,
    status: r.status ?? 'VERIFIED',
    ...(r.notes === undefined ? {} : { notes: r.notes }),
  };
}

const DOH_VERSION = 'DoH-2553';
const MWA_VERSION = 'MWA';

export const TAP_WATER_STANDARDS: readonly Standard[] = [
  tap({ id: 'th-tap-ph', parameter: 'pH', name: { en: 'pH', th: 'ความเป็นกรด-ด่าง' }, unit: 'pH', limit: { min: 6.5, max: 8.5 }, decimals: 1, version: DOH_VERSION, source: DOH }),
  tap({ id: 'th-tap-colour', parameter: 'colour', name: { en: 'Colour', th: 'สี' }, unit: 'Pt-Co', limit: { max: 15 }, decimals: 0, version: DOH_VERSION, source: DOH }),
  tap({
    id: 'th-tap-turbidity',
    parameter: 'turbidity',
    name: { en: 'Turbidity', th: 'ความขุ่น' },
    unit: 'NTU',
    limit: { max: 5 },
    decimals: 0,
    version: DOH_VERSION,
    source: DOH_AND_MWA,
    notes: 'A PWA branch page lists 10 NTU (likely an older PWA criterion, [PWA-CHAIYA]); the DoH/MWA 5 NTU is used.',
  }),
  tap({ id: 'th-tap-tds', parameter: 'totalDissolvedSolids', name: { en: 'Total dissolved solids', th: 'สารที่ละลายได้ทั้งหมด' }, unit: 'mg/L', limit: { max: 1000 }, decimals: 0, version: DOH_VERSION, source: DOH_AND_MWA }),
  tap({ id: 'th-tap-hardness', parameter: 'hardness', name: { en: 'Total hardness as CaCO3', th: 'ความกระด้างทั้งหมด' }, unit: 'mg/L', limit: { max: 500 }, decimals: 0, version: DOH_VERSION, source: DOH }),
  tap({ id: 'th-tap-iron', parameter: 'iron', name: { en: 'Iron (Fe)', th: 'เหล็ก' }, unit: 'mg/L', limit: { max: 0.5 }, decimals: 1, version: DOH_VERSION, source: DOH, notes: 'MWA uses < 0.3 mg/L.' }),
  tap({ id: 'th-tap-manganese', parameter: 'manganese', name: { en: 'Manganese (Mn)', th: 'แมงกานีส' }, unit: 'mg/L', limit: { max: 0.3 }, decimals: 1, version: DOH_VERSION, source: DOH, notes: 'MWA uses < 0.4 mg/L.' }),
  tap({ id: 'th-tap-lead', parameter: 'lead', name: { en: 'Lead (Pb)', th: 'ตะกั่ว' }, unit: 'mg/L', limit: { max: 0.01 }, decimals: 2, version: DOH_VERSION, source: DOH }),
  tap({ id: 'th-tap-arsenic', parameter: 'arsenic', name: { en: 'Arsenic (As)', th: 'สารหนู' }, unit: 'mg/L', limit: { max: 0.01 }, decimals: 2, version: DOH_VERSION, source: DOH }),
  tap({ id: 'th-tap-cadmium', parameter: 'cadmium', name: { en: 'Cadmium (Cd)', th: 'แคดเมียม' }, unit: 'mg/L', limit: { max: 0.003 }, decimals: 3, version: DOH_VERSION, source: DOH }),
  tap({ id: 'th-tap-mercury', parameter: 'mercury', name: { en: 'Mercury (Hg)', th: 'ปรอท' }, unit: 'mg/L', limit: { max: 0.001 }, decimals: 3, version: DOH_VERSION, source: DOH }),
  tap({ id: 'th-tap-sulfate', parameter: 'sulfate', name: { en: 'Sulfate', th: 'ซัลเฟต' }, unit: 'mg/L', limit: { max: 250 }, decimals: 0, version: MWA_VERSION, source: MWA }),
  tap({ id: 'th-tap-chloride', parameter: 'chloride', name: { en: 'Chloride', th: 'คลอไรด์' }, unit: 'mg/L', limit: { max: 250 }, decimals: 0, version: MWA_VERSION, source: MWA }),
  tap({ id: 'th-tap-fluoride', parameter: 'fluoride', name: { en: 'Fluoride', th: 'ฟลูออไรด์' }, unit: 'mg/L', limit: { max: 1.5 }, decimals: 1, version: MWA_VERSION, source: MWA }),
  tap({
    id: 'th-tap-free-chlorine-min',
    parameter: 'freeChlorine',
    name: { en: "Free residual chlorine at the consumer's tap (minimum)", th: 'คลอรีนอิสระคงเหลือที่ก๊อกผู้ใช้น้ำ (ค่าต่ำสุด)' },
    unit: 'mg/L',
    limit: { min: 0.2 },
    decimals: 1,
    version: MWA_VERSION,
    source: cite({ notification: 'MWA news on free residual chlorine at homes, 2019-10-10', gazette: 'not applicable (utility statement)', effective: UNDATED, section: '§6', keys: ['MWA-CL'] }),
  }),
  tap({
    id: 'th-tap-free-chlorine-max',
    parameter: 'freeChlorine',
    name: { en: 'Free residual chlorine (upper bound)', th: 'คลอรีนอิสระคงเหลือ (ค่าสูงสุด)' },
    unit: 'mg/L',
    limit: { max: 0.5 },
    decimals: 1,
    version: 'third-party',
    source: cite({ notification: 'widely quoted 0.2-0.5 mg/L range, found only in third-party text', gazette: 'not applicable', effective: UNDATED, section: '§6', keys: ['VAREEPITAK'] }),
    status: 'PARTIAL',
  }),
];

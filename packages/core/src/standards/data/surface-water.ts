/**
 * Surface water quality standard, NEB Notification No. 8 (B.E. 2537 / 1994), classes 2-4 (reference
 * thai-standards.md §3.2). Class 1 is "natural condition" and class 5 has no numeric limits, so neither has entries.
 * DO is a minimum at the 20th percentile, BOD and coliforms maxima at the 80th percentile, over the samples of the
 * last 365 days (project choices "surface-water-window", "percentile-method"); other rows judge each sample.
 */
import { SURFACE_WATER_SAMPLE_WINDOW_MS, UNDATED_EDITION_FROM } from '../project-choices.ts';
import type { Averaging, BilingualText, Limit, SourceStatus, Standard, StandardScope, StandardStatistic, WaterClass } from '../types.ts';
import { EACH_SAMPLE, cite } from './build.ts';

const VERSION = 'NEB-8/2537';

const SOURCE = cite({
  notification: 'NEB Notification No. 8 (B.E. 2537 / 1994), surface water quality standards',
  gazette: 'not in the reference',
  effective: `start not in the reference (treated as ${UNDATED_EDITION_FROM}), in force`,
  section: '§3.2',
  keys: ['HYDROLAW-NEB8', 'WEPA-SW'],
});

const SAMPLE_WINDOW: Averaging = {
  kind: 'sample-window',
  periodMs: SURFACE_WATER_SAMPLE_WINDOW_MS,
  label: { en: 'samples of the last 365 days', th: 'ตัวอย่างในรอบ 365 วัน' },
};

interface Row {
  parameter: string;
  /** id fragment, e.g. 'do' */
  key: string;
  name: BilingualText;
  unit: string;
  decimals: number;
  /** limit per class; classes without a numeric limit are left out */
  limits: Partial<Record<WaterClass, Limit>>;
  percentile?: { statistic: StandardStatistic; p: number };
  status?: SourceStatus;
  scope?: Omit<StandardScope, 'waterClass'>;
  /** id suffix after the class, for rows split by scope */
  idSuffix?: string;
  notes?: string;
}

function rows(r: Row): Standard[] {
  return (Object.entries(r.limits) as [string, Limit][]).map(([cls, limit]) => {
    const waterClass = Number(cls) as WaterClass;
    return {
      id: `th-sw-${r.key}-class${waterClass}${r.idSuffix ?? ''}`,
      version: VERSION,
      parameter: r.parameter,
      domain: 'water',
      category: 'surface-water',
      name: { en: `${r.name.en}, surface water class ${waterClass}`, th: `${r.name.th} แหล่งน้ำผิวดินประเภทที่ ${waterClass}` },
      averaging: r.percentile ? SAMPLE_WINDOW : EACH_SAMPLE,
      statistic: r.percentile ? 'percentile' : 'sample',
      ...(r.percentile ? { percentile: r.percentile.p } : {}),
      limit: limit,
      unit: r.unit,
      decimals: r.decimals,
      effectiveFrom: UNDATED_EDITION_FROM,
      source: SOURCE,
      status: r.status ?? 'VERIFIED',
      scope: { waterClass, ...r.scope },
      ...(r.notes === undefined ? {} : { notes: r.notes }),
    } satisfies Standard;
  });
}

/** the same maximum in classes 2, 3 and 4 (merged cells read "n | value | -" in [WEPA-SW]) */
function classes2to4(max: number): Partial<Record<WaterClass, Limit>> {
  return { 2: { max }, 3: { max }, 4: { max } };
}

const P20 = { statistic: 'percentile', p: 20 } as const;
const P80 = { statistic: 'percentile', p: 80 } as const;

export const SURFACE_WATER_STANDARDS: readonly Standard[] = [
  ...rows({ parameter: 'pH', key: 'ph', name: { en: 'pH', th: 'ความเป็นกรด-ด่าง' }, unit: 'pH', decimals: 1, limits: { 2: { min: 5, max: 9 }, 3: { min: 5, max: 9 }, 4: { min: 5, max: 9 } } }),
  ...rows({
    parameter: 'dissolvedOxygen',
    key: 'do',
    name: { en: 'Dissolved oxygen (minimum, P20)', th: 'ออกซิเจนละลายน้ำ (ค่าต่ำสุด เปอร์เซ็นไทล์ที่ 20)' },
    unit: 'mg/L',
    decimals: 1,
    limits: { 2: { min: 6.0 }, 3: { min: 4.0 }, 4: { min: 2.0 } },
    percentile: P20,
    notes: 'At least 80 % of samples must reach the value; a single reading is indicative only.',
  }),
  ...rows({
    parameter: 'bod',
    key: 'bod',
    name: { en: 'BOD5 at 20 °C (P80)', th: 'บีโอดี (เปอร์เซ็นไทล์ที่ 80)' },
    unit: 'mg/L',
    decimals: 1,
    limits: { 2: { max: 1.5 }, 3: { max: 2.0 }, 4: { max: 4.0 } },
    percentile: P80,
    notes: 'At most 20 % of samples may exceed the value; a single reading is indicative only.',
  }),
  ...rows({ parameter: 'totalColiform', key: 'total-coliform', name: { en: 'Total coliform bacteria (P80)', th: 'แบคทีเรียกลุ่มโคลิฟอร์มทั้งหมด (เปอร์เซ็นไทล์ที่ 80)' }, unit: 'MPN/100 mL', decimals: 0, limits: { 2: { max: 5000 }, 3: { max: 20000 } }, percentile: P80 }),
  ...rows({ parameter: 'fecalColiform', key: 'fecal-coliform', name: { en: 'Fecal coliform bacteria (P80)', th: 'แบคทีเรียกลุ่มฟีคอลโคลิฟอร์ม (เปอร์เซ็นไทล์ที่ 80)' }, unit: 'MPN/100 mL', decimals: 0, limits: { 2: { max: 1000 }, 3: { max: 4000 } }, percentile: P80 }),
  ...rows({ parameter: 'nitrateNitrogen', key: 'no3n', name: { en: 'Nitrate as nitrogen (NO3-N)', th: 'ไนเตรต-ไนโตรเจน' }, unit: 'mg/L', decimals: 1, limits: classes2to4(5.0) }),
  ...rows({ parameter: 'ammoniaNitrogen', key: 'nh3n', name: { en: 'Ammonia as nitrogen (NH3-N)', th: 'แอมโมเนีย-ไนโตรเจน' }, unit: 'mg/L', decimals: 1, limits: classes2to4(0.5) }),
  ...rows({ parameter: 'phenols', key: 'phenols', name: { en: 'Phenols', th: 'ฟีนอล' }, unit: 'mg/L', decimals: 3, limits: classes2to4(0.005) }),
  ...rows({ parameter: 'copper', key: 'cu', name: { en: 'Copper (Cu)', th: 'ทองแดง' }, unit: 'mg/L', decimals: 1, limits: classes2to4(0.1) }),
  ...rows({ parameter: 'nickel', key: 'ni', name: { en: 'Nickel (Ni)', th: 'นิกเกิล' }, unit: 'mg/L', decimals: 1, limits: classes2to4(0.1) }),
  ...rows({ parameter: 'manganese', key: 'mn', name: { en: 'Manganese (Mn)', th: 'แมงกานีส' }, unit: 'mg/L', decimals: 1, limits: classes2to4(1.0) }),
  ...rows({ parameter: 'zinc', key: 'zn', name: { en: 'Zinc (Zn)', th: 'สังกะสี' }, unit: 'mg/L', decimals: 1, limits: classes2to4(1.0) }),
  // 0.005 and 0.05 are both in [WEPA-SW]; which hardness each applies to comes from footnotes not retrieved (UNVERIFIED)
  ...rows({ parameter: 'cadmium', key: 'cd', idSuffix: '-hardness-le100', name: { en: 'Cadmium (Cd), water hardness ≤ 100 mg/L as CaCO3', th: 'แคดเมียม (ความกระด้าง ≤ 100 มก./ล. ในรูป CaCO3)' }, unit: 'mg/L', decimals: 3, limits: classes2to4(0.005), status: 'UNVERIFIED', scope: { hardness: 'le-100-mg-caco3' }, notes: 'Value VERIFIED; the hardness condition (footnote *) is UNVERIFIED (project choice "unverified-values").' }),
  ...rows({ parameter: 'cadmium', key: 'cd', idSuffix: '-hardness-gt100', name: { en: 'Cadmium (Cd), water hardness > 100 mg/L as CaCO3', th: 'แคดเมียม (ความกระด้าง > 100 มก./ล. ในรูป CaCO3)' }, unit: 'mg/L', decimals: 2, limits: classes2to4(0.05), status: 'UNVERIFIED', scope: { hardness: 'gt-100-mg-caco3' }, notes: 'Value VERIFIED; the hardness condition (footnote **) is UNVERIFIED (project choice "unverified-values").' }),
  ...rows({ parameter: 'chromiumHexavalent', key: 'cr6', name: { en: 'Hexavalent chromium (Cr6+)', th: 'โครเมียมชนิดเฮกซะวาเลนท์' }, unit: 'mg/L', decimals: 2, limits: classes2to4(0.05) }),
  ...rows({ parameter: 'lead', key: 'pb', name: { en: 'Lead (Pb)', th: 'ตะกั่ว' }, unit: 'mg/L', decimals: 2, limits: classes2to4(0.05) }),
  ...rows({ parameter: 'mercury', key: 'hg', name: { en: 'Total mercury (Hg)', th: 'ปรอททั้งหมด' }, unit: 'mg/L', decimals: 3, limits: classes2to4(0.002) }),
  ...rows({ parameter: 'arsenic', key: 'as', name: { en: 'Arsenic (As)', th: 'สารหนู' }, unit: 'mg/L', decimals: 2, limits: classes2to4(0.01) }),
  ...rows({ parameter: 'cyanide', key: 'cn', name: { en: 'Cyanide', th: 'ไซยาไนด์' }, unit: 'mg/L', decimals: 3, limits: classes2to4(0.005) }),
];

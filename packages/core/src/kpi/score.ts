/**
 * Scoring as the Smart City certification does (reference smart-city-context.md "How a city is assessed"):
 * a dimension passes at 70 %, the plan overall at 80 %, at least two dimensions with Smart Environment mandatory.
 * How a KPI becomes a percentage is not public (§5): here it is the progress from the city's baseline to its target.
 */
import { roundHalfUp } from '../standards/rounding.ts';
import type { BilingualText } from '../standards/types.ts';
import { DIMENSIONS, DIMENSION_NAMES, type DimensionId, type DimensionResult, type KpiDefinition, type KpiValue, type MissingItem, type RuleResult } from './types.ts';

export const DIMENSION_PASS_PERCENT = 70;
export const OVERALL_PASS_PERCENT = 80;
export const MINIMUM_DIMENSIONS = 2;
export const MANDATORY_DIMENSION: DimensionId = 'environment';

/**
 * 0-100: 100 at or beyond the target, 0 at or behind the baseline, linear in between. Without a baseline the KPI
 * scores 100 when it meets the target and 0 otherwise; without a target or a value it scores 0.
 */
export function kpiScore(def: Pick<KpiDefinition, 'direction' | 'baseline' | 'target'>, value: number | null): number {
  const { direction, baseline, target } = def;
  if (value === null || target === null) return 0;
  const sign = direction === 'higher' ? 1 : -1;
  if (sign * (value - target) >= 0) return 100;
  if (baseline === null || sign * (target - baseline) <= 0) return 0;
  const progress = (sign * (value - baseline)) / (sign * (target - baseline));
  return roundHalfUp(Math.min(1, Math.max(0, progress)) * 100, 1);
}

export function meetsTarget(def: Pick<KpiDefinition, 'direction' | 'target'>, value: number | null): boolean {
  if (value === null || def.target === null) return false;
  return def.direction === 'higher' ? value >= def.target : value <= def.target;
}

/** Weighted mean of the enabled KPIs' scores per dimension; a KPI without enough data scores 0 (never a pass). */
export function scoreDimensions(kpis: readonly KpiValue[]): DimensionResult[] {
  const results: DimensionResult[] = [];
  for (const id of DIMENSIONS) {
    const enabled = kpis.filter((k) => k.dimension === id && k.enabled);
    if (enabled.length === 0) continue;
    const weights = enabled.reduce((n, k) => n + k.weight, 0);
    const score = weights > 0 ? roundHalfUp(enabled.reduce((n, k) => n + k.weight * k.score, 0) / weights, 1) : 0;
    results.push({ id, name: DIMENSION_NAMES[id], score, passThreshold: DIMENSION_PASS_PERCENT, passed: score >= DIMENSION_PASS_PERCENT, kpis: enabled.map((k) => k.id) });
  }
  return results;
}

export function overallScore(dimensions: readonly DimensionResult[]): { score: number; passThreshold: number; passed: boolean } {
  const score = dimensions.length > 0 ? roundHalfUp(dimensions.reduce((n, d) => n + d.score, 0) / dimensions.length, 1) : 0;
  return { score, passThreshold: OVERALL_PASS_PERCENT, passed: score >= OVERALL_PASS_PERCENT };
}

export function certificationRules(dimensions: readonly DimensionResult[], overall: { score: number; passed: boolean }): RuleResult[] {
  const passing = dimensions.filter((d) => d.passed);
  const environment = dimensions.find((d) => d.id === MANDATORY_DIMENSION);
  return [
    {
      id: 'environment-mandatory',
      description: { en: 'Smart Environment is assessed and passes (mandatory dimension)', th: 'ด้านสิ่งแวดล้อมอัจฉริยะได้รับการประเมินและผ่านเกณฑ์ (ด้านบังคับ)' },
      passed: environment?.passed ?? false,
    },
    {
      id: 'minimum-dimensions',
      description: { en: `At least ${MINIMUM_DIMENSIONS} dimensions pass (${passing.length} do)`, th: `ผ่านเกณฑ์อย่างน้อย ${MINIMUM_DIMENSIONS} ด้าน (ผ่าน ${passing.length} ด้าน)` },
      passed: passing.length >= MINIMUM_DIMENSIONS,
    },
    {
      id: 'dimension-threshold',
      description: { en: `Every assessed dimension scores at least ${DIMENSION_PASS_PERCENT} %`, th: `ทุกด้านที่ประเมินได้คะแนนอย่างน้อยร้อยละ ${DIMENSION_PASS_PERCENT}` },
      passed: dimensions.length > 0 && dimensions.every((d) => d.passed),
    },
    {
      id: 'overall-threshold',
      description: { en: `The plan overall scores at least ${OVERALL_PASS_PERCENT} % (${overall.score} %)`, th: `คะแนนรวมอย่างน้อยร้อยละ ${OVERALL_PASS_PERCENT} (ได้ร้อยละ ${overall.score})` },
      passed: overall.passed,
    },
  ];
}

function fmt(value: number | null, unit: string): string {
  return value === null ? '—' : `${value} ${unit}`;
}

/**
 * What stands between the city and a pass, most useful first: rule and threshold gaps, then the KPIs of the
 * failing dimensions (or of all dimensions when the overall score fails) by the points reaching their target would add.
 */
export function missingToPass(kpis: readonly KpiValue[], dimensions: readonly DimensionResult[], overall: { score: number; passed: boolean }): MissingItem[] {
  const items: MissingItem[] = [];
  const environment = dimensions.find((d) => d.id === MANDATORY_DIMENSION);
  if (!environment) {
    items.push({ kind: 'environment-missing', dimension: 'environment', message: { en: 'Smart Environment is mandatory: enable its KPIs in the city catalog and register air-quality, water, noise or waste devices.', th: 'ด้านสิ่งแวดล้อมอัจฉริยะเป็นด้านบังคับ: เปิดใช้ตัวชี้วัดและลงทะเบียนอุปกรณ์ตรวจวัด' } });
  }
  const passing = dimensions.filter((d) => d.passed).length;
  if (passing < MINIMUM_DIMENSIONS) {
    const hasEnergy = dimensions.some((d) => d.id === 'energy');
    items.push({
      kind: 'too-few-dimensions',
      message: {
        en: `At least ${MINIMUM_DIMENSIONS} dimensions must pass; ${passing} ${passing === 1 ? 'does' : 'do'}.${hasEnergy ? '' : ' Smart Energy is the usual second dimension: register energy meters and enable its KPIs.'}`,
        th: `ต้องผ่านเกณฑ์อย่างน้อย ${MINIMUM_DIMENSIONS} ด้าน ขณะนี้ผ่าน ${passing} ด้าน${hasEnergy ? '' : ' ด้านพลังงานอัจฉริยะมักเป็นด้านที่สอง: ลงทะเบียนมิเตอร์ไฟฟ้าและเปิดใช้ตัวชี้วัด'}`,
      },
    });
  }
  for (const d of dimensions) {
    if (d.passed) continue;
    const gap = roundHalfUp(DIMENSION_PASS_PERCENT - d.score, 1);
    items.push({ kind: 'dimension-below-threshold', dimension: d.id, gainPoints: gap, message: { en: `${d.name.en} scores ${d.score} %; it needs ${DIMENSION_PASS_PERCENT} % (${gap} points more).`, th: `${d.name.th} ได้คะแนนร้อยละ ${d.score} ต้องได้อย่างน้อยร้อยละ ${DIMENSION_PASS_PERCENT} (ขาดอีก ${gap} คะแนน)` } });
  }
  if (!overall.passed) {
    const gap = roundHalfUp(OVERALL_PASS_PERCENT - overall.score, 1);
    items.push({ kind: 'overall-below-threshold', gainPoints: gap, message: { en: `The plan overall scores ${overall.score} %; it needs ${OVERALL_PASS_PERCENT} % (${gap} points more).`, th: `คะแนนรวมร้อยละ ${overall.score} ต้องได้อย่างน้อยร้อยละ ${OVERALL_PASS_PERCENT} (ขาดอีก ${gap} คะแนน)` } });
  }
  if (items.length === 0) return items;
  const focus = new Set(overall.passed ? dimensions.filter((d) => !d.passed).map((d) => d.id) : dimensions.map((d) => d.id));
  const kpiItems: MissingItem[] = [];
  for (const d of dimensions) {
    if (!focus.has(d.id)) continue;
    const enabled = kpis.filter((k) => k.dimension === d.id && k.enabled);
    const weights = enabled.reduce((n, k) => n + k.weight, 0);
    for (const k of enabled) {
      if (k.score >= 100) continue;
      const gainPoints = weights > 0 ? roundHalfUp(((100 - k.score) * k.weight) / weights, 1) : 0;
      kpiItems.push({ ...kpiAction(k), dimension: d.id, kpiId: k.id, gainPoints });
    }
  }
  kpiItems.sort((a, b) => (b.gainPoints ?? 0) - (a.gainPoints ?? 0) || ((a.kpiId ?? '') < (b.kpiId ?? '') ? -1 : 1));
  return [...items, ...kpiItems];
}

function kpiAction(k: KpiValue): { kind: MissingItem['kind']; message: BilingualText } {
  if (k.status === 'insufficient_data') {
    const why = k.notes[0] ?? { en: 'not enough valid data', th: 'ข้อมูลไม่เพียงพอ' };
    return { kind: 'insufficient-data', message: { en: `${k.name.en}: insufficient data. ${why.en}`, th: `${k.name.th}: ข้อมูลไม่เพียงพอ ${why.th}` } };
  }
  if (k.target === null || (k.baseline === null && !k.met)) {
    return {
      kind: 'not-configured',
      message: {
        en: `${k.name.en} is ${fmt(k.value, k.unit)} but has no ${k.target === null ? 'target' : 'baseline'} for this city: set it in the city KPI catalog (PUT /assessment/{city}/kpis).`,
        th: `${k.name.th} มีค่า ${fmt(k.value, k.unit)} แต่ยังไม่ได้กำหนด${k.target === null ? 'เป้าหมาย' : 'ค่าฐาน'}ของเมือง`,
      },
    };
  }
  const verb = k.direction === 'higher' ? { en: 'raise', th: 'เพิ่ม' } : { en: 'lower', th: 'ลด' };
  return {
    kind: 'below-target',
    message: {
      en: `${k.name.en}: ${verb.en} from ${fmt(k.value, k.unit)} to the target ${fmt(k.target, k.unit)} (now scores ${k.score} of 100).`,
      th: `${k.name.th}: ${verb.th}จาก ${fmt(k.value, k.unit)} ให้ถึงเป้าหมาย ${fmt(k.target, k.unit)} (คะแนนปัจจุบัน ${k.score} จาก 100)`,
    },
  };
}

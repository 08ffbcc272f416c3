import type { BilingualText } from '../standards/types.ts';
import type { Domain, RollupRow } from '../types.ts';

/** The seven Smart City dimensions (Thai Smart City programme, reference smart-city-context.md). */
export const DIMENSIONS = ['environment', 'energy', 'mobility', 'economy', 'governance', 'living', 'people'] as const;
export type DimensionId = (typeof DIMENSIONS)[number];

export const DIMENSION_NAMES: Readonly<Record<DimensionId, BilingualText>> = {
  environment: { en: 'Smart Environment', th: 'สิ่งแวดล้อมอัจฉริยะ' },
  energy: { en: 'Smart Energy', th: 'พลังงานอัจฉริยะ' },
  mobility: { en: 'Smart Mobility', th: 'การเดินทางและขนส่งอัจฉริยะ' },
  economy: { en: 'Smart Economy', th: 'เศรษฐกิจอัจฉริยะ' },
  governance: { en: 'Smart Governance', th: 'การบริหารภาครัฐอัจฉริยะ' },
  living: { en: 'Smart Living', th: 'การดำรงชีวิตอัจฉริยะ' },
  people: { en: 'Smart People', th: 'พลเมืองอัจฉริยะ' },
};

export type KpiGroup = 'air' | 'water' | 'noise' | 'waste' | 'monitoring' | 'energy';

export const KPI_GROUP_NAMES: Readonly<Record<KpiGroup, BilingualText>> = {
  air: { en: 'Air quality', th: 'คุณภาพอากาศ' },
  water: { en: 'Surface water', th: 'คุณภาพน้ำผิวดิน' },
  noise: { en: 'Noise', th: 'ระดับเสียง' },
  waste: { en: 'Waste collection', th: 'การจัดเก็บขยะ' },
  monitoring: { en: 'Monitoring and response', th: 'การติดตามและตอบสนอง' },
  energy: { en: 'Energy', th: 'พลังงาน' },
};

/** Every KPI the platform knows how to compute; a catalog entry picks one of these and sets its targets. */
export const KPI_IDS = [
  'air.pm25-station-days',
  'air.aqi-days',
  'air.pm25-annual-mean',
  'air.measurements-within-standard',
  'water.samples-within-class',
  'noise.days-within-standard',
  'waste.on-time-collection',
  'waste.overflow-events',
  'monitoring.stations',
  'monitoring.data-completeness',
  'monitoring.uptime',
  'monitoring.alert-acknowledgement',
  'energy.consumption-vs-baseline',
  'energy.per-capita',
  'energy.renewable-share',
  'energy.peak-demand',
] as const;
export type KpiId = (typeof KPI_IDS)[number];

export function isKpiId(value: unknown): value is KpiId {
  return typeof value === 'string' && (KPI_IDS as readonly string[]).includes(value);
}

/** 'higher': larger values are better (e.g. % of days within standard); 'lower': smaller are better. */
export type KpiDirection = 'higher' | 'lower';

/** One KPI of a city's catalog: what is measured, how it is scored. */
export interface KpiDefinition {
  id: KpiId;
  dimension: DimensionId;
  group: KpiGroup;
  name: BilingualText;
  unit: string;
  direction: KpiDirection;
  /**
   * the starting point of the plan: the value that scores 0 (progress from baseline to target scores 0-100);
   * null = not set for this city (the KPI cannot be scored until it is)
   */
  baseline: number | null;
  /** the value that scores 100; null = not set for this city */
  target: number | null;
  /** relative weight inside its dimension (> 0; a disabled KPI does not count) */
  weight: number;
  /** how the value is computed, shown with every value */
  method: BilingualText;
  /** standards the value is judged against (ids; the versions used are reported with the value) */
  standardIds: string[];
  enabled: boolean;
}

/** City facts and data settings the KPIs need besides telemetry. */
export interface KpiInputs {
  /** registered population, for per-capita KPIs; null = unknown */
  population: number | null;
  /** how often devices of each domain are expected to report, in seconds (daily completeness = readings / expected) */
  reportingIntervalSeconds: Record<Domain, number>;
  /** reference consumption in kWh per day; null = the same period one year earlier, from the stored history */
  energyBaselineKwhPerDay: number | null;
  /** reference peak demand in kW; null = the same period one year earlier */
  energyBaselinePeakKw: number | null;
  /** a bin-day is "collected on time" when its highest filling level stays below this (%) */
  wasteFullPercent: number;
  /** a bin-day whose filling level reaches this (%) is an overflow event (the waste.overflow rule fires at the same level) */
  wasteOverflowPercent: number;
}

export interface KpiCatalog {
  inputs: KpiInputs;
  kpis: KpiDefinition[];
}

/** A city's changes to the default catalog (stored per city in the StateStore). */
export interface KpiOverride {
  baseline?: number | null;
  target?: number | null;
  direction?: KpiDirection;
  weight?: number;
  method?: BilingualText;
  enabled?: boolean;
}

export interface KpiCatalogOverrides {
  inputs?: Partial<Omit<KpiInputs, 'reportingIntervalSeconds'>> & { reportingIntervalSeconds?: Partial<Record<Domain, number>> };
  kpis?: Partial<Record<KpiId, KpiOverride>>;
}

/** Inclusive Asia/Bangkok calendar days, 'YYYY-MM-DD'. */
export interface AssessmentPeriod {
  from: string;
  to: string;
}

export interface AssessmentSite {
  id: string;
  name: string;
  nameTh: string | null;
  waterClass: number | null;
}

export interface AssessmentDevice {
  id: string;
  siteId: string;
  domain: Domain;
  name: string | null;
  status: 'active' | 'revoked';
  /** epoch ms; the device is expected to report from the Asia/Bangkok day it was registered */
  createdAt: number;
}

/** One alert as the acknowledgement-time KPI needs it. */
export interface AlertAckRecord {
  raisedAt: number;
  /** null while unacknowledged */
  acknowledgedAt: number | null;
}

export interface AssessmentInput {
  city: { id: string; name: string; nameTh: string | null };
  period: AssessmentPeriod;
  sites: AssessmentSite[];
  devices: AssessmentDevice[];
  /** daily ('1d') rollups of the city over the period */
  daily: RollupRow[];
  /** hourly ('1h') rollups for the device-days named by hourlyNeeds() */
  hourly: RollupRow[];
  /** daily energy rollups of the reference period (one year earlier); undefined when not loaded */
  energyReference?: RollupRow[];
  /** alerts raised in the period; undefined when no alert source is available */
  alerts?: AlertAckRecord[];
}

export type KpiStatus = 'ok' | 'insufficient_data';

/** A standard edition a value was judged against. */
export interface StandardUse {
  id: string;
  version: string;
  limit: { min?: number; max?: number };
  unit: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  /** Asia/Bangkok days of the period judged with this edition */
  days: number;
}

export interface KpiValue {
  id: KpiId;
  dimension: DimensionId;
  group: KpiGroup;
  name: BilingualText;
  unit: string;
  direction: KpiDirection;
  baseline: number | null;
  target: number | null;
  weight: number;
  method: BilingualText;
  /** a disabled KPI is computed and shown but does not count in the score */
  enabled: boolean;
  status: KpiStatus;
  /** null when status is insufficient_data */
  value: number | null;
  /** 0-100: progress from baseline to target; 0 when the value is missing or the KPI cannot be scored */
  score: number;
  /** value reaches the target */
  met: boolean;
  /** share (0-1) of the expected data that was present and valid */
  completeness: number;
  standards: StandardUse[];
  /** why the status is insufficient_data, or a caveat on the value (e.g. a period shorter than a year) */
  notes: BilingualText[];
  /** the numbers behind the value (counts, means, per-station figures) */
  details: Record<string, unknown>;
}

export interface DimensionResult {
  id: DimensionId;
  name: BilingualText;
  score: number;
  passThreshold: number;
  passed: boolean;
  /** enabled KPIs of the dimension */
  kpis: KpiId[];
}

export interface RuleResult {
  id: 'minimum-dimensions' | 'environment-mandatory' | 'dimension-threshold' | 'overall-threshold';
  description: BilingualText;
  passed: boolean;
}

export type MissingKind = 'insufficient-data' | 'not-configured' | 'below-target' | 'dimension-below-threshold' | 'overall-below-threshold' | 'too-few-dimensions' | 'environment-missing';

/** One thing to do to pass, ordered by how much it helps. */
export interface MissingItem {
  kind: MissingKind;
  dimension?: DimensionId;
  kpiId?: KpiId;
  /** dimension score points gained if the KPI reached its target */
  gainPoints?: number;
  message: BilingualText;
}

/** One row of the city's daily series (evidence charts); null where the day has no valid data. */
export interface CityDay {
  date: string;
  /** mean over stations of their valid daily PM2.5 means, µg/m³ */
  pm25Mean: number | null;
  pm25Max: number | null;
  pm25Limit: number;
  pm25StandardVersion: string;
  pm25StationsValid: number;
  pm25StationsWithin: number;
  /** worst station AQI (project choice "city-aqi") */
  aqi: number | null;
  aqiPollutant: string | null;
  noiseStationsValid: number;
  noiseStationsWithin: number;
  /** the loudest station's Leq 24 h where one is known (days decided by bounds have none), dBA */
  noiseLeqMax: number | null;
  /** the noise standard's limit that day (Leq 24 h), when a station had a valid day */
  noiseLimit: number | null;
  waterSamplesValid: number;
  waterSamplesWithin: number;
  binsValid: number;
  binsOnTime: number;
  binsOverflowing: number;
  metersValid: number;
  energyKwh: number | null;
  solarKwh: number | null;
  peakKw: number | null;
  /** readings received / expected over all devices expected that day, 0-1 */
  completeness: number;
  devicesExpected: number;
  devicesReporting: number;
}

export interface CityAssessment {
  city: { id: string; name: string; nameTh: string | null };
  period: AssessmentPeriod & { days: number };
  kpis: KpiValue[];
  dimensions: DimensionResult[];
  overall: { score: number; passThreshold: number; passed: boolean };
  rules: RuleResult[];
  /** every rule passed */
  passed: boolean;
  missing: MissingItem[];
  inputs: KpiInputs;
  series: CityDay[];
  /** project choices the values depend on (ids of PROJECT_CHOICES and KPI_CHOICES) */
  choices: string[];
}

/**
 * Thai AQI (PCD): five bands and the breakpoint tables, by date (reference thai-standards.md §2).
 * Units and averaging are the catalog's canonical ones, which are also the table's: µg/m³ for PM, ppb for O3/NO2/SO2,
 * ppm for CO.
 */
import { AQI_PALETTE, UNDATED_EDITION_FROM, type AqiColour } from '../project-choices.ts';
import type { BilingualText, SourceStatus } from '../types.ts';
import { ROLLING_1H, ROLLING_24H, ROLLING_8H } from './build.ts';

/** In sub-index order: on a tie the first listed is the responsible pollutant. */
export const AQI_POLLUTANTS = ['pm25', 'pm10', 'o3', 'co', 'no2', 'so2'] as const;
export type AqiPollutant = (typeof AQI_POLLUTANTS)[number];

export function isAqiPollutant(value: unknown): value is AqiPollutant {
  return typeof value === 'string' && (AQI_POLLUTANTS as readonly string[]).includes(value);
}

export interface AqiBandDefinition {
  level: 1 | 2 | 3 | 4 | 5;
  minAqi: number;
  /** absent for the open red band (> 200) */
  maxAqi?: number;
  name: BilingualText;
  colour: AqiColour;
}

function colour(level: AqiBandDefinition['level']): AqiColour {
  return AQI_PALETTE.find((c) => c.band === level) as AqiColour;
}

/** Ranges, Thai names and colour names [SUT-AQI]; English after [THAIPBS]; RGB per project choice "aqi-palette". */
export const AQI_BANDS: readonly AqiBandDefinition[] = [
  { level: 1, minAqi: 0, maxAqi: 25, name: { en: 'Very good', th: 'คุณภาพอากาศดีมาก' }, colour: colour(1) },
  { level: 2, minAqi: 26, maxAqi: 50, name: { en: 'Good', th: 'คุณภาพอากาศดี' }, colour: colour(2) },
  { level: 3, minAqi: 51, maxAqi: 100, name: { en: 'Moderate', th: 'ปานกลาง' }, colour: colour(3) },
  { level: 4, minAqi: 101, maxAqi: 200, name: { en: 'Starting to affect health', th: 'เริ่มมีผลกระทบต่อสุขภาพ' }, colour: colour(4) },
  { level: 5, minAqi: 201, name: { en: 'Affects health', th: 'มีผลกระทบต่อสุขภาพ' }, colour: colour(5) },
];

/** One band of one pollutant: concentrations [cLow, cHigh] map linearly onto AQI [iLow, iHigh]. */
export interface AqiBreakpoint {
  cLow: number;
  /** absent for the open red band */
  cHigh?: number;
  iLow: number;
  iHigh?: number;
}

export interface AqiPollutantRow {
  pollutant: AqiPollutant;
  unit: string;
  /** rolling window the concentration is averaged over */
  averagingMs: number;
  averagingLabel: BilingualText;
  /** resolution of the breakpoints: concentrations are rounded half-up to this many decimals first */
  decimals: number;
  breakpoints: readonly AqiBreakpoint[];
  status: SourceStatus;
}

export interface AqiTable {
  id: string;
  version: string;
  /** first Asia/Bangkok day in force */
  effectiveFrom: string;
  /** last day in force (inclusive); absent while in force */
  effectiveTo?: string;
  rows: Readonly<Record<AqiPollutant, AqiPollutantRow>>;
  source: string;
  status: SourceStatus;
}

const AQI_LEVELS: readonly [number, number][] = [
  [0, 25],
  [26, 50],
  [51, 100],
  [101, 200],
];

/** `edges` = [cLow, cHigh] of the four closed bands, then the first concentration of the open red band */
function breakpoints(edges: readonly [number, number][], redFrom: number): AqiBreakpoint[] {
  const closed = edges.map(([cLow, cHigh], i) => {
    const [iLow, iHigh] = AQI_LEVELS[i] as [number, number];
    return { cLow, cHigh, iLow, iHigh };
  });
  return [...closed, { cLow: redFrom, iLow: 201 }];
}

type RowSpec = Omit<AqiPollutantRow, 'averagingMs' | 'averagingLabel' | 'breakpoints'> & {
  averaging: { periodMs?: number; label: BilingualText };
  edges: readonly [number, number][];
  redFrom: number;
};

function row(spec: RowSpec): AqiPollutantRow {
  const { averaging, edges, redFrom, ...rest } = spec;
  return { ...rest, averagingMs: averaging.periodMs as number, averagingLabel: averaging.label, breakpoints: breakpoints(edges, redFrom) };
}

// rows identical in both tables (2023 table [GH-KONG-DEF]; the 2023 revision changed PM2.5 only [THGOV-AQI])
const PM10 = row({ pollutant: 'pm10', unit: 'µg/m³', averaging: ROLLING_24H, decimals: 0, edges: [[0, 50], [51, 80], [81, 120], [121, 180]], redFrom: 181, status: 'VERIFIED' });
const O3 = row({ pollutant: 'o3', unit: 'ppb', averaging: ROLLING_8H, decimals: 0, edges: [[0, 35], [36, 50], [51, 70], [71, 120]], redFrom: 121, status: 'VERIFIED' });
const CO = row({ pollutant: 'co', unit: 'ppm', averaging: ROLLING_8H, decimals: 1, edges: [[0, 4.4], [4.5, 6.4], [6.5, 9.0], [9.1, 30.0]], redFrom: 30.1, status: 'VERIFIED' });
const NO2 = row({ pollutant: 'no2', unit: 'ppb', averaging: ROLLING_1H, decimals: 0, edges: [[0, 60], [61, 106], [107, 170], [171, 340]], redFrom: 341, status: 'VERIFIED' });
const SO2 = row({ pollutant: 'so2', unit: 'ppb', averaging: ROLLING_1H, decimals: 0, edges: [[0, 100], [101, 200], [201, 300], [301, 400]], redFrom: 401, status: 'VERIFIED' });

/** Before 2023-06-01: PM2.5 0-25/26-37/38-50/51-90/91+ (integers); the gas rows are PARTIAL (unnamed code only, §2.3). */
export const THAI_AQI_TABLE_PRE_2023: AqiTable = {
  id: 'th-aqi',
  version: 'pre-2023',
  effectiveFrom: UNDATED_EDITION_FROM,
  effectiveTo: '2023-05-31',
  rows: {
    pm25: row({ pollutant: 'pm25', unit: 'µg/m³', averaging: ROLLING_24H, decimals: 0, edges: [[0, 25], [26, 37], [38, 50], [51, 90]], redFrom: 91, status: 'VERIFIED' }),
    pm10: PM10,
    o3: { ...O3, status: 'PARTIAL' },
    co: { ...CO, status: 'PARTIAL' },
    no2: { ...NO2, status: 'PARTIAL' },
    so2: { ...SO2, status: 'PARTIAL' },
  },
  source:
    'PCD Thai AQI, five-level PM2.5 table in use before the 2023 revision; Royal Gazette: not in the reference; effective: start UNVERIFIED (about 2018), until 2023-05-31; ' +
    'thai-standards.md §2.3 [CMU-CALC] [KU-AQ] [PRD] [GH-KONG-FN]',
  status: 'PARTIAL',
};

/** From 2023-06-01: PM2.5 aligned with the 37.5 µg/m³ standard, red from 75.1 µg/m³ (§2.2). */
export const THAI_AQI_TABLE_2023: AqiTable = {
  id: 'th-aqi',
  version: '2023-06-01',
  effectiveFrom: '2023-06-01',
  rows: {
    pm25: row({ pollutant: 'pm25', unit: 'µg/m³', averaging: ROLLING_24H, decimals: 1, edges: [[0, 15.0], [15.1, 25.0], [25.1, 37.5], [37.6, 75.0]], redFrom: 75.1, status: 'VERIFIED' }),
    pm10: PM10,
    o3: O3,
    co: CO,
    no2: NO2,
    so2: SO2,
  },
  source:
    'PCD Thai AQI criteria adjusted 2023 (PCD notification PDF not read); Royal Gazette: not in the reference; effective: from 2023-06-01; ' +
    'thai-standards.md §2.2 [GH-KONG-DEF] [THGOV-AQI] [NATION-2023]',
  status: 'VERIFIED',
};

/** Oldest first; editions tile the calendar (the six-level index used before about 2018 is not implemented). */
export const THAI_AQI_TABLES: readonly AqiTable[] = [THAI_AQI_TABLE_PRE_2023, THAI_AQI_TABLE_2023];

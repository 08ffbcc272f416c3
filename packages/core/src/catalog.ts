import type { Domain } from './types.ts';

/**
 * The sensor catalog: every parameter a device may send, per domain, with its canonical unit.
 * Names follow FIWARE Smart Data Models (AirQualityObserved, WaterQualityObserved, ACMeasurement,
 * WasteContainer) where one exists; `bod`, `waterLevel`, `noise`, `solarPower`,
 * `solarEnergyGenerated`, `weight` and `lidOpen` are our own (the models have no such field or
 * spell it differently, e.g. WasteContainer's `cargoWeight` and `status: lidOpen`).
 */
export interface ParameterSpec {
  /** 'pm25' */
  name: string;
  /** where it may appear */
  domains: Domain[];
  /** canonical unit symbol (see units.ts); '' for true/false flags */
  unit: string;
  label: { en: string; th: string };
  /** plausible range in the canonical unit; a value outside it is rejected as implausible */
  range: { min: number; max: number };
  /** 'boolean' accepts true/false/0/1 and is stored as 0/1 */
  kind: 'number' | 'boolean';
  /** canonical symbols of the units a payload may declare (the canonical unit included); converted at ingest */
  acceptedUnits: string[];
  /** display precision */
  decimals: number;
  /** monotonic counter (energy import): rates come from differences, not from the values themselves */
  counter?: boolean;
  /**
   * a sound level in decibels: averages are energy means (Leq = 10·log10(mean(10^(L/10)))), not arithmetic ones, so
   * rollups of it carry `leq` beside the arithmetic mean
   */
  energyAveraged?: boolean;
  description?: string;
}

const GAS_UNITS = ['ppb', 'ppm', 'µg/m³', 'mg/m³'];
const TEMPERATURE_UNITS = ['°C', '°F', 'K'];
const POWER_UNITS = ['kW', 'W', 'MW'];
const ENERGY_UNITS = ['kWh', 'Wh', 'MWh'];

export const CATALOG: readonly ParameterSpec[] = Object.freeze([
  // ---- air (FIWARE AirQualityObserved) ----
  {
    name: 'pm25',
    domains: ['air'],
    unit: 'µg/m³',
    label: { en: 'PM2.5', th: 'ฝุ่นละอองขนาดไม่เกิน 2.5 ไมครอน (PM2.5)' },
    range: { min: 0, max: 1000 },
    kind: 'number',
    acceptedUnits: ['µg/m³', 'mg/m³'],
    decimals: 1,
    description: 'Particulate matter up to 2.5 µm; Thai 24 h standard 37.5 µg/m³ since 2023-06-01.',
  },
  {
    name: 'pm10',
    domains: ['air'],
    unit: 'µg/m³',
    label: { en: 'PM10', th: 'ฝุ่นละอองขนาดไม่เกิน 10 ไมครอน (PM10)' },
    range: { min: 0, max: 2000 },
    kind: 'number',
    acceptedUnits: ['µg/m³', 'mg/m³'],
    decimals: 1,
    description: 'Particulate matter up to 10 µm; Thai 24 h standard 120 µg/m³.',
  },
  {
    name: 'o3',
    domains: ['air'],
    unit: 'ppb',
    label: { en: 'Ozone (O₃)', th: 'ก๊าซโอโซน (O₃)' },
    range: { min: 0, max: 1000 },
    kind: 'number',
    acceptedUnits: GAS_UNITS,
    decimals: 0,
  },
  {
    name: 'no2',
    domains: ['air'],
    unit: 'ppb',
    label: { en: 'Nitrogen dioxide (NO₂)', th: 'ก๊าซไนโตรเจนไดออกไซด์ (NO₂)' },
    range: { min: 0, max: 2000 },
    kind: 'number',
    acceptedUnits: GAS_UNITS,
    decimals: 0,
  },
  {
    name: 'so2',
    domains: ['air'],
    unit: 'ppb',
    label: { en: 'Sulphur dioxide (SO₂)', th: 'ก๊าซซัลเฟอร์ไดออกไซด์ (SO₂)' },
    range: { min: 0, max: 2000 },
    kind: 'number',
    acceptedUnits: GAS_UNITS,
    decimals: 0,
  },
  {
    name: 'co',
    domains: ['air'],
    unit: 'ppm',
    label: { en: 'Carbon monoxide (CO)', th: 'ก๊าซคาร์บอนมอนอกไซด์ (CO)' },
    range: { min: 0, max: 500 },
    kind: 'number',
    acceptedUnits: GAS_UNITS,
    decimals: 2,
  },
  {
    name: 'temperature',
    domains: ['air', 'water'],
    unit: '°C',
    label: { en: 'Temperature', th: 'อุณหภูมิ' },
    range: { min: -30, max: 70 },
    kind: 'number',
    acceptedUnits: TEMPERATURE_UNITS,
    decimals: 1,
    description: 'Ambient air or water temperature.',
  },
  {
    name: 'humidity',
    domains: ['air'],
    unit: '%',
    label: { en: 'Relative humidity', th: 'ความชื้นสัมพัทธ์' },
    range: { min: 0, max: 100 },
    kind: 'number',
    // FIWARE relativeHumidity is a 0-1 fraction: declare unit '1' to send it that way
    acceptedUnits: ['%', '1'],
    decimals: 0,
  },
  {
    name: 'noise',
    domains: ['air'],
    unit: 'dBA',
    label: { en: 'Noise level', th: 'ระดับเสียง' },
    range: { min: 0, max: 140 },
    kind: 'number',
    acceptedUnits: ['dBA'],
    decimals: 1,
    energyAveraged: true,
    description: 'A-weighted sound level; Thai general standard Leq 24 h ≤ 70 dBA.',
  },
  // ---- water (FIWARE WaterQualityObserved, extended with BOD and level) ----
  {
    name: 'pH',
    domains: ['water'],
    unit: 'pH',
    label: { en: 'pH', th: 'ความเป็นกรด-ด่าง (pH)' },
    range: { min: 0, max: 14 },
    kind: 'number',
    acceptedUnits: ['pH'],
    decimals: 2,
  },
  {
    name: 'dissolvedOxygen',
    domains: ['water'],
    unit: 'mg/L',
    label: { en: 'Dissolved oxygen (DO)', th: 'ออกซิเจนละลายน้ำ (DO)' },
    range: { min: 0, max: 25 },
    kind: 'number',
    acceptedUnits: ['mg/L', 'µg/L'],
    decimals: 2,
  },
  {
    name: 'bod',
    domains: ['water'],
    unit: 'mg/L',
    label: { en: 'Biochemical oxygen demand (BOD)', th: 'บีโอดี (BOD)' },
    range: { min: 0, max: 1000 },
    kind: 'number',
    acceptedUnits: ['mg/L'],
    decimals: 1,
    description: 'Not in the FIWARE model; Thai surface-water classes need it.',
  },
  {
    name: 'turbidity',
    domains: ['water'],
    unit: 'NTU',
    label: { en: 'Turbidity', th: 'ความขุ่น' },
    range: { min: 0, max: 4000 },
    kind: 'number',
    acceptedUnits: ['NTU'],
    decimals: 1,
  },
  {
    name: 'conductivity',
    domains: ['water'],
    unit: 'µS/cm',
    label: { en: 'Electrical conductivity', th: 'ค่าการนำไฟฟ้า' },
    range: { min: 0, max: 200_000 },
    kind: 'number',
    // FIWARE uses S/m
    acceptedUnits: ['µS/cm', 'mS/cm', 'S/m', 'mS/m'],
    decimals: 0,
  },
  {
    name: 'waterLevel',
    domains: ['water'],
    unit: 'm',
    label: { en: 'Water level', th: 'ระดับน้ำ' },
    range: { min: -50, max: 500 },
    kind: 'number',
    acceptedUnits: ['m', 'cm', 'mm'],
    decimals: 2,
    description: "Level above the station's datum (gauge zero or mean sea level); negative below it.",
  },
  // ---- energy (FIWARE ACMeasurement, plus solar generation) ----
  {
    name: 'activePower',
    domains: ['energy'],
    unit: 'kW',
    label: { en: 'Active power', th: 'กำลังไฟฟ้าจริง' },
    range: { min: -100_000, max: 100_000 },
    kind: 'number',
    acceptedUnits: POWER_UNITS,
    decimals: 2,
    description: 'Negative when the site exports to the grid.',
  },
  {
    name: 'totalActiveEnergyImport',
    domains: ['energy'],
    unit: 'kWh',
    label: { en: 'Energy imported (meter reading)', th: 'พลังงานไฟฟ้าที่ใช้สะสม' },
    range: { min: 0, max: 1e10 },
    kind: 'number',
    acceptedUnits: ENERGY_UNITS,
    decimals: 1,
    counter: true,
  },
  {
    name: 'voltage',
    domains: ['energy'],
    unit: 'V',
    label: { en: 'Voltage', th: 'แรงดันไฟฟ้า' },
    range: { min: 0, max: 500 },
    kind: 'number',
    acceptedUnits: ['V', 'mV'],
    decimals: 1,
    description: 'Low-voltage supply: 230 V phase, 400 V line in Thailand.',
  },
  {
    name: 'current',
    domains: ['energy'],
    unit: 'A',
    label: { en: 'Current', th: 'กระแสไฟฟ้า' },
    range: { min: 0, max: 5000 },
    kind: 'number',
    acceptedUnits: ['A', 'mA'],
    decimals: 2,
  },
  {
    name: 'powerFactor',
    domains: ['energy'],
    unit: '1',
    label: { en: 'Power factor', th: 'ตัวประกอบกำลัง' },
    range: { min: -1, max: 1 },
    kind: 'number',
    acceptedUnits: ['1'],
    decimals: 2,
  },
  {
    name: 'solarPower',
    domains: ['energy'],
    unit: 'kW',
    label: { en: 'Solar power', th: 'กำลังผลิตไฟฟ้าจากแสงอาทิตย์' },
    range: { min: 0, max: 100_000 },
    kind: 'number',
    acceptedUnits: POWER_UNITS,
    decimals: 2,
  },
  {
    name: 'solarEnergyGenerated',
    domains: ['energy'],
    unit: 'kWh',
    label: { en: 'Solar energy generated (meter reading)', th: 'พลังงานไฟฟ้าที่ผลิตจากแสงอาทิตย์สะสม' },
    range: { min: 0, max: 1e10 },
    kind: 'number',
    acceptedUnits: ENERGY_UNITS,
    decimals: 1,
    counter: true,
  },
  // ---- waste (FIWARE WasteContainer) ----
  {
    name: 'fillingLevel',
    domains: ['waste'],
    unit: '%',
    label: { en: 'Filling level', th: 'ระดับขยะในถัง' },
    // above 100 %: waste heaped over the rim (an overflow event), which level sensors do report
    range: { min: 0, max: 120 },
    kind: 'number',
    // FIWARE sends a 0-1 fraction: declare unit '1' or 'ratio' and it is converted to %
    acceptedUnits: ['%', '1'],
    decimals: 0,
  },
  {
    name: 'temperature',
    domains: ['waste'],
    unit: '°C',
    label: { en: 'Temperature in the bin', th: 'อุณหภูมิในถังขยะ' },
    range: { min: -30, max: 200 },
    kind: 'number',
    acceptedUnits: TEMPERATURE_UNITS,
    decimals: 1,
    description: 'Fire risk: a burning bin reads far above ambient.',
  },
  {
    name: 'weight',
    domains: ['waste'],
    unit: 'kg',
    label: { en: 'Waste weight', th: 'น้ำหนักขยะ' },
    range: { min: 0, max: 20_000 },
    kind: 'number',
    acceptedUnits: ['kg', 'g', 't', 'lb'],
    decimals: 1,
  },
  {
    name: 'lidOpen',
    domains: ['waste'],
    unit: '',
    label: { en: 'Lid open', th: 'ฝาถังเปิด' },
    range: { min: 0, max: 1 },
    kind: 'boolean',
    acceptedUnits: [''],
    decimals: 0,
  },
] satisfies ParameterSpec[]);

const BY_DOMAIN = new Map<Domain, Map<string, ParameterSpec>>();
for (const spec of CATALOG) {
  // shared by every caller: nobody may change a range or a unit at run time
  Object.freeze(spec.domains);
  Object.freeze(spec.label);
  Object.freeze(spec.range);
  Object.freeze(spec.acceptedUnits);
  Object.freeze(spec);
  for (const domain of spec.domains) {
    let params = BY_DOMAIN.get(domain);
    if (!params) BY_DOMAIN.set(domain, (params = new Map()));
    if (params.has(spec.name)) throw new Error(`catalog: ${domain}.${spec.name} is defined twice`);
    params.set(spec.name, spec);
  }
}

/** The spec of a parameter in a domain (names are case-sensitive, as in FIWARE), or undefined. */
export function getParameter(domain: Domain, name: string): ParameterSpec | undefined {
  return BY_DOMAIN.get(domain)?.get(name);
}

/** The parameters of a domain, in catalog order. */
export function parametersOf(domain: Domain): ParameterSpec[] {
  const params = BY_DOMAIN.get(domain);
  return params ? [...params.values()] : [];
}

/** Whether a parameter is a sound level, averaged as energy (Leq): see ParameterSpec.energyAveraged. */
export function isEnergyAveraged(domain: Domain, name: string): boolean {
  return getParameter(domain, name)?.energyAveraged === true;
}

/** The sound levels of a domain (noise in air), in catalog order: the parameters whose rollups carry Leq. */
export function energyAveragedParams(domain: Domain): string[] {
  return parametersOf(domain)
    .filter((p) => p.energyAveraged)
    .map((p) => p.name);
}

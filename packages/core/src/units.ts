/**
 * Units: one canonical symbol per unit, many accepted spellings (UCUM-ish, SenML RFC 8428 / RFC 8798
 * names, UN/CEFACT Rec. 20 codes as used by FIWARE), and conversion between units of one quantity.
 * Gas mixing ratios (ppb, ppm) and mass concentrations (µg/m³, mg/m³) convert into each other
 * only for a known gas (its molecular weight).
 */

export type UnitErrorCode = 'unit.unknown' | 'unit.incompatible' | 'unit.needs_gas';

export class UnitError extends Error {
  constructor(
    readonly code: UnitErrorCode,
    message: string,
    /** the unit spelling that could not be used */
    readonly unit: string,
  ) {
    super(message);
    this.name = 'UnitError';
  }
}

type Quantity =
  | 'massConcentration'
  | 'mixingRatio'
  | 'temperature'
  | 'fraction'
  | 'soundLevel'
  | 'pH'
  | 'waterConcentration'
  | 'turbidity'
  | 'conductivity'
  | 'length'
  | 'mass'
  | 'power'
  | 'energy'
  | 'voltage'
  | 'current'
  | 'flag';

interface UnitDef {
  /** canonical symbol, as the catalog and the API show it */
  readonly symbol: string;
  readonly quantity: Quantity;
  /** value in the quantity's base unit = (value + shift) * num / den */
  readonly shift: number;
  readonly num: number;
  readonly den: number;
  readonly aliases: readonly string[];
}

function unit(symbol: string, quantity: Quantity, num: number, aliases: string[], den = 1, shift = 0): UnitDef {
  return { symbol, quantity, shift, num, den, aliases };
}

/*
 * Base units: µg/m³, ppb, °C, ratio (1), dBA, pH, mg/L, NTU, µS/cm, m, kg, W, Wh, V, A.
 * Upper-case codes (GQ, CEL, KWT, ...) are UN/CEFACT Recommendation 20 common codes (FIWARE `unitCode`).
 * mW, mWh, mV and mA are defined so that a case-insensitive match can never turn a milli into a mega.
 */
const UNITS: readonly UnitDef[] = [
  unit('µg/m³', 'massConcentration', 1, ['ug/m3', 'mcg/m3', 'GQ']),
  unit('mg/m³', 'massConcentration', 1000, ['mg/m3', 'GP']),
  unit('ppb', 'mixingRatio', 1, ['ppbv']),
  unit('ppm', 'mixingRatio', 1000, ['ppmv']),
  unit('°C', 'temperature', 1, ['degC', 'Cel', 'C', 'celsius', 'deg C', 'CEL']),
  unit('°F', 'temperature', 5, ['degF', 'F', 'fahrenheit', 'FAH'], 9, -32),
  unit('K', 'temperature', 1, ['kelvin', 'KEL'], 1, -273.15),
  unit('1', 'fraction', 1, ['ratio', '/', 'fraction', 'C62']),
  unit('%', 'fraction', 1, ['%RH', 'percent', 'pct', 'P1'], 100),
  // SenML registers only 'dB'; sound level meters for environmental noise report A-weighted levels.
  unit('dBA', 'soundLevel', 1, ['dB(A)', 'dB', 'dBa']),
  unit('pH', 'pH', 1, []),
  unit('mg/L', 'waterConcentration', 1, ['mg/l', 'M1']),
  unit('µg/L', 'waterConcentration', 1, ['ug/L', 'ug/l', 'mcg/L'], 1000),
  // FNU and FTU are formazin units like NTU; instruments differ in method, the numbers are read 1:1.
  unit('NTU', 'turbidity', 1, ['FNU', 'FTU']),
  unit('µS/cm', 'conductivity', 1, ['uS/cm']),
  unit('mS/cm', 'conductivity', 1000, []),
  unit('S/m', 'conductivity', 10_000, []),
  unit('mS/m', 'conductivity', 10, []),
  unit('m', 'length', 1, ['metre', 'meter', 'MTR']),
  unit('cm', 'length', 1, ['CMT'], 100),
  unit('mm', 'length', 1, ['MMT'], 1000),
  unit('ft', 'length', 0.3048, ['feet']),
  unit('kg', 'mass', 1, ['KGM']),
  unit('g', 'mass', 1, ['GRM'], 1000),
  unit('t', 'mass', 1000, ['tonne', 'TNE']),
  unit('lb', 'mass', 0.45359237, ['lbs']),
  unit('mW', 'power', 1, [], 1000),
  unit('W', 'power', 1, ['WTT']),
  unit('kW', 'power', 1000, ['KWT']),
  unit('MW', 'power', 1_000_000, ['MAW']),
  unit('mWh', 'energy', 1, [], 1000),
  unit('Wh', 'energy', 1, ['WHR']),
  unit('kWh', 'energy', 1000, ['KWH']),
  unit('MWh', 'energy', 1_000_000, ['MWH']),
  unit('mV', 'voltage', 1, [], 1000),
  unit('V', 'voltage', 1, ['VLT']),
  unit('mA', 'current', 1, [], 1000),
  unit('A', 'current', 1, ['AMP']),
  // true/false flags (stored as 1/0) have no unit
  unit('', 'flag', 1, []),
];

/**
 * Molecular weights (g/mol) for ppb <-> µg/m³ at 25 °C and 1 atm: µg/m³ = ppb × MW / 24.45.
 * Source: /work/shared/reference/thai-standards.md, section 1.1 notes (the PCD tables print ppm as
 * normative and mg/m³ as rounded equivalents).
 */
export const MOLECULAR_WEIGHTS: Readonly<Record<string, number>> = Object.freeze({ co: 28.01, no2: 46.01, o3: 48.0, so2: 64.07 });
/** litres per mole of an ideal gas at 25 °C and 1 atm */
export const MOLAR_VOLUME_25C = 24.45;

/** spelling variants folded before lookup: micro sign and Greek mu, superscripts, degree look-alikes, spaces */
function foldSpelling(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    switch (ch) {
      case '\u00b5': // micro sign
      case '\u03bc': // Greek small mu
        out += 'u';
        break;
      case '\u00b3':
        out += '3';
        break;
      case '\u00b2':
        out += '2';
        break;
      case '\u00ba': // masculine ordinal, often typed for a degree sign
      case '\u02da': // ring above
        out += '°';
        break;
      case '\u2103':
        out += '°C';
        break;
      case '\u2109':
        out += '°F';
        break;
      case '^':
      case ' ':
      case '\t':
        break;
      default:
        out += ch;
    }
  }
  return out;
}

const EXACT = new Map<string, UnitDef>();
const CASELESS = new Map<string, UnitDef | null>();
for (const def of UNITS) {
  for (const spelling of [def.symbol, ...def.aliases]) {
    const key = foldSpelling(spelling);
    const previous = EXACT.get(key);
    if (previous && previous !== def) throw new Error(`unit table: "${spelling}" names both ${previous.symbol} and ${def.symbol}`);
    EXACT.set(key, def);
  }
}
for (const [key, def] of EXACT) {
  const lower = key.toLowerCase();
  const previous = CASELESS.get(lower);
  // null marks a spelling that is ambiguous without its case (mW vs MW): only the exact case is accepted
  CASELESS.set(lower, previous === undefined || previous === def ? def : null);
}

/** resolved spellings, including misses; bounded so that hostile payloads cannot grow it without limit */
const RESOLVED = new Map<string, UnitDef | null>();
const RESOLVED_LIMIT = 4096;

function resolve(spelling: string): UnitDef | undefined {
  const hit = RESOLVED.get(spelling);
  if (hit !== undefined) return hit ?? undefined;
  let def: UnitDef | null = null;
  if (spelling.length <= 32) {
    const key = foldSpelling(spelling.trim());
    def = EXACT.get(key) ?? CASELESS.get(key.toLowerCase()) ?? null;
  }
  if (RESOLVED.size < RESOLVED_LIMIT) RESOLVED.set(spelling, def);
  return def ?? undefined;
}

/** The canonical symbol of a unit spelling ('ug/m3' -> 'µg/m³', 'Cel' -> '°C', '/' -> '1'), or undefined if unknown. */
export function normalizeUnit(spelling: string): string | undefined {
  return resolve(spelling)?.symbol;
}

/** Every canonical unit symbol this module knows. */
export function knownUnits(): string[] {
  return UNITS.map((u) => u.symbol);
}

function describe(spelling: string): string {
  return JSON.stringify(spelling.length > 32 ? `${spelling.slice(0, 32)}…` : spelling);
}

function molecularWeight(param: string | undefined): number | undefined {
  if (param === undefined) return undefined;
  const key = param.toLowerCase();
  return Object.hasOwn(MOLECULAR_WEIGHTS, key) ? MOLECULAR_WEIGHTS[key] : undefined;
}

/**
 * Convert a value between two units of the same quantity. Mixing ratio <-> mass concentration needs
 * `param`, the gas (co, no2, o3, so2). Throws UnitError when a unit is unknown or the units do not convert.
 */
export function convert(value: number, from: string, to: string, param?: string): number {
  const source = resolve(from);
  if (!source) throw new UnitError('unit.unknown', `unknown unit ${describe(from)}; use a unit such as ${knownUnits().filter(Boolean).join(', ')}`, from);
  const target = resolve(to);
  if (!target) throw new UnitError('unit.unknown', `unknown unit ${describe(to)}; use a unit such as ${knownUnits().filter(Boolean).join(', ')}`, to);
  if (source === target) return value;
  let base = source.shift === 0 ? (value * source.num) / source.den : ((value + source.shift) * source.num) / source.den;
  if (source.quantity !== target.quantity) {
    const gasPair =
      (source.quantity === 'massConcentration' && target.quantity === 'mixingRatio') ||
      (source.quantity === 'mixingRatio' && target.quantity === 'massConcentration');
    if (!gasPair) {
      throw new UnitError('unit.incompatible', `cannot convert ${source.symbol} (${source.quantity}) to ${target.symbol} (${target.quantity})`, from);
    }
    const mw = molecularWeight(param);
    if (mw === undefined) {
      throw new UnitError(
        'unit.needs_gas',
        `converting ${source.symbol} to ${target.symbol} needs the gas (one of ${Object.keys(MOLECULAR_WEIGHTS).join(', ')}), got ${param === undefined ? 'none' : describe(param)}`,
        from,
      );
    }
    // base units: µg/m³ and ppb
    base = source.quantity === 'mixingRatio' ? (base * mw) / MOLAR_VOLUME_25C : (base * MOLAR_VOLUME_25C) / mw;
  }
  return target.shift === 0 ? (base * target.den) / target.num : (base * target.den) / target.num - target.shift;
}

/** true when `convert(x, from, to, param)` would succeed */
export function canConvert(from: string, to: string, param?: string): boolean {
  const source = resolve(from);
  const target = resolve(to);
  if (!source || !target) return false;
  if (source.quantity === target.quantity) return true;
  const gasPair =
    (source.quantity === 'massConcentration' && target.quantity === 'mixingRatio') ||
    (source.quantity === 'mixingRatio' && target.quantity === 'massConcentration');
  return gasPair && molecularWeight(param) !== undefined;
}

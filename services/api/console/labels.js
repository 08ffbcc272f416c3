// Names of things from the API's reference data (reference.js, generated from @mueang/core).

import { pick, t, hasLabel } from './i18n.js';
import { REFERENCE } from './reference.js';

/** chemical symbols are the same in Thai and English */
const POLLUTANT_SYMBOLS = { pm25: 'PM2.5', pm10: 'PM10', o3: 'O₃', co: 'CO', no2: 'NO₂', so2: 'SO₂' };

/** @param {string | null | undefined} pollutant */
export function pollutantSymbol(pollutant) {
  if (!pollutant) return t('notAvailable');
  return /** @type {Record<string, string>} */ (POLLUTANT_SYMBOLS)[pollutant] ?? pollutant;
}

/** @param {string} domain @param {string} param */
export function paramLabel(domain, param) {
  const spec = REFERENCE.parameters[domain]?.[param];
  return spec ? pick(spec.label) : param;
}

/** @param {string} domain @param {string} param */
export function paramSpec(domain, param) {
  return REFERENCE.parameters[domain]?.[param] ?? null;
}

/** @param {string} ruleId */
export function ruleName(ruleId) {
  const rule = REFERENCE.rules[ruleId];
  return rule ? pick(rule.name) : ruleId;
}

/** @param {string} severity */
export function severityLabel(severity) {
  const key = `severity_${severity}`;
  return hasLabel(key) ? t(key) : severity;
}

/** @param {{ name: string, nameTh: string | null } | null | undefined} thing */
export function placeName(thing) {
  if (!thing) return '';
  return pick({ en: thing.name, th: thing.nameTh || thing.name });
}

/** @param {{ name: { en: string, th: string } } | null | undefined} band */
export function bandName(band) {
  return band ? pick(band.name) : t('aqiNoData');
}

/** black or white, whichever contrasts more with the band colour (WCAG relative luminance) */
/** @param {string} hex */
export function textOn(hex) {
  const n = Number.parseInt(hex.replace('#', ''), 16);
  const lin = (/** @type {number} */ c) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#111111' : '#ffffff';
}

export const NO_DATA_COLOUR = '#9e9e9e';

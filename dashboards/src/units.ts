/** Grafana unit ids for the catalog's canonical units; anything else is shown as a plain suffix. */
const GRAFANA_UNITS: Record<string, string> = {
  // Grafana's id is spelled with the Greek mu (U+03BC); the catalog writes the micro sign (U+00B5)
  'µg/m³': 'conμgm3',
  ppb: 'conppb',
  ppm: 'ppm',
  kW: 'kwatt',
  kWh: 'kwatth',
  V: 'volt',
  A: 'amp',
  '%': 'percent',
  '°C': 'celsius',
  kg: 'masskg',
  m: 'lengthm',
};

export function grafanaUnit(catalogUnit: string): string {
  return GRAFANA_UNITS[catalogUnit] ?? (catalogUnit === '' ? 'none' : `suffix: ${catalogUnit}`);
}

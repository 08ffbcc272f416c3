import type { Domain, TelemetryPoint } from '@mueang/core';
import type { Site } from '@mueang/storage';
import { iso, roundValue } from './format.ts';

/**
 * FIWARE Smart Data Models as NGSI-LD entities (normalized: every attribute a Property with
 * value, unitCode (UN/CEFACT common code) and observedAt). Attribute names and units follow the
 * models' schema.json in github.com/smart-data-models:
 *
 * - air   -> dataModel.Environment AirQualityObserved: pm25, pm10, no2, o3, co, so2 (as measured,
 *            our canonical units µg/m³ / ppb / ppm given in unitCode), temperature,
 *            relativeHumidity (a 0-1 fraction in the model; our % / 100).
 * - water -> dataModel.Environment WaterQualityObserved: temperature, pH, conductivity (S/m in
 *            the model; our µS/cm / 10 000), turbidity, O2 (dissolved oxygen, mg/L); the model
 *            asks extra measurands (BOD, water level) to be listed in `measurand` as
 *            "<name>, <value>, <unitCode>, <description>", and O2 declared there too.
 * - waste -> dataModel.WasteManagement WasteContainer: fillingLevel (0-1 fraction in the model;
 *            our % / 100), temperature, cargoWeight (kg), status ('lidOpen' or 'ok').
 * - energy-> dataModel.Energy ACMeasurement: totalActivePower (W in the model; our kW x 1000),
 *            totalActiveEnergyImport (kWh), phaseVoltage.L1, current.L1, totalPowerFactor.
 *            Solar generation has no ACMeasurement attribute and is exported as solarPower /
 *            solarEnergyGenerated (our own names, expanded by the default @vocab).
 * - noise -> dataModel.Environment NoiseLevelObserved (noise is not part of AirQualityObserved): an air reading with a
 *            noise level also gives one of these, LAeq (dB, unitCode 2N) over the reading's interval
 *            (dateObservedFrom = the reading's time minus the device's expected interval, dateObservedTo = its time).
 */

export const NGSI_LD_CORE_CONTEXT = 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld';
export const MODEL_CONTEXTS: Record<Domain, string> = {
  air: 'https://raw.githubusercontent.com/smart-data-models/dataModel.Environment/master/context.jsonld',
  water: 'https://raw.githubusercontent.com/smart-data-models/dataModel.Environment/master/context.jsonld',
  waste: 'https://raw.githubusercontent.com/smart-data-models/dataModel.WasteManagement/master/context.jsonld',
  energy: 'https://raw.githubusercontent.com/smart-data-models/dataModel.Energy/master/context.jsonld',
};
export const ENTITY_TYPES: Record<Domain, string> = {
  air: 'AirQualityObserved',
  water: 'WaterQualityObserved',
  waste: 'WasteContainer',
  energy: 'ACMeasurement',
};

interface Mapping {
  attribute: string;
  unitCode?: string;
  scale?: number;
  /** nested structured value, e.g. phaseVoltage.L1 */
  member?: string;
}

/** catalog parameter -> model attribute, per domain; parameters not listed are not exported */
const MAPPINGS: Record<Domain, Record<string, Mapping>> = {
  air: {
    pm25: { attribute: 'pm25', unitCode: 'GQ' },
    pm10: { attribute: 'pm10', unitCode: 'GQ' },
    no2: { attribute: 'no2', unitCode: '61' },
    o3: { attribute: 'o3', unitCode: '61' },
    so2: { attribute: 'so2', unitCode: '61' },
    co: { attribute: 'co', unitCode: '59' },
    temperature: { attribute: 'temperature', unitCode: 'CEL' },
    humidity: { attribute: 'relativeHumidity', unitCode: 'C62', scale: 0.01 },
  },
  water: {
    temperature: { attribute: 'temperature', unitCode: 'CEL' },
    pH: { attribute: 'pH', unitCode: 'C62' },
    conductivity: { attribute: 'conductivity', unitCode: 'D10', scale: 1e-4 },
    turbidity: { attribute: 'turbidity' },
    dissolvedOxygen: { attribute: 'O2', unitCode: 'M1' },
  },
  waste: {
    fillingLevel: { attribute: 'fillingLevel', unitCode: 'C62', scale: 0.01 },
    temperature: { attribute: 'temperature', unitCode: 'CEL' },
    weight: { attribute: 'cargoWeight', unitCode: 'KGM' },
  },
  energy: {
    activePower: { attribute: 'totalActivePower', unitCode: 'WTT', scale: 1000 },
    totalActiveEnergyImport: { attribute: 'totalActiveEnergyImport', unitCode: 'KWH' },
    voltage: { attribute: 'phaseVoltage', unitCode: 'VLT', member: 'L1' },
    current: { attribute: 'current', unitCode: 'AMP', member: 'L1' },
    powerFactor: { attribute: 'totalPowerFactor', unitCode: 'C62' },
    solarPower: { attribute: 'solarPower', unitCode: 'KWT' },
    solarEnergyGenerated: { attribute: 'solarEnergyGenerated', unitCode: 'KWH' },
  },
};

/** water parameters the model wants declared in `measurand` (name, UN/CEFACT code, description) */
const WATER_MEASURANDS: Record<string, [string, string, string]> = {
  dissolvedOxygen: ['O2', 'M1', 'Dissolved oxygen'],
  bod: ['BOD', 'M1', 'Biochemical oxygen demand'],
  waterLevel: ['waterLevel', 'MTR', 'Water level above the station datum'],
};

export type NgsiEntity = Record<string, unknown>;

function property(value: unknown, observedAt: string, unitCode?: string): Record<string, unknown> {
  return { type: 'Property', value, ...(unitCode ? { unitCode } : {}), observedAt };
}

export interface EntityContext {
  city: string;
  cityName: string;
  site: Site | undefined;
  /** one entity per device (latest) or per reading (time series) */
  perReading: boolean;
}

export function entityId(domain: Domain, city: string, device: string, ts?: number): string {
  const base = `urn:ngsi-ld:${ENTITY_TYPES[domain]}:${city}:${device}`;
  return ts === undefined ? base : `${base}:${iso(ts)}`;
}

/** location (when the site has coordinates), areaServed and name: the same on every model */
function placeOf(point: TelemetryPoint, context: EntityContext): NgsiEntity {
  const place: NgsiEntity = {};
  const site = context.site;
  if (site && site.lat !== null && site.lon !== null) {
    place.location = { type: 'GeoProperty', value: { type: 'Point', coordinates: [site.lon, site.lat] } };
  }
  place.areaServed = { type: 'Property', value: context.cityName };
  place.name = { type: 'Property', value: site?.name ?? point.site };
  return place;
}

function deviceRef(point: TelemetryPoint): NgsiEntity {
  return { type: 'Relationship', object: `urn:ngsi-ld:Device:${point.city}:${point.device}` };
}

export const NOISE_ENTITY_TYPE = 'NoiseLevelObserved';

/** The NoiseLevelObserved of an air reading with a noise level, or null; `intervalMs` is the device's expected reporting interval. */
export function toNoiseLevelObserved(point: TelemetryPoint, context: EntityContext, intervalMs: number): NgsiEntity | null {
  const level = point.values.noise;
  if (point.domain !== 'air' || level === undefined) return null;
  const observedAt = iso(point.ts);
  const base = `urn:ngsi-ld:${NOISE_ENTITY_TYPE}:${point.city}:${point.device}`;
  return {
    id: context.perReading ? `${base}:${observedAt}` : base,
    type: NOISE_ENTITY_TYPE,
    dateObservedFrom: { type: 'Property', value: { '@type': 'DateTime', '@value': iso(point.ts - intervalMs) } },
    dateObservedTo: { type: 'Property', value: { '@type': 'DateTime', '@value': observedAt } },
    ...placeOf(point, context),
    LAeq: property(roundValue(level, 9), observedAt, '2N'),
    refDevice: deviceRef(point),
    '@context': [MODEL_CONTEXTS.air, NGSI_LD_CORE_CONTEXT],
  };
}

export function toNgsiLd(point: TelemetryPoint, context: EntityContext): NgsiEntity {
  const observedAt = iso(point.ts);
  const entity: NgsiEntity = {
    id: entityId(point.domain, point.city, point.device, context.perReading ? point.ts : undefined),
    type: ENTITY_TYPES[point.domain],
    dateObserved: { type: 'Property', value: { '@type': 'DateTime', '@value': observedAt } },
    ...placeOf(point, context),
  };
  const mappings = MAPPINGS[point.domain];
  const structured = new Map<string, { unitCode: string | undefined; members: Record<string, number> }>();
  for (const [param, raw] of Object.entries(point.values)) {
    const mapping = mappings[param];
    if (!mapping) continue;
    const value = roundValue(raw * (mapping.scale ?? 1), 9);
    if (mapping.member) {
      const entry = structured.get(mapping.attribute) ?? { unitCode: mapping.unitCode, members: {} };
      entry.members[mapping.member] = value;
      structured.set(mapping.attribute, entry);
    } else {
      entity[mapping.attribute] = property(value, observedAt, mapping.unitCode);
    }
  }
  for (const [attribute, entry] of structured) entity[attribute] = property(entry.members, observedAt, entry.unitCode);
  if (point.domain === 'water') {
    const measurands = Object.entries(WATER_MEASURANDS)
      .filter(([param]) => point.values[param] !== undefined)
      .map(([param, [name, unit, description]]) => `${name}, ${point.values[param]}, ${unit}, ${description}`);
    if (measurands.length > 0) entity.measurand = property(measurands, observedAt);
  }
  if (point.domain === 'waste' && point.values.lidOpen !== undefined) {
    entity.status = property(point.values.lidOpen >= 1 ? 'lidOpen' : 'ok', observedAt);
  }
  entity.refDevice = deviceRef(point);
  entity['@context'] = [MODEL_CONTEXTS[point.domain], NGSI_LD_CORE_CONTEXT];
  return entity;
}

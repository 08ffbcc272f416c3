import type { Domain } from '@mueang/core';
import type { CitySpec, Region } from './cities.ts';

/** how a device writes its payload: plain JSON, or SenML (RFC 8428) */
export type PayloadFormat = 'json' | 'senml';

export interface SimSite {
  id: string;
  cityId: string;
  domain: Domain;
  name: string;
  nameTh: string;
  lat: number;
  lon: number;
  /** 'roadside' | 'residential' | 'background' | 'river' | 'canal' | 'reservoir' | 'building' | 'district' */
  kind: string;
  /** assigned surface-water class for water sites (2-4), null elsewhere */
  waterClass: number | null;
}

export interface AirProfile {
  domain: 'air';
  setting: 'roadside' | 'residential' | 'background';
  /** multiplies the traffic peaks of PM, NO2, CO and noise (roadside > 1) */
  traffic: number;
  /** PM10/PM2.5 ratio of this site, 1.3-2 */
  pm10Ratio: number;
  /** station-specific offset of the PM level (local sources), around 1 */
  localFactor: number;
}

export interface WaterProfile {
  domain: 'water';
  waterClass: 2 | 3 | 4;
  body: 'river' | 'canal' | 'reservoir';
  /** dry-season water level, m */
  baseLevelM: number;
  /** how far the level rises in a wet month and after rain, m */
  floodRiseM: number;
}

export interface EnergyProfile {
  domain: 'energy';
  building: 'office' | 'school' | 'market' | 'health' | 'plant';
  /** load when the building is closed, kW */
  baseKw: number;
  /** extra load at full occupancy, kW */
  peakKw: number;
  /** installed rooftop PV, kWp (0 = none) */
  solarKwp: number;
  /** meter readings when the simulation starts, kWh */
  initialImportKwh: number;
  initialSolarKwh: number;
}

export interface WasteProfile {
  domain: 'waste';
  /** fill rate of this district, % of the bin per hour of daytime activity */
  fillRatePctPerHour: number;
  /** Bangkok weekdays (0 = Sunday) with a collection round */
  collectionDays: number[];
  /** Bangkok hour of the collection round (fractional hours allowed) */
  collectionHour: number;
  /** weight of a full bin, kg */
  fullWeightKg: number;
  /** lid openings per hour at peak activity */
  lidOpeningsPerHour: number;
}

export type DeviceProfile = AirProfile | WaterProfile | EnergyProfile | WasteProfile;

export interface DeviceEncoding {
  format: PayloadFormat;
  /** parameters this device reports in a non-canonical unit: param -> unit (e.g. co -> 'ppb') */
  units: Record<string, string>;
}

export interface SimDevice {
  id: string;
  cityId: string;
  siteId: string;
  domain: Domain;
  /** model or kind: 'aq-station' | 'sonde' | 'smart-meter' | 'bin-sensor' */
  kind: string;
  name: string;
  /** the MQTT password (username = id) */
  secret: string;
  region: Region;
  lat: number;
  lon: number;
  profile: DeviceProfile;
  encoding: DeviceEncoding;
}

export interface Fleet {
  seed: number;
  cities: CitySpec[];
  sites: SimSite[];
  devices: SimDevice[];
}

/** one reading in canonical units: what the store should hold */
export interface Reading {
  ts: number;
  values: Record<string, number>;
}

export { BUILTIN_CITIES, CHIANG_MAI, KHON_KAEN, PHUKET, NONTHABURI, REGIONS, builtinCity, placesOf, type CitySpec, type Region, type PlaceName } from './cities.ts';
export { buildFleet, seededSecret, withCredentials, selectCities, DEMO_FLEET_SPEC, MULTI_CITY_FLEET_SPEC, type FleetSpec } from './fleet.ts';
export type { Fleet, SimDevice, SimSite, DeviceProfile, AirProfile, WaterProfile, EnergyProfile, WasteProfile, DeviceEncoding, PayloadFormat, Reading } from './types.ts';
export { provisionFleet, type ProvisionResult, type ProvisionOptions, type DeviceCredential } from './provision.ts';
export * from './patterns/index.ts';
export {
  FaultInjector,
  FAULT_KINDS,
  MALFORMED_VARIANTS,
  EXPECTED_CODES,
  parseFaultList,
  validateFaults,
  type FaultKind,
  type FaultSpec,
  type MalformedVariant,
  type InjectedFault,
  type ExpectedOutcome,
  type FaultAction,
} from './faults.ts';
export { encodeReading, encodeBatch, type Encoded } from './encode.ts';
export { createClock, type SimClock, type ClockOptions } from './clock.ts';
export { Recorder, type RecordedReading } from './recorder.ts';
export { runFleet, publishOnce, SimRunError, type RunOptions, type RunRate, type RunProgress, type RunSummary, type FleetRun, type SimLogger, type PublishOnceOptions } from './runner.ts';
export { backfill, type BackfillOptions, type BackfillProgress, type BackfillResult } from './backfill.ts';
export { attemptBadLogin } from './mqtt-link.ts';
export { Rng, hashUnit, smoothNoise } from './rng.ts';
export { SimInputError } from './errors.ts';

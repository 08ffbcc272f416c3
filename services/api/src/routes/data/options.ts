import type { StateStore, TelemetryStore } from '@mueang/storage';

export interface DataRoutesOptions {
  state: StateStore;
  telemetry: TelemetryStore;
  /** the clock (tests pin it); default Date.now */
  now: () => number;
}

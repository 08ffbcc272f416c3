import type { Domain, TelemetryPoint } from '@mueang/core';
import type { InjectedFault } from './faults.ts';

/** a reading the broker acknowledged, in canonical units: what the store should hold */
export interface RecordedReading {
  deviceId: string;
  cityId: string;
  siteId: string;
  domain: Domain;
  ts: number;
  values: Record<string, number>;
}

/**
 * Everything a run or a backfill sent that an end-to-end test can check: the acknowledged
 * readings (values as ingest should store them) and the injected faults with the rejection each
 * should cause.
 */
export class Recorder {
  readonly readings: RecordedReading[] = [];
  readonly faults: InjectedFault[] = [];

  addReading(reading: RecordedReading): void {
    if (Object.keys(reading.values).length > 0) this.readings.push(reading);
  }

  addFault(fault: InjectedFault): void {
    this.faults.push(fault);
  }

  /** the recorded readings as the store's points (one point per reading, tags from the fleet) */
  toPoints(): TelemetryPoint[] {
    return this.readings.map((r) => ({ ts: r.ts, city: r.cityId, site: r.siteId, device: r.deviceId, domain: r.domain, values: { ...r.values } }));
  }

  /** the faults that should leave a dead letter, i.e. that ingest must reject */
  expectedDeadLetters(): InjectedFault[] {
    return this.faults.filter((f) => f.expected.outcome === 'dead_letter' && f.acked === true);
  }

  toJSON(): { readings: RecordedReading[]; faults: InjectedFault[] } {
    return { readings: this.readings, faults: this.faults };
  }
}

/** The four sensor domains of the platform; also the MQTT topic segment and the telemetry measurement. */
export const DOMAINS = ['air', 'water', 'energy', 'waste'] as const;
export type Domain = (typeof DOMAINS)[number];

export function isDomain(value: unknown): value is Domain {
  return typeof value === 'string' && (DOMAINS as readonly string[]).includes(value);
}

/** One validated reading in canonical units, enriched with registry tags: what the stores hold. */
export interface TelemetryPoint {
  /** epoch milliseconds, UTC */
  ts: number;
  city: string;
  site: string;
  device: string;
  domain: Domain;
  /** parameter name (catalog) -> value in the parameter's canonical unit */
  values: Record<string, number>;
}

/** `leq`: the energy mean of sound levels in dB, 10·log10(mean(10^(v/10))) (see ParameterSpec.energyAveraged) */
export type AggregateFn = 'mean' | 'min' | 'max' | 'count' | 'sum' | 'leq';

/** Hourly or daily statistics of one parameter of one device (computed by the platform, not the database). */
export interface RollupRow {
  period: '1h' | '1d';
  /** window start, epoch ms UTC (hour start; for '1d' the Asia/Bangkok day start) */
  start: number;
  city: string;
  site: string;
  device: string;
  domain: Domain;
  param: string;
  mean: number;
  min: number;
  max: number;
  count: number;
  sum: number;
  /** the energy mean (Leq, dB) of the readings, for energy-averaged parameters (noise); absent for others and in rollups written before it existed */
  leq?: number;
}

/** A message or part of one that failed validation: kept with its reason, never silently dropped. */
export interface DeadLetter {
  /** when ingest received it, epoch ms */
  receivedAt: number;
  topic: string;
  /** machine-readable reason code, e.g. 'payload.malformed_json', 'value.out_of_range' */
  reason: string;
  /** what was wrong, where, and what to do */
  message: string;
  /** the offending payload (or excerpt), UTF-8 text or base64 if binary, at most 4 KiB */
  payload: string;
  city?: string;
  domain?: string;
  device?: string;
  /** the parameter concerned, when a single value was rejected */
  param?: string;
}

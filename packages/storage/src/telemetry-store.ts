import type { AggregateFn, AlertDomain, DeadLetter, Domain, RollupRow, TelemetryPoint } from '@mueang/core';

export interface TagFilter {
  city?: string;
  site?: string;
  device?: string;
}

export interface RawQuery extends TagFilter {
  domain: Domain;
  /** inclusive, epoch ms */
  from: number;
  /** exclusive, epoch ms */
  to: number;
  /** restrict to these parameters (default: all) */
  params?: string[];
  limit?: number;
}

export interface AggregateQuery extends TagFilter {
  domain: Domain;
  params: string[];
  from: number;
  to: number;
  /** window length in ms; windows are aligned to epoch (UTC) multiples of the length */
  windowMs: number;
  fn: AggregateFn;
  groupBy: Array<'city' | 'site' | 'device'>;
}

export interface AggregateRow {
  /** window start, epoch ms */
  start: number;
  tags: Partial<Record<'city' | 'site' | 'device', string>>;
  /** param -> aggregated value; windows without data are omitted */
  values: Record<string, number>;
}

/** the statistics a rollup row holds */
export const ROLLUP_FIELDS = ['mean', 'min', 'max', 'count', 'sum', 'leq'] as const;
export type RollupField = (typeof ROLLUP_FIELDS)[number];

export interface RollupQuery extends TagFilter {
  period: '1h' | '1d';
  domain?: Domain;
  params?: string[];
  from: number;
  to: number;
  /**
   * the statistics to read (default: all); the others are NaN in the answer (`leq` is left out). Fewer is cheaper on InfluxDB, which
   * reads each field of each point on its own (measured: mean/min/max/count over a year of daily rows took 60 % of
   * the time all five took).
   */
  fields?: RollupField[];
}

/**
 * One alert transition as dashboards read it (written by the alerts service for every transition it publishes).
 * Idempotent by (alertId, transition, ts): writing the same event again overwrites it.
 */
export interface AlertEvent {
  /** when the transition happened, epoch ms */
  ts: number;
  alertId: string;
  city: string;
  site: string | null;
  device: string | null;
  /** 'system' for alerts about the platform itself */
  domain: AlertDomain;
  ruleId: string;
  /** raised, escalated, reminder, cleared, acknowledged, assigned, severity_changed */
  transition: string;
  /** critical, major, minor, warning, info */
  severity: string;
  /** the alert's state after the transition */
  state: 'active' | 'cleared';
  acknowledged: boolean;
  escalationLevel: number;
  parameter: string | null;
  value: number | null;
  standardId: string | null;
}

export interface AlertEventQuery {
  city?: string;
  device?: string;
  /** inclusive, epoch ms */
  from: number;
  /** exclusive, epoch ms */
  to: number;
  /** newest first; default 1000 */
  limit?: number;
}

export interface RetentionCutoff {
  /** raw readings with ts before this are deleted */
  pointsBefore?: number;
  /** dead letters received before this are deleted */
  deadLettersBefore?: number;
}

export interface DeadLetterQuery {
  city?: string;
  device?: string;
  reason?: string;
  from?: number;
  to?: number;
  limit?: number;
}

/** How much disk a store takes (a metric), and where when it is local. */
export interface StoreDiskUsage {
  /** bytes of the store's files (DuckDB: database + WAL; InfluxDB 1.x: its shards of the database) */
  bytes: number;
  /** the local directory holding them (embedded store), null for a server elsewhere */
  dir: string | null;
}

/**
 * Where readings, rollups and dead letters live. Writes are idempotent by
 * (domain, device, timestamp) for points and by (period, start, device, param) for rollups:
 * writing the same key again overwrites, never duplicates.
 */
export interface TelemetryStore {
  readonly kind: 'influxdb' | 'duckdb';
  init(): Promise<void>;
  writePoints(points: TelemetryPoint[]): Promise<void>;
  queryRaw(q: RawQuery): Promise<TelemetryPoint[]>;
  aggregate(q: AggregateQuery): Promise<AggregateRow[]>;
  /** the latest point per device (values merged per parameter from the newest point carrying it) */
  latest(q: TagFilter & { domain?: Domain }): Promise<TelemetryPoint[]>;
  writeRollups(rows: RollupRow[]): Promise<void>;
  queryRollups(q: RollupQuery): Promise<RollupRow[]>;
  /** the answers of many rollup queries, in their order, each exactly what queryRollups would return (fewer round trips) */
  queryRollupBatch(queries: RollupQuery[]): Promise<RollupRow[][]>;
  writeDeadLetters(rows: DeadLetter[]): Promise<void>;
  queryDeadLetters(q: DeadLetterQuery): Promise<DeadLetter[]>;
  writeAlertEvents(events: AlertEvent[]): Promise<void>;
  /** newest first, then by alertId and transition */
  queryAlertEvents(q: AlertEventQuery): Promise<AlertEvent[]>;
  /**
   * Retention: delete raw points and dead letters older than the given times (epoch ms). Rollups
   * and alert events are kept, so KPIs and dashboards over long periods still work.
   */
  deleteBefore(cutoff: RetentionCutoff): Promise<void>;
  /** true when the backend answers a trivial query */
  ping(): Promise<boolean>;
  /** disk use of the store, null when the backend does not tell (in memory, InfluxDB 2.x/3, no admin rights) */
  diskUsage?(): Promise<StoreDiskUsage | null>;
  close(): Promise<void>;
}

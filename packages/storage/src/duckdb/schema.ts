/**
 * DuckDB schema of the embedded TelemetryStore. Points are stored long (one row per parameter)
 * because parameters vary by domain and device. There is no primary key: writes delete the keys
 * they bring and insert them again in one transaction (see DuckDBTelemetryStore.mergeStaged for
 * the measurement behind this choice). Staging tables are TEMP: they never reach the file.
 */
export const SCHEMA_VERSION = 1;

export const CREATE_TABLES = [
  `CREATE TABLE IF NOT EXISTS telemetry_schema (version INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS telemetry_points (
    domain VARCHAR NOT NULL, device VARCHAR NOT NULL, param VARCHAR NOT NULL, ts BIGINT NOT NULL,
    city VARCHAR NOT NULL, site VARCHAR NOT NULL, value DOUBLE NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS telemetry_rollups (
    period VARCHAR NOT NULL, start BIGINT NOT NULL, device VARCHAR NOT NULL, param VARCHAR NOT NULL,
    domain VARCHAR NOT NULL, city VARCHAR NOT NULL, site VARCHAR NOT NULL,
    mean DOUBLE NOT NULL, min DOUBLE NOT NULL, max DOUBLE NOT NULL, count BIGINT NOT NULL, sum DOUBLE NOT NULL, leq DOUBLE)`,
  // the energy mean of sound levels; added without a schema version change (NULL in rows written before it)
  `ALTER TABLE telemetry_rollups ADD COLUMN IF NOT EXISTS leq DOUBLE`,
  `CREATE TABLE IF NOT EXISTS telemetry_dead_letters (
    seq BIGINT NOT NULL, received_at BIGINT NOT NULL, topic VARCHAR NOT NULL, reason VARCHAR NOT NULL,
    message VARCHAR NOT NULL, payload VARCHAR NOT NULL, city VARCHAR, domain VARCHAR, device VARCHAR, param VARCHAR)`,
  // alert transitions for dashboards; added without a schema version change (CREATE IF NOT EXISTS upgrades old files)
  `CREATE TABLE IF NOT EXISTS telemetry_alert_events (
    ts BIGINT NOT NULL, alert_id VARCHAR NOT NULL, transition VARCHAR NOT NULL, city VARCHAR NOT NULL, site VARCHAR, device VARCHAR,
    domain VARCHAR NOT NULL, rule_id VARCHAR NOT NULL, severity VARCHAR NOT NULL, state VARCHAR NOT NULL, acknowledged BOOLEAN NOT NULL,
    escalation_level INTEGER NOT NULL, parameter VARCHAR, value DOUBLE, standard_id VARCHAR)`,
  `CREATE OR REPLACE TEMP TABLE staging_points (
    seq INTEGER NOT NULL, domain VARCHAR NOT NULL, device VARCHAR NOT NULL, param VARCHAR NOT NULL, ts BIGINT NOT NULL,
    city VARCHAR NOT NULL, site VARCHAR NOT NULL, value DOUBLE NOT NULL)`,
  `CREATE OR REPLACE TEMP TABLE staging_rollups (
    seq INTEGER NOT NULL, period VARCHAR NOT NULL, start BIGINT NOT NULL, device VARCHAR NOT NULL, param VARCHAR NOT NULL,
    domain VARCHAR NOT NULL, city VARCHAR NOT NULL, site VARCHAR NOT NULL,
    mean DOUBLE NOT NULL, min DOUBLE NOT NULL, max DOUBLE NOT NULL, count BIGINT NOT NULL, sum DOUBLE NOT NULL, leq DOUBLE)`,
];

/** Which columns make a row's identity, and where its time lives (for zone-map pruning of the delete). */
export interface MergeSpec {
  table: string;
  staging: string;
  key: readonly string[];
  columns: readonly string[];
  timeColumn: string;
}

export const POINT_MERGE: MergeSpec = {
  table: 'telemetry_points',
  staging: 'staging_points',
  key: ['domain', 'device', 'param', 'ts'],
  columns: ['domain', 'device', 'param', 'ts', 'city', 'site', 'value'],
  timeColumn: 'ts',
};

export const ROLLUP_MERGE: MergeSpec = {
  table: 'telemetry_rollups',
  staging: 'staging_rollups',
  key: ['period', 'start', 'device', 'param'],
  columns: ['period', 'start', 'device', 'param', 'domain', 'city', 'site', 'mean', 'min', 'max', 'count', 'sum', 'leq'],
  timeColumn: 'start',
};

/**
 * Replace the rows whose keys the staging table holds, keeping the last staged row per key.
 * The time bounds are constants ($1, $2) so that DuckDB's zone maps skip row groups outside the
 * batch's time range instead of scanning the whole table.
 */
export function mergeStatements(spec: MergeSpec): string[] {
  const keys = spec.key.join(', ');
  const matches = spec.key.map((k) => `t.${k} = s.${k}`).join(' AND ');
  const cols = spec.columns.join(', ');
  return [
    `DELETE FROM ${spec.table} t USING (SELECT DISTINCT ${keys} FROM ${spec.staging}) s WHERE ${matches} AND t.${spec.timeColumn} BETWEEN $1 AND $2`,
    `INSERT INTO ${spec.table} (${cols}) SELECT ${cols} FROM ${spec.staging} QUALIFY row_number() OVER (PARTITION BY ${keys} ORDER BY seq DESC) = 1`,
    `DELETE FROM ${spec.staging}`,
  ];
}

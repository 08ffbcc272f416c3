export * from './telemetry-store.ts';
export * from './state-store.ts';
export { TelemetryStoreError, isRetryableTelemetryError, type TelemetryErrorCode } from './influx/telemetry-error.ts';
export { InfluxTelemetryStore, type InfluxStoreOptions } from './influx/influx-store.ts';
export { InfluxHttp, type InfluxHttpOptions } from './influx/http.ts';
export { DuckDBTelemetryStore, type DuckDBStoreOptions } from './duckdb/duckdb-store.ts';
export { openTelemetryStore, type TelemetryStoreConfig } from './telemetry-factory.ts';
export * from './state/index.ts';
export * from './alerts/index.ts';

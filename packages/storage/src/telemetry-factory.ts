import { DuckDBTelemetryStore } from './duckdb/duckdb-store.ts';
import { InfluxTelemetryStore } from './influx/influx-store.ts';
import { TelemetryStoreError } from './influx/telemetry-error.ts';
import type { TelemetryStore } from './telemetry-store.ts';

export type TelemetryStoreConfig =
  | { kind: 'duckdb'; path: string }
  | {
      kind: 'influxdb';
      url: string;
      database: string;
      token?: string;
      username?: string;
      password?: string;
      retentionPolicy?: string;
      /** where the rollups go (default: retentionPolicy) */
      rollupRetentionPolicy?: string;
      timeoutMs?: number;
      createDatabase?: boolean;
    };

/** Open (and initialise) the TelemetryStore the configuration names. */
export async function openTelemetryStore(config: TelemetryStoreConfig): Promise<TelemetryStore> {
  const kind = (config as { kind?: unknown } | undefined)?.kind;
  let store: TelemetryStore;
  if (kind === 'duckdb') store = new DuckDBTelemetryStore({ path: (config as { path: string }).path });
  else if (kind === 'influxdb') {
    const { kind: _kind, ...options } = config as Extract<TelemetryStoreConfig, { kind: 'influxdb' }>;
    store = new InfluxTelemetryStore(options);
  } else {
    throw new TelemetryStoreError('input.invalid', `telemetry store kind ${JSON.stringify(kind)} is unknown; use 'duckdb' (embedded) or 'influxdb'`, false);
  }
  await store.init();
  return store;
}
